package dev.glassbox.engine.format.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Tensor;

/**
 * A parsed GGUF file: metadata, tensor infos, and tensors as slices of the mapped file (never copied, except
 * small vectors such as norm gains).
 */
public record GgufFile(MappedFile file, int version, Map<String, GgufValue> metadata,
                       Map<String, GgufTensorInfo> tensors, int alignment, long dataOffset, Set<String> used) {

    public GgufFile(MappedFile file, int version, Map<String, GgufValue> metadata, Map<String, GgufTensorInfo> tensors,
                    int alignment, long dataOffset) {
        this(file, version, metadata, tensors, alignment, dataOffset, new HashSet<>());
    }

    /**
     * Fails naming the tensors no lookup asked for (as llama.cpp refuses a file whose tensor count differs from
     * what the architecture and block_count imply): extra layers or unknown tensors would otherwise be dropped.
     */
    public void requireAllUsed(String model) throws FormatException {
        List<String> unused = tensors.keySet().stream().filter(n -> !used.contains(n)).toList();
        if (!unused.isEmpty()) {
            throw fail(unused.size() + " tensor(s) not part of " + model + ": "
                    + String.join(", ", unused.subList(0, Math.min(5, unused.size())).stream().map(n -> "'" + n + "'").toList())
                    + (unused.size() > 5 ? ", ..." : "") + " (extra layers beyond block_count, or another architecture)");
        }
    }

    /** A finite number in [min, max] (norm epsilons, rope bases and factors); the fallback when absent. */
    public float number(String key, float fallback, double min, double max) throws FormatException {
        float v = number(key, fallback);
        if (!(Float.isFinite(v) && v >= min && v <= max)) {
            throw fail("metadata '" + key + "' = " + v + " is not a finite number in " + min + ".." + max);
        }
        return v;
    }

    public Path path() { return file.path(); }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    private FormatException fail(String problem) {
        return new FormatException(path(), problem);
    }

    public String string(String key) throws FormatException {
        GgufValue v = require(key);
        if (!(v.value() instanceof String s)) {
            throw fail("metadata '" + key + "' should be a string, got " + v);
        }
        return s;
    }

    /** An integer metadata value that must fit in [min, max]. */
    public int integer(String key, int min, int max) throws FormatException {
        return checkedInt(key, require(key), min, max);
    }

    public int integer(String key, int min, int max, int fallback) throws FormatException {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : checkedInt(key, v, min, max);
    }

    private int checkedInt(String key, GgufValue v, int min, int max) throws FormatException {
        if (!(v.value() instanceof Long l)) {
            throw fail("metadata '" + key + "' should be an integer, got " + v);
        }
        if (l < min || l > max) {
            throw fail("metadata '" + key + "' = " + Long.toUnsignedString(l) + " is outside " + min + ".." + max);
        }
        return (int) (long) l;
    }

    public float number(String key, float fallback) throws FormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.value()) {
            case Float f -> f;
            case Double d -> d.floatValue();
            case Long l -> l;
            default -> throw fail("metadata '" + key + "' should be a number, got " + v);
        };
    }

    private GgufValue require(String key) throws FormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw fail("missing metadata key '" + key + "'");
        }
        return v;
    }

    public boolean has(String tensor) {
        return tensors.containsKey(tensor);
    }

    public GgufTensorInfo info(String name) throws FormatException {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw fail("missing tensor '" + name + "'");
        }
        used.add(name);
        return t;
    }

    /** The raw bytes of a tensor the engine can read. */
    public MemorySegment data(GgufTensorInfo t) throws FormatException {
        DType d = dtype(t);
        return file.slice(dataOffset + t.offset(), d.bytesFor(t.elements()), "data of tensor '" + t.name() + "'");
    }

    private DType dtype(GgufTensorInfo t) throws FormatException {
        return t.type().dtype().orElseThrow(() -> fail("tensor '" + t.name() + "' has ggml type " + t.type()
                + ", which this engine cannot read (supported: " + GgmlType.supported() + ")"));
    }

    /** A weight matrix of {@code rows x cols} (GGUF ne = [cols, rows]). */
    public Tensor matrix(String name, int rows, int cols) throws FormatException {
        GgufTensorInfo t = info(name);
        if (t.cols() != cols || t.rows() != rows || (t.ne().length > 2 && t.elements() != (long) rows * cols)) {
            throw fail("tensor '" + name + "' has shape " + t.shape() + ", expected [" + cols + ", " + rows + "]");
        }
        return tensor(t, rows, cols);
    }

    /** A tensor viewed as {@code rows() x cols()} (higher dimensions flattened into rows). */
    public Tensor tensor(GgufTensorInfo t) throws FormatException {
        if (t.rows() > Integer.MAX_VALUE || t.cols() > Integer.MAX_VALUE) {
            throw fail("tensor '" + t.name() + "' " + t.shape() + " is too large for this engine");
        }
        return tensor(t, (int) t.rows(), (int) t.cols());
    }

    private Tensor tensor(GgufTensorInfo t, int rows, int cols) throws FormatException {
        try {
            return Tensor.of(dtype(t), data(t), rows, cols);
        } catch (IllegalArgumentException e) { // blocks the tensor refuses, such as a Q8_0 scale that is NaN
            throw fail("tensor '" + t.name() + "': " + e.getMessage());
        }
    }

    /** A 1-D tensor of {@code length} values (norm gains, biases) copied to the heap as float32. */
    public float[] vector(String name, int length) throws FormatException {
        GgufTensorInfo t = info(name);
        if (t.elements() != length || t.cols() != length) {
            throw fail("tensor '" + name + "' has shape " + t.shape() + ", expected [" + length + "]");
        }
        return tensor(t, 1, length).row(0);
    }

    /** Like {@link #vector} but null when the tensor is absent. */
    public float[] optionalVector(String name, int length) throws FormatException {
        return has(name) ? vector(name, length) : null;
    }
}
