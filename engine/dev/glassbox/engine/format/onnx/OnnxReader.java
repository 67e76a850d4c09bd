package dev.glassbox.engine.format.onnx;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.io.FormatException;

/**
 * Reads the graph of an ONNX model (field numbers from onnx/onnx.proto3): ModelProto.graph = 7;
 * GraphProto node = 1, initializer = 5, input = 11, output = 12; NodeProto input = 1, output = 2, name = 3,
 * op_type = 4, attribute = 5; TensorProto dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9,
 * data_location = 14; ValueInfoProto name = 1; AttributeProto name = 1, f = 2, i = 3, t = 5.
 */
public final class OnnxReader {
    private OnnxReader() {
    }

    public static OnnxGraph read(Path source, MemorySegment data) throws FormatException {
        ProtoReader model = new ProtoReader(source, data, 0, data.byteSize());
        ProtoReader graph = null;
        while (model.next()) {
            if (model.field() == 7 && model.wireType() == ProtoReader.LEN) {
                graph = model.message();
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new FormatException(source, "not an ONNX model: no graph (ModelProto field 7) found");
        }
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> nodes.add(node(source, graph.message()));
                case 5 -> {
                    OnnxTensor t = tensor(source, graph.message());
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(valueName(graph.message()));
                case 12 -> outputs.add(valueName(graph.message()));
                default -> graph.skip();
            }
        }
        return new OnnxGraph(source, List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(inits), List.copyOf(nodes));
    }

    private static String valueName(ProtoReader r) throws FormatException {
        String name = "";
        while (r.next()) {
            if (r.field() == 1) {
                name = r.string();
            } else {
                r.skip();
            }
        }
        return name;
    }

    private static OnnxNode node(Path source, ProtoReader r) throws FormatException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        Map<String, Long> ints = new HashMap<>();
        Map<String, Float> floats = new HashMap<>();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> attribute(source, r.message(), ints, floats, tensors);
                default -> r.skip();
            }
        }
        return new OnnxNode(name, op, List.copyOf(in), List.copyOf(out), ints, floats, tensors);
    }

    private static void attribute(Path source, ProtoReader r, Map<String, Long> ints, Map<String, Float> floats,
                                  Map<String, OnnxTensor> tensors) throws FormatException {
        String name = "";
        Long i = null;
        Float f = null;
        OnnxTensor t = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.fixed32Float();
                case 3 -> i = r.varint();
                case 5 -> t = tensor(source, r.message());
                default -> r.skip();
            }
        }
        if (i != null) ints.put(name, i);
        if (f != null) floats.put(name, f);
        if (t != null) tensors.put(name, t);
    }

    static OnnxTensor tensor(Path source, ProtoReader r) throws FormatException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        MemorySegment raw = null;
        List<Float> floatData = new ArrayList<>();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.varints(dims::add);
                case 2 -> type = (int) r.varint();
                case 4 -> {
                    if (r.wireType() == ProtoReader.I32) {
                        floatData.add(r.fixed32Float());
                    } else {
                        MemorySegment packed = r.bytes();
                        for (long o = 0; o + 4 <= packed.byteSize(); o += 4) {
                            floatData.add(packed.get(dev.glassbox.engine.format.MappedFile.FLOAT, o));
                        }
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 14 -> external = r.varint() == 1;
                default -> r.skip();
            }
        }
        if (external) {
            throw new FormatException(source, "tensor '" + name + "' keeps its data in an external file, which is not supported");
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long x : d) {
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new FormatException(source, "tensor '" + name + "' has invalid dimension " + x);
            }
            count = Math.multiplyExact(count, x);
        }
        float[] fd = null;
        if (type == OnnxTensor.FLOAT) {
            if (raw != null) {
                if (raw.byteSize() != count * Float.BYTES) {
                    throw new FormatException(source, "tensor '" + name + "' of shape " + dims + " needs "
                            + count * Float.BYTES + " bytes of raw_data but holds " + raw.byteSize());
                }
            } else {
                if (floatData.size() != count) {
                    throw new FormatException(source, "tensor '" + name + "' of shape " + dims + " needs " + count
                            + " floats but holds " + floatData.size());
                }
                fd = new float[floatData.size()];
                for (int k = 0; k < fd.length; k++) {
                    fd[k] = floatData.get(k);
                }
            }
        }
        return new OnnxTensor(name, d, type, raw, fd);
    }
}
