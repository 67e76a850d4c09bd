package dev.glassbox.engine.format.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;

/**
 * Parses a GGUF v2/v3 header (ggml docs/gguf.md): magic "GGUF", u32 version, u64 tensor count, u64 metadata
 * count, the key/value pairs, the tensor infos, then padding to {@code general.alignment} (default 32) before
 * the data section. Every count, length and offset is checked against the file size before anything is
 * allocated, so a corrupt file fails with a {@link FormatException} naming the problem.
 */
public final class GgufReader {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS
    private static final int MAX_ARRAY_NESTING = 8;
    /**
     * Metadata arrays are decoded onto the heap, where an element costs up to ~50 bytes (a String), so their size
     * is capped: 2^22 elements each (the largest vocabulary {@code ModelConfig} accepts) and 2^23 in all
     * (tokens, scores, types and merges of a 2^21-token vocabulary), a few hundred MB at worst.
     */
    private static final int MAX_ARRAY_LENGTH = 1 << 22;
    private static final long MAX_ARRAY_ELEMENTS = 1 << 23;
    /** Smallest tensor info: name length, n_dims, one dim, type, offset. */
    private static final int MIN_TENSOR_INFO = 8 + 4 + 8 + 4 + 8;
    /** Smallest key/value: key length, value type, a one-byte value. */
    private static final int MIN_KV = 8 + 4 + 1;

    private GgufReader() {
    }

    public static GgufFile read(Path path) throws IOException {
        return read(MappedFile.open(path));
    }

