package dev.glassbox.engine.format.hf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.tensor.BF16Tensor;
import dev.glassbox.engine.tensor.F16Tensor;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.io.Json;

/**
 * One safetensors file (huggingface/safetensors format spec): an unsigned 64-bit little-endian header length
 * N, N bytes of JSON mapping tensor names to {dtype, shape, data_offsets [begin, end)} relative to the byte
 * after the header, then the data. Every entry is validated against the file size and the others when the
 * file is opened, before any tensor is read; F32/F16/BF16 tensors are then views over the mapped file.
 */
public final class SafetensorsFile {
    /** The reference implementation refuses headers above 100 MB; so do we (a corrupt length cannot exhaust memory). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Bytes per element of every dtype the format defines (so offsets of tensors we never read are still checked). */
    private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));

    /** One header entry; {@code begin}/{@code end} are absolute file offsets. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() { return shape.clone(); }

        public int rank() { return shape.length; }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeText() { return Arrays.toString(shape); }
    }

    private final MappedFile file;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile file, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        MappedFile f = MappedFile.openWeights(path);
        if (f.size() < 8) {
            throw new FormatException(path, "too short for safetensors (" + f.size() + " bytes, the header length alone needs 8)");
        }
        long n = f.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES || n > f.size() - 8) {
            throw new FormatException(path, "safetensors header length " + Long.toUnsignedString(n)
                    + " is impossible for a file of " + f.size() + " bytes (limit " + MAX_HEADER_BYTES
                    + "); not a safetensors file or truncated");
        }
        byte[] header = new byte[(int) n];
        MemorySegment.copy(f.segment(), ValueLayout.JAVA_BYTE, 8, header, 0, header.length);
        JsonNode root;
        try {
            root = Json.STRICT.readTree(header);
        } catch (JacksonException e) {
            throw ModelFiles.jsonError(path, "safetensors header", e);
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(path, "safetensors header must be a JSON object");
        }
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("__metadata__").properties()) {
            if (e.getValue().isTextual()) { // the spec allows only strings; anything else is ignored, as before
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        return new SafetensorsFile(f, parseEntries(path, root, 8 + n, f.size()), java.util.Collections.unmodifiableMap(metadata));
    }

    private static Map<String, Entry> parseEntries(Path path, JsonNode root, long dataStart, long fileSize)
            throws FormatException {
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue; // free-form string map; nothing in it changes how tensors are read
            }
            list.add(parseEntry(path, e.getKey(), e.getValue(), dataStart, fileSize));
        }
        // The spec requires the data section to be exactly covered: no overlaps, no holes, nothing after.
        List<Entry> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = dataStart;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new FormatException(path, "tensor '" + e.name() + "' data_offsets overlap tensor '"
                        + previous.name() + "' (starts at byte " + (e.begin() - dataStart) + ", previous ends at "
                        + (expected - dataStart) + ")");
            }
            if (e.begin() > expected) {
                throw new FormatException(path, "unindexed gap of " + (e.begin() - expected) + " bytes before tensor '"
                        + e.name() + "' (the data section must be fully covered)");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != fileSize) {
            throw new FormatException(path, (fileSize - expected) + " bytes after the last tensor are not indexed"
                    + " by the header (corrupt file?)");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : list) {
            byName.put(e.name(), e);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static Entry parseEntry(Path path, String name, JsonNode v, long dataStart, long fileSize)
            throws FormatException {
        String where = "tensor '" + name + "'";
        if (!v.isObject()) {
            throw new FormatException(path, where + ": header entry must be an object with dtype, shape, data_offsets");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new FormatException(path, where + ": missing or non-text dtype");
        }
        Integer elementBytes = ELEMENT_BYTES.get(dt.asText());
        if (elementBytes == null) {
            throw new FormatException(path, where + ": unknown dtype '" + dt.asText() + "'");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new FormatException(path, where + ": missing shape array");
        }
        long[] shape = new long[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new FormatException(path, where + ": shape " + sh + " has a non-integer or negative dimension");
            }
            shape[i] = d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException ex) {
                throw new FormatException(path, where + ": shape " + sh + " has more elements than a file can hold");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2
                || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new FormatException(path, where + ": data_offsets must be two integers [begin, end)");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        long available = fileSize - dataStart;
        if (begin < 0 || end < begin || end > available) {
            throw new FormatException(path, where + ": data_offsets [" + begin + ", " + end
                    + ") out of range (the data section has " + available + " bytes)");
        }
        long need;
        try {
            need = Math.multiplyExact(count, (long) elementBytes);
        } catch (ArithmeticException ex) {
            throw new FormatException(path, where + ": shape " + sh + " is too large");
        }
        if (end - begin != need) {
            throw new FormatException(path, where + ": shape " + sh + " of " + dt.asText() + " needs " + need
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dt.asText(), shape, dataStart + begin, dataStart + end);
    }

    public Path path() { return file.path(); }

    /** Tensor names in header order. */
    public Set<String> names() { return entries.keySet(); }

    /** The header's {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() { return metadata; }

    public boolean contains(String name) { return entries.containsKey(name); }

    public Entry entry(String name) throws FormatException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new FormatException(path(), "missing tensor '" + name + "'");
        }
        return e;
    }

    /** A 2-D tensor as a zero-copy view over the mapped file (F32, F16 or BF16). */
    public Tensor matrix(String name) throws FormatException {
        Entry e = entry(name);
        if (e.rank() != 2) {
            throw new FormatException(path(), "tensor '" + name + "' has shape " + e.shapeText() + ", expected a matrix");
        }
        if (e.shape[0] <= 0 || e.shape[1] <= 0 || e.shape[0] > Integer.MAX_VALUE || e.shape[1] > Integer.MAX_VALUE) {
            throw new FormatException(path(), "tensor '" + name + "' has unusable matrix shape " + e.shapeText());
        }
        int rows = (int) e.shape[0];
        int cols = (int) e.shape[1];
        MemorySegment data = file.segment().asSlice(e.begin(), e.end() - e.begin());
        return switch (e.dtype()) {
            case "F32" -> new F32Tensor(data, rows, cols);
            case "F16" -> new F16Tensor(data, rows, cols);
            case "BF16" -> new BF16Tensor(data, rows, cols);
            default -> throw unsupported(e);
        };
    }

    /** Any tensor's values copied to float32 row-major (for vectors and for layouts that need rearranging). */
    public float[] floats(String name) throws FormatException {
        Entry e = entry(name);
        if (e.elements() > Integer.MAX_VALUE - 8) {
            throw new FormatException(path(), "tensor '" + name + "' with shape " + e.shapeText() + " is too large to copy");
        }
        int n = (int) e.elements();
        float[] out = new float[n];
        MemorySegment s = file.segment();
        switch (e.dtype()) {
            case "F32" -> MemorySegment.copy(s, MappedFile.FLOAT, e.begin(), out, 0, n);
            case "F16" -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(s.get(LE_SHORT, e.begin() + 2L * i));
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((s.get(LE_SHORT, e.begin() + 2L * i) & 0xFFFF) << 16);
            }
            default -> throw unsupported(e);
        }
        return out;
    }

    private FormatException unsupported(Entry e) {
        return new FormatException(path(), "tensor '" + e.name() + "' has dtype " + e.dtype()
                + ", which is not supported (supported: F32, F16, BF16)");
    }
}
