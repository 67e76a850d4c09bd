package dev.glassbox.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The one rule for folders Glassbox writes into: the folder must be new, empty, or one Glassbox wrote (every entry
 * listed in its {@value #MARKER} file, or named as the command's own, e.g. a checkpoint's files); it must not be,
 * hold or lie inside an input; and {@code --force} lets a command write beside files it did not write, which are then
 * kept (never deleted). Checked by {@link #check} before any work. Every file goes through {@link AtomicFile}; a
 * checkpoint folder is replaced whole by {@link #replace} (built in a {@code <name>.tmp-*} sibling, swapped in through
 * a {@code <name>.old-*} one, stale siblings of killed runs removed by the next run).
 */
public final class OutputFolder {
    /** Lists the files Glassbox wrote into a folder, one per line after a comment. */
    public static final String MARKER = ".glassbox-output";
    private static final String MARKER_HEADER = "# Written by Glassbox; it may replace the files listed below.\n";

    /** An input of a command (model file or folder, text file), named by its option for messages. */
    public record Input(String option, Path path) {
    }

    /** Writes a folder's files into {@code dir} (an empty folder that becomes the output). */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    private final Path dir;
    private final String option;
    private final Predicate<String> own;
    private final Set<String> listed = new LinkedHashSet<>();
    private final boolean foreign;

    private OutputFolder(Path dir, String option, Predicate<String> own, Set<String> listed, boolean foreign) {
        this.dir = dir;
        this.option = option;
        this.own = own;
        this.listed.addAll(listed);
        this.foreign = foreign;
    }

    /**
     * Checks {@code dir} as an output folder before any work; fails with a message naming it otherwise. Once
     * accepted, stale siblings a killed {@link #replace} left are removed (or the previous folder moved back).
     *
     * @param option the command's option for messages, e.g. "--out"
     * @param own    names of files the command writes that count as Glassbox's even without a marker
     */
    public static OutputFolder check(Path dir, String option, boolean force, Predicate<String> own, Input... inputs)
            throws IOException {
        return check(dir, option, force, own, sub -> false, inputs);
    }

    /**
     * As {@link #check(Path, String, boolean, Predicate, Input...)}, also counting as Glassbox's the sub-folders
     * {@code ownFolder} accepts (a search's candidate checkpoints); any other sub-folder is not Glassbox's.
     */
    public static OutputFolder check(Path dir, String option, boolean force, Predicate<String> own,
                                     Predicate<Path> ownFolder, Input... inputs) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + dir + " is a file, not a folder; name a new folder");
        }
        requireApart(abs, option, inputs);
        Set<String> listed = Set.of();
        List<String> strangers = List.of();
        if (Files.isDirectory(abs)) {
            listed = listed(abs);
            strangers = strangers(abs, listed, own, ownFolder);
        }
        if (!strangers.isEmpty() && !force) {
            throw new IllegalArgumentException(option + " " + dir + " holds files Glassbox did not write ("
                    + String.join(", ", strangers.subList(0, Math.min(3, strangers.size())))
                    + (strangers.size() > 3 ? ", ..." : "") + "); choose a new or empty folder, or pass --force to write"
                    + " beside them (they are kept)");
        }
        OutputFolder f = new OutputFolder(abs, option, own, listed, !strangers.isEmpty());
        f.cleanStaleSiblings();
        return f;
    }

    /** As {@link #check(Path, String, boolean, Predicate, Input...)} with no own names beyond the marker's list. */
    public static OutputFolder check(Path dir, String option, boolean force, Input... inputs) throws IOException {
        return check(dir, option, force, name -> false, inputs);
    }

    /**
     * Checks a single output file before any work: not a folder, not an input, and, unless {@code force}, not an
     * existing file (it would be replaced).
     */
    public static void checkFile(Path file, String option, boolean force, Input... inputs) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + file + " is a folder; give a file name");
        }
        Path parent = abs.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": folder " + parent + " does not exist");
        }
        requireApart(abs, option, inputs);
        if (Files.exists(abs) && !force) {
            throw new IllegalArgumentException(option + " " + file + " already exists; pass --force to replace it, or"
                    + " choose another name");
        }
    }

    /** An input, or null when the option was not given. */
    public static Input input(String option, Path path) {
        return path == null ? null : new Input(option, path);
    }

    public Path dir() { return dir; }

    /** Writes one file of the folder atomically, listing it in the marker first. */
    public void write(String name, AtomicFile.Body body) throws IOException {
        list(name);
        AtomicFile.write(dir.resolve(name), body);
    }

    public void writeString(String name, CharSequence text) throws IOException {
        list(name);
        AtomicFile.writeString(dir.resolve(name), text);
    }

    /** Opens one file of the folder for writing (commit it, then close it), listing it in the marker first. */
    public AtomicFile create(String name) throws IOException {
        list(name);
        return AtomicFile.create(dir.resolve(name));
    }

    /** A file's path in the folder, listed in the marker, for writers that take a path (and write atomically). */
    public Path file(String name) throws IOException {
        list(name);
        return dir.resolve(name);
    }

    private void list(String name) throws IOException {
        if (name.contains("/") || name.contains("\\") || name.equals(MARKER)) {
            throw new IllegalArgumentException("not a file name of the folder: " + name);
        }
        if (listed.add(name) || !Files.exists(dir.resolve(MARKER))) {
            Files.createDirectories(dir);
            // rewritten per new file; not forced to disk: a marker lost to a power cut only makes the next run ask for --force
            AtomicFile.writeString(dir.resolve(MARKER), markerText(listed), false);
        }
    }

    /**
     * Replaces the folder by the one {@code contents} writes: built in a locked {@code <name>.tmp-*} sibling, then
     * swapped in, so a kill leaves the previous folder or the new one, never a mix. A folder holding files Glassbox
     * did not write (allowed by --force), or the working folder, is not swapped: the new files are moved into it one
     * by one and the others kept. Stale siblings of killed runs are removed first.
     */
    public void replace(Contents contents) throws IOException {
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        cleanStaleSiblings();
        Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp-");
        try (FileChannel marker = FileChannel.open(tmp.resolve(MARKER), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = marker.tryLock();
            try {
                contents.writeInto(tmp);
                Set<String> names = new LinkedHashSet<>();
                try (Stream<Path> s = Files.list(tmp)) {
                    s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(MARKER)).sorted().forEach(names::add);
                }
                marker.truncate(0).write(ByteBuffer.wrap(markerText(names).getBytes(StandardCharsets.UTF_8)));
                marker.force(true);
                boolean swap = !foreign && !Path.of("").toAbsolutePath().startsWith(dir) && !Files.isSymbolicLink(dir);
                if (swap) {
                    swapIn(tmp, parent);
                } else {
                    for (String n : names) {
                        list(n);
                        AtomicFile.move(tmp.resolve(n), dir.resolve(n));
                    }
                    deleteOwned(tmp, names::contains);
                }
            } finally {
                if (lock != null && lock.isValid()) lock.release();
            }
        } catch (IOException | RuntimeException e) {
            deleteOwned(tmp, n -> true);
            throw e;
        }
    }

    private void swapIn(Path tmp, Path parent) throws IOException {
        Path old = null;
        if (Files.exists(dir)) {
            old = Files.createTempDirectory(parent, dir.getFileName() + ".old-");
            Files.delete(old);
            AtomicFile.move(dir, old);
        }
        AtomicFile.move(tmp, dir);
        if (old != null) {
            deleteOwned(old, ownedBy(old));
        }
    }

    /**
     * Removes {@code <name>.tmp-*} and {@code <name>.old-*} siblings a killed run left: only those holding nothing
     * but Glassbox's files and no longer locked by their writer (or empty). If the folder itself is gone (killed
     * mid-swap), the previous folder is moved back instead.
     */
    private void cleanStaleSiblings() throws IOException {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) return;
        String name = dir.getFileName().toString();
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(name + ".tmp-") || n.startsWith(name + ".old-");
        })) {
            for (Path p : s) {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                // killed before its marker was made, a folder is empty; after, its writer's lock on the marker is gone
                boolean abandoned = Files.isRegularFile(p.resolve(MARKER)) ? AtomicFile.unlocked(p.resolve(MARKER)) : isEmpty(p);
                if (abandoned && strangers(p, listed(p), own, sub -> false).isEmpty()) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            if (!Files.exists(dir) && p.getFileName().toString().startsWith(name + ".old-")) {
                AtomicFile.move(p, dir);
            } else {
                deleteOwned(p, ownedBy(p));
            }
        }
    }

    /** Names Glassbox wrote into {@code folder}: its marker's list and the command's own names. */
    private Predicate<String> ownedBy(Path folder) throws IOException {
        Set<String> names = listed(folder);
        return n -> names.contains(n) || own.test(n);
    }

    /** Deletes the regular files {@code ours} names, the marker and temporaries, then the folder if it is empty. */
    private static void deleteOwned(Path folder, Predicate<String> ours) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean glassboxs = n.equals(MARKER) || AtomicFile.isTemporary(n) || ours.test(n);
                if (glassboxs && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (isEmpty(folder)) Files.deleteIfExists(folder);
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        }
    }

    private static Set<String> listed(Path dir) throws IOException {
        Path m = dir.resolve(MARKER);
        Set<String> names = new LinkedHashSet<>();
        if (Files.isRegularFile(m)) {
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) names.add(line.strip());
            }
        }
        return names;
    }

    /** Entries of {@code dir} Glassbox did not write, sorted. */
    private static List<String> strangers(Path dir, Set<String> listed, Predicate<String> own, Predicate<Path> ownFolder)
            throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                boolean ours = n.equals(MARKER) || AtomicFile.isTemporary(n) || listed.contains(n) || own.test(n);
                return !(ours && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && ownFolder.test(p));
            }).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String markerText(Set<String> names) {
        return MARKER_HEADER + String.join("\n", names) + (names.isEmpty() ? "" : "\n");
    }

    private static void requireApart(Path out, String option, Input... inputs) throws IOException {
        Path o = canonical(out);
        for (Input in : inputs) {
            if (in == null || in.path() == null) continue;
            Path i = canonical(in.path().toAbsolutePath().normalize());
            if (o.equals(i)) {
                throw new IllegalArgumentException(option + " " + out + " is the " + in.option() + " input; write to another"
                        + " " + (Files.isDirectory(i) ? "folder" : "file"));
            }
            if (o.startsWith(i)) {
                throw new IllegalArgumentException(option + " " + out + " is inside the " + in.option() + " input " + in.path()
                        + "; write outside it");
            }
            if (i.startsWith(o)) {
                throw new IllegalArgumentException(option + " " + out + " contains the " + in.option() + " input " + in.path()
                        + "; write to a folder that does not hold the input");
            }
        }
    }

    /** The real path of an existing path; of a new one, its nearest existing ancestor's real path plus the rest. */
    private static Path canonical(Path abs) throws IOException {
        if (Files.exists(abs)) return abs.toRealPath();
        Path parent = abs.getParent();
        return parent == null ? abs : canonical(parent).resolve(abs.getFileName());
    }

    @Override
    public String toString() { return option + " " + dir; }
}
