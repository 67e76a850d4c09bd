package dev.glassbox.engine.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import dev.glassbox.engine.io.FormatException;

/** A read-only memory-mapped file with little-endian accessors; unmapped when no longer reachable. */
public record MappedFile(Path path, MemorySegment segment) {
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static MappedFile open(Path path) throws IOException {
        checkReadable(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new FormatException(path, "file is empty");
            }
            return new MappedFile(path, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto()));
        }
    }

    /**
     * Opens a model file whose weights will be read on every token: mapped, or copied into huge pages when that
     * was asked for and the system allows ({@link HugePageCopy}).
     */
    public static MappedFile openWeights(Path path) throws IOException {
        checkReadable(path);
        Optional<MemorySegment> copy = HugePageCopy.read(path);
        return copy.isPresent() ? new MappedFile(path, copy.get()) : open(path);
    }

    private static void checkReadable(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new FormatException(path, "not a regular file");
        }
    }

    public long size() { return segment.byteSize(); }

    public int getInt(long offset) { return segment.get(INT, offset); }

    public long getLong(long offset) { return segment.get(LONG, offset); }

    /** A slice, checked against the file size with a message naming what was being read. */
    public MemorySegment slice(long offset, long bytes, String what) throws FormatException {
        if (offset < 0 || bytes < 0 || offset > size() - bytes) {
            throw new FormatException(path, what + " needs bytes " + offset + ".." + (offset + bytes)
                    + " but the file has only " + size() + " bytes (truncated?)");
        }
        return segment.asSlice(offset, bytes);
    }

    /** Copies {@code count} floats at {@code offset} onto the heap (for small vectors such as norms). */
    public float[] floats(long offset, int count, String what) throws FormatException {
        MemorySegment s = slice(offset, 4L * count, what);
        float[] out = new float[count];
        MemorySegment.copy(s, FLOAT, 0, out, 0, count);
        return out;
    }
}