    public static GgufFile read(MappedFile f) throws FormatException {
        Cursor c = new Cursor(f);
        if (f.size() < 24) {
            throw c.fail("too short for a GGUF file (" + f.size() + " bytes, the header alone needs 24)");
        }
        int magic = c.u32("magic");
        if (magic != MAGIC) {
            throw c.fail(String.format("not a GGUF file: magic is 0x%08x, expected 0x%08x (\"GGUF\")", magic, MAGIC));
        }
        int version = c.u32("version");
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? " (a big-endian GGUF file; only little-endian files are supported)"
                    : version == 1 ? " (GGUF v1 is obsolete; re-convert with a current llama.cpp)" : "";
            throw c.fail("unsupported GGUF version " + version + hint + "; supported: 2, 3");
        }
        long tensorCount = c.u64("tensor count");
        long kvCount = c.u64("metadata count");
        if (kvCount < 0 || kvCount > c.remaining() / MIN_KV) {
            throw c.fail("absurd metadata count " + Long.toUnsignedString(kvCount) + ": that many entries cannot fit in the "
                    + c.remaining() + " bytes left of a " + f.size() + "-byte file (truncated or corrupt)");
        }
        if (tensorCount < 0 || tensorCount > c.remaining() / MIN_TENSOR_INFO) {
            throw c.fail("absurd tensor count " + Long.toUnsignedString(tensorCount) + ": that many tensor infos cannot fit in the "
                    + c.remaining() + " bytes left of a " + f.size() + "-byte file (truncated or corrupt)");
        }
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("key of metadata entry " + i);
            int typeId = c.u32("value type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw c.fail("metadata '" + key + "' has unknown value type " + Integer.toUnsignedString(typeId));
            }
            GgufValue v = c.value(type, key, 0);
            if (metadata.putIfAbsent(key, v) != null) {
                throw c.fail("duplicate metadata key '" + key + "'");
            }
        }
        int alignment = alignment(c, metadata);
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = c.tensorInfo(i, alignment);
            if (tensors.putIfAbsent(t.name(), t) != null) {
                throw c.fail("duplicate tensor name '" + t.name() + "'");
            }
        }
        long dataOffset = align(c.pos, alignment);
        if (tensorCount > 0 && dataOffset > f.size()) {
            throw c.fail("data section would start at byte " + dataOffset + " but the file has only " + f.size()
                    + " bytes (truncated?)");
        }
        long dataBytes = Math.max(0, f.size() - dataOffset);
        checkContiguous(c, tensors, alignment);
        for (GgufTensorInfo t : tensors.values()) {
            if (t.type().dtype().isEmpty()) {
                if (t.offset() >= dataBytes) {
                    throw c.fail("tensor '" + t.name() + "' starts at data offset " + t.offset()
                            + " beyond the end of the file (data section holds " + dataBytes + " bytes; truncated?)");
                }
                continue; // size unknown to this engine; reported when the tensor is used
            }
            long end = t.offset() + t.byteSize();
            if (t.offset() > dataBytes || end > dataBytes) {
                throw c.fail("tensor '" + t.name() + "' (" + t.type() + " " + t.shape() + ") needs data bytes "
                        + t.offset() + ".." + end + " but the data section holds only " + dataBytes
                        + " bytes (truncated?)");
            }
        }
        return new GgufFile(f, version, metadata, tensors, alignment, dataOffset);
    }

    /**
     * As llama.cpp's gguf_init_from_file requires: in header order, each tensor's data starts where the previous
     * one's ends, rounded up to the alignment (the first at 0), so no two tensors overlap. After a tensor whose
     * ggml type this engine cannot size, the next only has to start later.
     */
    private static void checkContiguous(Cursor c, Map<String, GgufTensorInfo> tensors, int alignment)
            throws FormatException {
        long expected = 0;
        long after = -1; // when the previous size is unknown: the next offset must exceed this
        for (GgufTensorInfo t : tensors.values()) {
            if (after < 0 && t.offset() != expected) {
                throw c.fail("tensor '" + t.name() + "' data offset " + t.offset() + " should be " + expected
                        + (t.offset() < expected ? " (it overlaps the tensor before it)" : " (a gap after the tensor before it)")
                        + "; tensors must be stored one after the other");
            }
            if (after >= 0 && t.offset() <= after) {
                throw c.fail("tensor '" + t.name() + "' data offset " + t.offset()
                        + " overlaps the tensor before it (which starts at " + after + ")");
            }
            if (t.type().dtype().isPresent()) {
                expected = align(t.offset() + t.byteSize(), alignment);
                after = -1;
            } else {
                after = t.offset();
            }
        }
    }

    private static int alignment(Cursor c, Map<String, GgufValue> metadata) throws FormatException {
        GgufValue a = metadata.get("general.alignment");
        if (a == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (a.type() != GgufValueType.UINT32) {
            throw c.fail("general.alignment must be a UINT32, got " + a.type());
        }
        long v = (Long) a.value();
        if (v <= 0 || v > 1 << 20 || Long.bitCount(v) != 1) {
            throw c.fail("general.alignment must be a power of two, got " + v);
        }
        return (int) v;
    }

    static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    /** Bounds-checked little-endian reads over the mapped file. */
    private static final class Cursor {
        private final MappedFile f;
        private final MemorySegment seg;
        private long pos;
        private long arrayElements; // across all metadata arrays, nested ones included

        Cursor(MappedFile f) {
            this.f = f;
            this.seg = f.segment();
        }

        long remaining() { return f.size() - pos; }

        FormatException fail(String problem) {
            return new FormatException(f.path(), problem);
        }

        private void need(long n, String what) throws FormatException {
            if (n < 0 || n > remaining()) {
                throw fail("truncated: " + what + " at byte " + pos + " needs " + (n < 0 ? Long.toUnsignedString(n) : n)
                        + " bytes but the file ends at " + f.size());
            }
        }

        int u32(String what) throws FormatException {
            need(4, what);
            int v = seg.get(MappedFile.INT, pos);
            pos += 4;
            return v;
        }

        long u64(String what) throws FormatException {
            need(8, what);
            long v = seg.get(MappedFile.LONG, pos);
            pos += 8;
            return v;
        }

        String string(String what) throws FormatException {
            long len = u64("length of " + what);
            if (len < 0 || len > remaining()) {
                throw fail("truncated or corrupt: " + what + " at byte " + (pos - 8) + " claims "
                        + Long.toUnsignedString(len) + " bytes but only " + remaining() + " remain");
            }
            if (len > Integer.MAX_VALUE - 8) {
                throw fail(what + " is too long (" + len + " bytes)");
            }
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            return new String(b, StandardCharsets.UTF_8);
        }

        GgufValue value(GgufValueType type, String key, int depth) throws FormatException {
            String what = "value of '" + key + "'";
            return switch (type) {
                case UINT8 -> { need(1, what); yield GgufValue.of(type, (long) (seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF)); }
                case INT8 -> { need(1, what); yield GgufValue.of(type, (long) seg.get(ValueLayout.JAVA_BYTE, pos++)); }
                case BOOL -> { need(1, what); yield GgufValue.of(type, seg.get(ValueLayout.JAVA_BYTE, pos++) != 0); }
                case UINT16 -> GgufValue.of(type, (long) (u16(what) & 0xFFFF));
                case INT16 -> GgufValue.of(type, (long) (short) u16(what));
                case UINT32 -> GgufValue.of(type, Integer.toUnsignedLong(u32(what)));
                case INT32 -> GgufValue.of(type, (long) u32(what));
                case FLOAT32 -> GgufValue.of(type, Float.intBitsToFloat(u32(what)));
                case UINT64, INT64 -> GgufValue.of(type, u64(what));
                case FLOAT64 -> GgufValue.of(type, Double.longBitsToDouble(u64(what)));
                case STRING -> GgufValue.of(type, string(what));
                case ARRAY -> array(key, depth);
            };
        }

        private int u16(String what) throws FormatException {
            need(2, what);
            int v = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
            pos += 2;
            return v;
        }

        private GgufValue array(String key, int depth) throws FormatException {
            if (depth >= MAX_ARRAY_NESTING) {
                throw fail("metadata '" + key + "' nests arrays more than " + MAX_ARRAY_NESTING + " deep");
            }
            int typeId = u32("element type of array '" + key + "'");
            GgufValueType et = GgufValueType.byId(typeId);
            if (et == null) {
                throw fail("array '" + key + "' has unknown element type " + Integer.toUnsignedString(typeId));
            }
            long n = u64("length of array '" + key + "'");
            if (n < 0 || n > remaining() / et.minBytes()) {
                throw fail("array '" + key + "' claims " + Long.toUnsignedString(n) + " " + et
                        + " elements but only " + remaining() + " bytes remain");
            }
            if (n > MAX_ARRAY_LENGTH || n > MAX_ARRAY_ELEMENTS - arrayElements) {
                throw fail("array '" + key + "' has " + n + " elements; metadata arrays are limited to "
                        + MAX_ARRAY_LENGTH + " elements each and " + MAX_ARRAY_ELEMENTS + " in all (a 256k-token"
                        + " vocabulary needs about a million)");
            }
            arrayElements += n;
            int len = (int) n;
            Object values = switch (et) {
                case FLOAT32 -> {
                    float[] a = new float[len];
                    for (int i = 0; i < len; i++) a[i] = (Float) value(et, key, depth + 1).value();
                    yield a;
                }
                case FLOAT64 -> {
                    double[] a = new double[len];
                    for (int i = 0; i < len; i++) a[i] = (Double) value(et, key, depth + 1).value();
                    yield a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[len];
                    for (int i = 0; i < len; i++) a[i] = (Boolean) value(et, key, depth + 1).value();
                    yield a;
                }
                case STRING -> {
                    String[] a = new String[len];
                    for (int i = 0; i < len; i++) a[i] = string("element " + i + " of '" + key + "'");
                    yield a;
                }
                case ARRAY -> {
                    GgufValue[] a = new GgufValue[len];
                    for (int i = 0; i < len; i++) a[i] = array(key, depth + 1);
                    yield a;
                }
                default -> {
                    long[] a = new long[len];
                    for (int i = 0; i < len; i++) a[i] = (Long) value(et, key, depth + 1).value();
                    yield a;
                }
            };
            return GgufValue.array(et, values);
        }

        GgufTensorInfo tensorInfo(long index, int alignment) throws FormatException {
            String name = string("name of tensor " + index);
            int nDims = u32("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw fail("tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (must be 1.." + MAX_DIMS + ")");
            }
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                ne[d] = u64("dimension " + d + " of tensor '" + name + "'");
                if (ne[d] <= 0 || ne[d] > f.size() * 8 || elements > Long.MAX_VALUE / ne[d]) {
                    throw fail("tensor '" + name + "' has an absurd dimension " + d + " of "
                            + Long.toUnsignedString(ne[d]) + " for a file of " + f.size() + " bytes");
                }
                elements *= ne[d];
            }
            // every ggml type spends at least one bit per element
            if (elements > f.size() * 8) {
                throw fail("tensor '" + name + "' has " + elements + " elements, more than a file of " + f.size() + " bytes can hold");
            }
            int typeId = u32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() -> fail(
                    "tensor '" + name + "' has unknown ggml type id " + Integer.toUnsignedString(typeId)));
            long offset = u64("data offset of tensor '" + name + "'");
            if (offset < 0 || offset > f.size()) {
                throw fail("tensor '" + name + "' data offset " + Long.toUnsignedString(offset)
                        + " lies beyond the end of the file (" + f.size() + " bytes)");
            }
            if (offset % alignment != 0) {
                throw fail("tensor '" + name + "' data offset " + offset + " is not a multiple of the alignment " + alignment);
            }
            if (type.dtype().isPresent() && ne[0] % type.dtype().get().blockSize() != 0) {
                throw fail("tensor '" + name + "' row of " + ne[0] + " values is not a whole number of "
                        + type + " blocks of " + type.dtype().get().blockSize());
            }
            return new GgufTensorInfo(name, ne, type, offset);
        }
    }
}
