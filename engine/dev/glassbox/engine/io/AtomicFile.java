package dev.glassbox.engine.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file that appears all at once or not at all: written to a temporary sibling {@code .<name>.<n>.glassbox-tmp},
 * forced to disk and renamed over the target by {@link #commit()}; closing without commit deletes the temporary.
 * The writer holds a lock on its temporary, so a later run can tell a stale one (its writer was killed: the
 * lock is gone) from one being written, and deletes only the stale ones.
 */
public final class AtomicFile implements Closeable {
    static final String TMP_SUFFIX = ".glassbox-tmp";

    /** Something that writes a file's bytes. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final FileLock lock;
    private OutputStream stream;
    private Writer writer;
    private boolean committed;
    private boolean sync = true;

    private AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        deleteStale(this.target);
        Path t;
        FileChannel ch;
        while (true) {
            t = dir.resolve(tmpPrefix(this.target) + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + TMP_SUFFIX);
            try {
                ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
        this.tmp = t;
        this.channel = ch;
        this.lock = ch.tryLock();
    }

    /** Starts writing {@code target} (creating its folder); removes stale temporaries a killed writer left. */
    public static AtomicFile create(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a folder; give a file name");
        }
        return new AtomicFile(target);
    }

    /** Writes {@code target} with {@code body} atomically. */
    public static void write(Path target, Body body) throws IOException {
        try (AtomicFile f = create(target)) {
            body.writeTo(f.stream());
            f.commit();
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        writeString(target, text, true);
    }

    /** As {@link #writeString(Path, CharSequence)}; without {@code sync} the rename is atomic but not forced to disk. */
    static void writeString(Path target, CharSequence text, boolean sync) throws IOException {
        try (AtomicFile f = create(target)) {
            f.writer().append(text);
            f.sync = sync;
            f.commit();
        }
    }

    public Path target() { return target; }

    public FileChannel channel() { return channel; }

    /** A buffered stream into the temporary (closing it does not end the file; {@link #commit()} does). */
    public OutputStream stream() {
        if (stream == null) {
            stream = new BufferedOutputStream(Channels.newOutputStream(channel) /* closed by commit/close */, 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        return stream;
    }

    /** A buffered UTF-8 writer into the temporary. */
    public Writer writer() {
        if (writer == null) {
            writer = new OutputStreamWriter(stream(), StandardCharsets.UTF_8);
        }
        return writer;
    }

    /** Forces the bytes to disk and renames the temporary over the target. */
    public void commit() throws IOException {
        if (writer != null) writer.flush();
        if (stream != null) stream.flush();
        if (sync) channel.force(true);
        if (lock != null) lock.release();
        channel.close();
        move(tmp, target);
        committed = true;
    }

    /** Removes the temporary unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Renames atomically where the file system can, else replaces. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String tmpPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    /** True when {@code name} is a temporary this class makes. */
    static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(TMP_SUFFIX);
    }

    /** Deletes the temporaries of {@code target} whose writer is gone (no one holds their lock). */
    static void deleteStale(Path target) throws IOException {
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, tmpPrefix(target) + "*" + TMP_SUFFIX)) {
            for (Path p : s) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && unlocked(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** True when no process (this one included) holds a lock on {@code p}. */
    static boolean unlocked(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return false;
            l.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
