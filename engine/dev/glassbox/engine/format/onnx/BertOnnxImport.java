package dev.glassbox.engine.format.onnx;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * Maps a PyTorch-exported BERT graph (Hugging Face BertModel through torch.onnx) to {@link BertModel.Weights}.
 * The exporter keeps parameter names for biases and norms but stores each Linear weight as an anonymous
 * {@code onnx::MatMul_N} initializer of shape [in, out]; its name is recovered from the consuming node
 * ({@code /encoder/layer.0/attention/self/query/MatMul} -> {@code encoder.layer.0.attention.self.query.weight})
 * and it is transposed once to [out, in].
 */
public final class BertOnnxImport {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private final OnnxGraph graph;
    private final Path file;
    private final Map<String, Parameter> params = new HashMap<>();

    /** A weight in Hugging Face naming, with the orientation the graph stores it in. */
    private record Parameter(OnnxTensor tensor, boolean inOut) {
    }

    private BertOnnxImport(OnnxGraph graph) {
        this.graph = graph;
        this.file = graph.source();
    }

    /** A BERT whose sentence embedding is the mean over positions (what a bare graph says nothing against). */
    public static BertModel load(OnnxGraph graph, Parallel parallel) throws FormatException {
        return load(graph, SentencePooling.MEAN, parallel);
    }

    public static BertModel load(OnnxGraph graph, SentencePooling pooling, Parallel parallel) throws FormatException {
        BertOnnxImport im = new BertOnnxImport(graph);
        im.collectParameters();
        return im.build(pooling, parallel);
    }

