package dev.glassbox.engine.format.gguf;

import java.io.IOException;
import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.tokenizer.SentencePieceBpe;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * Builds a runnable model from a GGUF file with llama.cpp's tensor names and metadata keys
 * (llama.cpp src/llama-arch.cpp). Architectures: {@code llama} (llama.cpp's converter permutes Q/K rows so its
 * "normal" rope mode rotates adjacent pairs: {@link RopeStyle#INTERLEAVED}) and {@code qwen2} (q/k/v biases,
 * "neox" rope mode: {@link RopeStyle#HALF}) here, {@code gpt2} in {@link GgufGpt2}.
 */
public final class GgufModelLoader {
    public static final String SUPPORTED_ARCHITECTURES = "llama, qwen2, gpt2";
    private static final System.Logger LOG = System.getLogger(GgufModelLoader.class.getName());

    private GgufModelLoader() {
    }

    public static LoadedModel load(Path path, Parallel parallel) throws IOException {
        return load(MappedFile.openWeights(path), parallel);
    }

    public static LoadedModel load(MappedFile f, Parallel parallel) throws IOException {
        GgufFile g = GgufReader.read(f);
        DecoderModel m = g.string("general.architecture").equals("gpt2") ? GgufGpt2.model(g, parallel) : model(g, parallel);
        g.requireAllUsed("a " + g.string("general.architecture") + " model of " + m.config().layers() + " layers");
        Tokenizer tok = tokenizer(g, m.config().vocabSize());
        return new LoadedModel(f.path().getFileName().toString(), f.path(), "gguf", m, tok);
    }

    public static ModelConfig config(GgufFile g) throws FormatException {
        String arch = g.string("general.architecture");
        if (arch.equals("gpt2")) {
            return GgufGpt2.config(g);
        }
        Architecture a = switch (arch) {
            case "llama" -> Architecture.LLAMA;
            case "qwen2" -> Architecture.QWEN2;
            default -> throw new FormatException(g.path(), "architecture '" + arch
                    + "' is not supported (supported: " + SUPPORTED_ARCHITECTURES + ")");
        };
        int dim = g.integer(arch + ".embedding_length", 1, 1 << 16);
        int heads = g.integer(arch + ".attention.head_count", 1, 1024);
        int kvHeads = g.integer(arch + ".attention.head_count_kv", 1, 1024, heads);
        int headDim = g.integer(arch + ".attention.key_length", 1, 4096, dim / heads);
        int valueDim = g.integer(arch + ".attention.value_length", 1, 4096, headDim);
        int ropeDims = g.integer(arch + ".rope.dimension_count", 1, 4096, headDim);
        if (valueDim != headDim) {
            throw new FormatException(g.path(), "value head size " + valueDim + " differs from key head size " + headDim + " (not supported)");
        }
        if (ropeDims != headDim) {
            throw new FormatException(g.path(), "partial rotary embedding (" + ropeDims + " of " + headDim
                    + " dimensions) is not supported");
        }
        int vocab = (int) Math.min(Integer.MAX_VALUE, g.info("token_embd.weight").rows());
        checkRopeScaling(g, arch);
        try {
            return new ModelConfig(a, dim,
                    g.integer(arch + ".feed_forward_length", 1, 1 << 18),
                    g.integer(arch + ".block_count", 1, 1024),
                    heads, kvHeads, headDim, vocab,
                    g.integer(arch + ".context_length", 1, 1 << 22),
                    g.number(arch + ".attention.layer_norm_rms_epsilon", 1e-5f, ModelConfig.MIN_NORM_EPS, ModelConfig.MAX_NORM_EPS),
                    g.number(arch + ".rope.freq_base", 10000f, ModelConfig.MIN_ROPE_THETA, ModelConfig.MAX_ROPE_THETA),
                    a == Architecture.QWEN2 ? RopeStyle.HALF : RopeStyle.INTERLEAVED);
        } catch (IllegalArgumentException e) {
            throw new FormatException(g.path(), e.getMessage());
        }
    }

    /** Scaled rotary embeddings change the frequencies; refused rather than run wrongly (a factor must be sane). */
    static void checkRopeScaling(GgufFile g, String arch) throws FormatException {
        float factor = g.number(arch + ".rope.scaling.factor", 1f, 0x1p-20, 1 << 20);
        String type = g.get(arch + ".rope.scaling.type").isPresent() ? g.string(arch + ".rope.scaling.type") : "none";
        if (!type.equals("none") && factor != 1f) {
            throw new FormatException(g.path(), "metadata '" + arch + ".rope.scaling.type' = '" + type + "' (factor "
                    + factor + "): scaled rotary embeddings are not supported");
        }
    }

    public static LlamaModel model(GgufFile g, Parallel parallel) throws FormatException {
        ModelConfig c = config(g);
        int dim = c.dim();
        LlamaModel.Layer[] layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            layers[l] = new LlamaModel.Layer(
                    g.vector(p + "attn_norm.weight", dim),
                    g.matrix(p + "attn_q.weight", c.qDim(), dim),
                    g.matrix(p + "attn_k.weight", c.kvDim(), dim),
                    g.matrix(p + "attn_v.weight", c.kvDim(), dim),
                    g.matrix(p + "attn_output.weight", dim, c.qDim()),
                    g.optionalVector(p + "attn_q.bias", c.qDim()),
                    g.optionalVector(p + "attn_k.bias", c.kvDim()),
                    g.optionalVector(p + "attn_v.bias", c.kvDim()),
                    g.vector(p + "ffn_norm.weight", dim),
                    g.matrix(p + "ffn_gate.weight", c.hiddenDim(), dim),
                    g.matrix(p + "ffn_up.weight", c.hiddenDim(), dim),
                    g.matrix(p + "ffn_down.weight", dim, c.hiddenDim()));
        }
        Tensor emb = g.matrix("token_embd.weight", c.vocabSize(), dim);
        Tensor out = g.has("output.weight") ? g.matrix("output.weight", c.vocabSize(), dim) : emb;
        try {
            return new LlamaModel(c, new LlamaModel.Weights(emb, layers, g.vector("output_norm.weight", dim), out), parallel);
        } catch (IllegalArgumentException e) {
            throw new FormatException(g.path(), e.getMessage());
        }
    }

    /**
     * The tokenizer the metadata describes, or null (with a logged warning) when its model is not supported.
     * For "llama" (sentencepiece) pieces use U+2581 for spaces, which the engine's tokenizer spells ' '.
     */
    public static Tokenizer tokenizer(GgufFile g, int vocab) throws FormatException {
        if (g.get("tokenizer.ggml.model").isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, g.path().getFileName() + ": no tokenizer in the file (tokenizer.ggml.model missing)");
            return null;
        }
        String model = g.string("tokenizer.ggml.model");
        if (!model.equals("llama") && !model.equals("gpt2")) {
            LOG.log(System.Logger.Level.WARNING, g.path().getFileName() + ": tokenizer model '" + model
                    + "' is not supported yet (supported: llama, gpt2); the model loads without a tokenizer");
            return null;
        }
        GgufValue tokens = g.get("tokenizer.ggml.tokens").orElseThrow(
                () -> new FormatException(g.path(), "missing metadata key 'tokenizer.ggml.tokens'"));
        if (!(tokens.value() instanceof String[] raw)) {
            throw new FormatException(g.path(), "tokenizer.ggml.tokens should be an array of strings, got " + tokens);
        }
        if (raw.length != vocab) {
            throw new FormatException(g.path(), "tokenizer has " + raw.length + " tokens but the model's vocabulary is " + vocab);
        }
        if (model.equals("gpt2")) {
            return GgufByteLevelBpe.read(g, raw);
        }
        float[] scores = new float[raw.length];
        GgufValue s = g.get("tokenizer.ggml.scores").orElse(null);
        if (s != null) {
            if (!(s.value() instanceof float[] f) || f.length != raw.length) {
                throw new FormatException(g.path(), "tokenizer.ggml.scores should hold " + raw.length + " FLOAT32 values, got " + s);
            }
            scores = f;
        }
        String[] pieces = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pieces[i] = raw[i].replace('\u2581', ' ');
        }
        int bos = g.integer("tokenizer.ggml.bos_token_id", 0, vocab - 1, 1);
        int eos = g.integer("tokenizer.ggml.eos_token_id", 0, vocab - 1, 2);
        try {
            return new SentencePieceBpe(pieces, scores, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new FormatException(g.path(), "tokenizer: " + e.getMessage());
        }
    }
}
