package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.Json;

/**
 * Writes float32 safetensors files as PyTorch's {@code save_file} does: keys sorted, {@code __metadata__}
 * {"format":"pt"}, data in key order, header padded with spaces to a multiple of 8 bytes so the data is aligned.
 * The file appears atomically ({@link AtomicFile}).
 */
public final class SafetensorsWriter {

    /** A row-major float32 array and its shape. */
    public record Data(int[] shape, float[] values) {
        public Data {
            shape = shape.clone();
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
            }
        }

        @Override
        public int[] shape() { return shape.clone(); }

        public static Data vector(float[] v) { return new Data(new int[] {v.length}, v); }

        public static Data matrix(float[] v, int rows, int cols) { return new Data(new int[] {rows, cols}, v); }
    }

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, Data> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** As {@link #write(Path, Map)}, with extra string entries in the header's {@code __metadata__}. */
    public static void write(Path file, Map<String, Data> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Data> sorted = new TreeMap<>(tensors);
        if (sorted.containsKey("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        ObjectNode header = Json.MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__").put("format", "pt");
        new TreeMap<>(metadata).forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, Data> e : sorted.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (int d : e.getValue().shape) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().values.length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        try (AtomicFile f = AtomicFile.create(file)) {
            FileChannel ch = f.channel();
            writeFully(ch, head);
            for (Data d : sorted.values()) {
                writeFloats(ch, d.values);
            }
            f.commit();
        }
    }

    private static void writeFloats(FileChannel ch, float[] v) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < v.length) {
            buf.clear();
            int n = Math.min(v.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(v, i, n);
            buf.limit(4 * n);
            writeFully(ch, buf);
            i += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
