package dev.glassbox.app.hub;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.glassbox.engine.io.AtomicFile;

/**
 * The Hugging Face cache folder, laid out as huggingface_hub lays it out so both share the files:
 * {@code models--ORG--NAME/blobs/<etag>} holds each file once (named by its git blob id, or by its sha256 for LFS
 * files), {@code snapshots/<commit>/<path>} are relative symlinks to {@code ../../blobs/<etag>}, {@code refs/<revision>}
 * holds the commit a branch or tag pointed to, and a download in progress is {@code blobs/<etag>.incomplete}.
 */
public final class HubCache {
    static final String INCOMPLETE = ".incomplete";
    private static final Pattern REPO_FOLDER = Pattern.compile("(models|datasets|spaces)--.+");
    // what else huggingface_hub (old and new) keeps at the top of the cache
    private static final Set<String> KNOWN = Set.of("version.txt", "version_diffusers_cache.txt", "CACHEDIR.TAG", "xet");
    private static final Set<String> REPO_PARTS = Set.of("blobs", "snapshots", "refs", ".no_exist");

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }

    public Path repoFolder(RepoRef repo) {
        return root.resolve(repo.cacheFolderName());
    }

    Path blob(RepoRef repo, String etag) {
        return repoFolder(repo).resolve("blobs").resolve(etag);
    }

    Path incomplete(RepoRef repo, String etag) {
        return repoFolder(repo).resolve("blobs").resolve(etag + INCOMPLETE);
    }

    Path lockFile(RepoRef repo, String etag) {
        return root.resolve(".locks").resolve(repo.cacheFolderName()).resolve(etag + ".lock");
    }

    public Path snapshot(RepoRef repo, String commit) {
        return repoFolder(repo).resolve("snapshots").resolve(commit);
    }

    /**
     * Fails unless the folder is one this class may write into: missing, empty, or holding only what a Hugging Face
     * cache holds (repository folders, hidden entries, huggingface_hub's marker files), and the repository's own
     * folder only blobs/, snapshots/, refs/ and .no_exist/. Anything else means the variable points somewhere else
     * (a home or project folder), where writing would mix the cache with the user's files.
     */
    public void requireLayout(RepoRef repo) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new HubException("hub.notCache", root, root.getFileName());
        }
        List<String> strangers = strangers(root, n -> n.startsWith(".") || KNOWN.contains(n) || REPO_FOLDER.matcher(n).matches());
        if (strangers.isEmpty()) {
            strangers = strangers(repoFolder(repo), REPO_PARTS::contains);
        }
        if (!strangers.isEmpty()) {
            throw new HubException("hub.notCache", root, String.join(", ", strangers.subList(0, Math.min(3, strangers.size()))));
        }
    }

    private static List<String> strangers(Path dir, java.util.function.Predicate<String> known) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !known.test(n)).sorted().toList();
        }
    }

    /** Writes {@code refs/<revision>} (atomically) unless the revision is the commit itself, as huggingface_hub does. */
    void writeRef(RepoRef repo, String commit) throws IOException {
        if (!repo.revisionIsCommit()) {
            AtomicFile.writeString(repoFolder(repo).resolve("refs").resolve(repo.revision()), commit);
        }
    }

    /**
     * Points {@code snapshots/<commit>/<name>} at the blob: a relative symlink (replacing an older one atomically),
     * or, where the file system has no symlinks, a copy of the blob as huggingface_hub then makes.
     */
    void link(RepoRef repo, String commit, String name, String etag) throws IOException {
        Path entry = snapshot(repo, commit).resolve(name).normalize();
        if (!entry.startsWith(snapshot(repo, commit))) {
            throw new HubException("hub.badFileName", name);
        }
        Files.createDirectories(entry.getParent());
        Path blob = blob(repo, etag);
        Path tmp = entry.resolveSibling("." + entry.getFileName() + ".glassbox-link");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, entry.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException noLinks) {
            if (noLinks instanceof FileAlreadyExistsException) throw (IOException) noLinks;
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The commit {@code repo}'s revision resolves to in the cache: the revision itself if a commit, else its ref. */
    public Optional<String> cachedCommit(RepoRef repo) {
        if (repo.revisionIsCommit()) {
            return Files.isDirectory(snapshot(repo, repo.revision())) ? Optional.of(repo.revision()) : Optional.empty();
        }
        try {
            Path ref = repoFolder(repo).resolve("refs").resolve(repo.revision());
            String c = Files.isRegularFile(ref) ? Files.readString(ref).strip() : "";
            return RepoRef.isCommit(c) ? Optional.of(c) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** One snapshot in the cache: its commit, the refs pointing to it, and its files (relative paths, sorted). */
    public record Snapshot(String commit, List<String> refs, List<String> files) {
    }

    /** The snapshots of {@code repo} in the cache, newest first. */
    public List<Snapshot> snapshots(RepoRef repo) {
        Path snaps = repoFolder(repo).resolve("snapshots");
        List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(snaps)) {
            return out;
        }
        try (Stream<Path> s = Files.list(snaps)) {
            for (Path dir : s.filter(Files::isDirectory).sorted(newestFirst()).toList()) {
                String commit = dir.getFileName().toString();
                out.add(new Snapshot(commit, refsTo(repoFolder(repo).resolve("refs"), commit), files(dir)));
            }
        } catch (IOException e) {
            // an unreadable cache lists nothing
        }
        return out;
    }

    /** A model Glassbox can open from the cache: a snapshot folder with config.json, or one GGUF file in it. */
    public record CachedModel(String label, Path path) {
    }

    /** Every model in the cache Glassbox can open (each repository's newest snapshot), sorted by label. */
    public List<CachedModel> openable() {
        List<CachedModel> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, "models--*")) {
            for (Path repoDir : repos) {
                String id = repoDir.getFileName().toString().substring("models--".length()).replace("--", "/");
                Path snaps = repoDir.resolve("snapshots");
                if (!Files.isDirectory(snaps)) continue;
                Optional<Path> newest;
                try (Stream<Path> s = Files.list(snaps)) {
                    newest = s.filter(Files::isDirectory).min(newestFirst());
                }
                newest.ifPresent(dir -> out.addAll(openableIn(id, dir)));
            }
        } catch (IOException e) {
            // an unreadable cache lists nothing
        }
        out.sort(Comparator.comparing(CachedModel::label));
        return out;
    }

    private static List<CachedModel> openableIn(String id, Path snapshot) {
        List<CachedModel> out = new ArrayList<>();
        if (Files.isRegularFile(snapshot.resolve("config.json"))) {
            out.add(new CachedModel(id, snapshot));
        }
        for (String f : files(snapshot)) {
            if (f.toLowerCase(Locale.ROOT).endsWith(".gguf") && Files.isRegularFile(snapshot.resolve(f))) {
                out.add(new CachedModel(id + "/" + f, snapshot.resolve(f)));
            }
        }
        return out;
    }

    private static List<String> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir, 8)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith("."))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private static List<String> refsTo(Path refs, String commit) {
        if (!Files.isDirectory(refs)) return List.of();
        try (Stream<Path> s = Files.walk(refs, 4)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.readString(p).strip().equals(commit);
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> refs.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private static Comparator<Path> newestFirst() {
        return Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return 0L;
            }
        }).reversed().thenComparing(Path::toString);
    }
}
