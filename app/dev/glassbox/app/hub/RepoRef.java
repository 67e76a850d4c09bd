package dev.glassbox.app.hub;

import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face Hub and the revision wanted: {@code ORG/NAME[@REVISION]} (a branch, tag or
 * commit; {@code main} when not given). Checked before any request, so a bad name never reaches a URL or a path.
 */
public record RepoRef(String id, String revision) {
    public static final String DEFAULT_REVISION = "main";
    // the Hub's own rule for a name part: letters, digits, '-', '_', '.'; no "--" or ".." (they would be ambiguous in
    // the cache's models--ORG--NAME folder names), not starting or ending with '-' or '.'
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._/-]{1,255}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public RepoRef {
        String[] parts = id.split("/", -1);
        if (parts.length > 2 || id.contains("--") || id.contains("..")) {
            throw invalid(id);
        }
        for (String p : parts) {
            if (!PART.matcher(p).matches()) {
                throw invalid(id);
            }
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.startsWith("/")
                || revision.endsWith("/")) {
            throw new IllegalArgumentException(HubException.text("hub.badRevision", revision));
        }
    }

    /** Parses {@code ORG/NAME} or {@code ORG/NAME@REVISION}. */
    public static RepoRef parse(String text) {
        String s = text.strip();
        int at = s.indexOf('@');
        return at < 0 ? new RepoRef(s, DEFAULT_REVISION) : new RepoRef(s.substring(0, at), s.substring(at + 1));
    }

    /** The repository's folder in the cache, {@code models--ORG--NAME}. */
    public String cacheFolderName() {
        return "models--" + id.replace("/", "--");
    }

    /** Whether the revision is a full commit hash (then no ref is written for it). */
    public boolean revisionIsCommit() {
        return isCommit(revision);
    }

    static boolean isCommit(String s) {
        return s != null && COMMIT.matcher(s).matches();
    }

    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? id : id + "@" + revision;
    }

    private static IllegalArgumentException invalid(String id) {
        return new IllegalArgumentException(HubException.text("hub.badRepo", id));
    }
}
