package dev.glassbox.engine.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.glassbox.engine.io.AtomicFile;

/**
 * Writes float32 arrays in the NumPy {@code .npy} format, version 1.0 (numpy/lib/format.py,
 * "NEP 1: A simple file format for NumPy arrays"): the magic {@code \x93NUMPY}, version bytes 1 0, a
 * little-endian uint16 header length, then an ASCII Python dict literal with {@code descr} {@code '<f4'},
 * {@code fortran_order False} and the shape, padded with spaces and a final newline so the data starts at a
 * multiple of 64 bytes; then the values in C (row-major) order, little-endian.
 */
public final class NpyWriter {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    static final int ALIGN = 64;

    private NpyWriter() {
    }

    /** Writes {@code values} (row-major, product(shape) of them) with the given shape. */
    public static void write(Path file, int[] shape, float[] values) throws IOException {
        long n = count(shape);
        if (n != values.length) {
            throw new IllegalArgumentException(file.getFileName() + ": shape " + shapeLiteral(shape) + " holds " + n
                    + " values, got " + values.length);
        }
        write(file, shape, out -> out.put(values, 0, values.length));
    }

    /** Hands an array's values over in row-major order, a run at a time, so no whole copy need exist. */
    @FunctionalInterface
    public interface Source {
        void writeTo(Values out) throws IOException;
    }

    /** Receives {@code len} values from {@code v[off ..]}. */
    @FunctionalInterface
    public interface Values {
        void put(float[] v, int off, int len) throws IOException;
    }

    /** Writes the values {@code source} hands over (exactly product(shape) of them) with the given shape. */
    public static void write(Path file, int[] shape, Source source) throws IOException {
        long n = count(shape);
        try (AtomicFile f = AtomicFile.create(file)) {
            FileChannel ch = f.channel();
            writeFully(ch, ByteBuffer.wrap(header(shape)));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            long[] written = {0};
            source.writeTo((v, off, len) -> {
                for (int i = off; i < off + len; i++) {
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        writeFully(ch, buf);
                        buf.clear();
                    }
                    buf.putFloat(v[i]);
                }
                written[0] += len;
            });
            if (written[0] != n) {
                throw new IllegalArgumentException(file.getFileName() + ": shape " + shapeLiteral(shape) + " holds " + n
                        + " values, got " + written[0]);
            }
            buf.flip();
            writeFully(ch, buf);
            f.commit();
        }
    }

    /** The header bytes (magic through the newline) for a little-endian float32 C-order array. */
    static byte[] header(int[] shape) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeLiteral(shape) + ", }";
        int preamble = MAGIC.length + 2 + 2;
        int unpadded = preamble + dict.length() + 1; // + '\n'
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        int headerLen = total - preamble;
        if (headerLen > 0xFFFF) {
            throw new IllegalArgumentException("shape " + shapeLiteral(shape) + " makes an .npy header too long for version 1.0");
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** A Python tuple literal: {@code ()}, {@code (5,)}, {@code (8, 5, 5)}. */
    static String shapeLiteral(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shapeLiteral(shape));
            }
            n *= d;
        }
        return n;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