    private void collectParameters() {
        for (OnnxNode n : graph.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                OnnxTensor t = graph.initializers().get(n.inputs().get(i));
                if (t == null || !t.isFloat()) {
                    continue;
                }
                boolean matmulWeight = n.opType().equals("MatMul") && i == 1;
                boolean gemmWeight = n.opType().equals("Gemm") && i == 1;
                boolean inOut = matmulWeight || (gemmWeight && n.intAttribute("transB", 0) == 0);
                String name = t.name().startsWith("onnx::") || !t.name().contains(".")
                        ? moduleOf(n) + (matmulWeight || gemmWeight || n.opType().equals("Mul") ? ".weight" : ".bias")
                        : t.name();
                params.putIfAbsent(name, new Parameter(t, inOut));
            }
        }
    }

    /** "/encoder/layer.0/attention/self/query/MatMul" -> "encoder.layer.0.attention.self.query". */
    private static String moduleOf(OnnxNode n) {
        String s = n.name().startsWith("/") ? n.name().substring(1) : n.name();
        int slash = s.lastIndexOf('/');
        return (slash < 0 ? s : s.substring(0, slash)).replace('/', '.');
    }

    private BertModel build(SentencePooling pooling, Parallel parallel) throws FormatException {
        Tensor word = matrix("embeddings.word_embeddings.weight");
        Tensor pos = matrix("embeddings.position_embeddings.weight");
        Tensor type = matrix("embeddings.token_type_embeddings.weight");
        int dim = word.cols();
        int layers = 0;
        for (String k : params.keySet()) {
            Matcher m = LAYER.matcher(k);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (layers == 0) {
            throw new FormatException(file, "no encoder.layer.N weights found: not a BERT graph");
        }
        BertModel.Layer[] ls = new BertModel.Layer[layers];
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            ls[l] = new BertModel.Layer(
                    matrix(p + "attention.self.query.weight"), vector(p + "attention.self.query.bias"),
                    matrix(p + "attention.self.key.weight"), vector(p + "attention.self.key.bias"),
                    matrix(p + "attention.self.value.weight"), vector(p + "attention.self.value.bias"),
                    matrix(p + "attention.output.dense.weight"), vector(p + "attention.output.dense.bias"),
                    vector(p + "attention.output.LayerNorm.weight"), vector(p + "attention.output.LayerNorm.bias"),
                    matrix(p + "intermediate.dense.weight"), vector(p + "intermediate.dense.bias"),
                    matrix(p + "output.dense.weight"), vector(p + "output.dense.bias"),
                    vector(p + "output.LayerNorm.weight"), vector(p + "output.LayerNorm.bias"));
        }
        boolean pooler = params.containsKey("pooler.dense.weight") && params.containsKey("pooler.dense.bias");
        BertModel.Weights w = new BertModel.Weights(word, pos, type,
                vector("embeddings.LayerNorm.weight"), vector("embeddings.LayerNorm.bias"), ls,
                pooler ? matrix("pooler.dense.weight") : null, pooler ? vector("pooler.dense.bias") : null);
        int headDim = headDim();
        if (dim % headDim != 0) {
            throw new FormatException(file, "head dim " + headDim + " does not divide the hidden size " + dim);
        }
        int heads = dim / headDim;
        ModelConfig c;
        try {
            c = new ModelConfig(Architecture.BERT, dim, ls[0].wIn().rows(), layers, heads, heads, headDim,
                    word.rows(), pos.rows(), layerNormEps(), 0f, RopeStyle.NONE);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, "implausible BERT shape: " + e.getMessage(), e);
        }
        try {
            return new BertModel(c, w, pooling, parallel);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage(), e);
        }
    }

    private Parameter param(String name) throws FormatException {
        Parameter p = params.get(name);
        if (p == null) {
            throw new FormatException(file, "BERT weight '" + name + "' not found in the ONNX graph");
        }
        return p;
    }

    private Tensor matrix(String name) throws FormatException {
        Parameter p = param(name);
        OnnxTensor t = p.tensor();
        if (t.dims().length != 2) {
            throw new FormatException(file, name + " (" + t.name() + ") should be a matrix but has shape " + t.shape());
        }
        int a = (int) t.dims()[0];
        int b = (int) t.dims()[1];
        if (!p.inOut()) {
            return new F32Tensor(t.floatBytes(), a, b);
        }
        // stored [in, out] for x @ W; the engine multiplies W[out, in] by x
        float[] src = t.floats();
        float[] dst = new float[src.length];
        for (int i = 0; i < a; i++) {
            for (int o = 0; o < b; o++) {
                dst[o * a + i] = src[i * b + o];
            }
        }
        return F32Tensor.of(dst, b, a);
    }

    private float[] vector(String name) throws FormatException {
        OnnxTensor t = param(name).tensor();
        if (t.dims().length != 1) {
            throw new FormatException(file, name + " should be a vector but has shape " + t.shape());
        }
        return t.floats();
    }

    /** sqrt(head_dim) is the constant the first attention score is divided by (Vaswani et al. 2017, eq. 1). */
    private int headDim() throws FormatException {
        Map<String, OnnxNode> producers = graph.producers();
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("Div") && n.name().endsWith("attention/self/Div")) {
                Float c = scalar(n.input(1), producers);
                if (c != null && c > 0) {
                    return Math.round(c * c);
                }
            }
        }
        throw new FormatException(file, "cannot find the attention scale (the Div by sqrt(head_dim)) in the graph");
    }

    /** The epsilon added to the variance in the first LayerNorm (exported as ReduceMean, Add eps, Sqrt). */
    private float layerNormEps() throws FormatException {
        Map<String, OnnxNode> producers = graph.producers();
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("LayerNormalization") && n.floatAttributes().containsKey("epsilon")) {
                return n.floatAttributes().get("epsilon");
            }
            if (n.opType().equals("Add") && n.name().endsWith("LayerNorm/Add")) {
                for (String in : n.inputs()) {
                    Float c = scalar(in, producers);
                    if (c != null) {
                        return c;
                    }
                }
            }
        }
        throw new FormatException(file, "cannot find the LayerNorm epsilon in the graph");
    }

    private Float scalar(String value, Map<String, OnnxNode> producers) {
        OnnxTensor t = graph.initializers().get(value);
        OnnxNode p = producers.get(value);
        if (t == null && p != null && p.opType().equals("Constant")) {
            t = p.tensorAttributes().get("value");
        }
        if (t == null || !t.isFloat() || t.elementCount() != 1) {
            return null;
        }
        return t.floats()[0];
    }

}
