package dev.glassbox.engine.format.gguf;

import java.util.Map;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * The {@code gpt2} architecture as llama.cpp stores it (gguf-py constants.py MODEL_TENSORS[GPT2],
 * convert_hf_to_gguf.py GPT2Model): the Conv1D weights transposed to [out, in] (ne[0] = in), q|k|v fused in
 * {@code attn_qkv}, every norm and projection with a bias, learned {@code position_embd}, and {@code output.weight}
 * either absent (tied) or a copy of {@code token_embd.weight}.
 */
final class GgufGpt2 {
    private GgufGpt2() {
    }

    static ModelConfig config(GgufFile g) throws FormatException {
        int dim = g.integer("gpt2.embedding_length", 1, 1 << 16);
        int heads = g.integer("gpt2.attention.head_count", 1, 1024);
        if (dim % heads != 0) {
            throw new FormatException(g.path(), "gpt2.embedding_length " + dim + " is not a multiple of gpt2.attention.head_count " + heads);
        }
        int vocab = (int) Math.min(Integer.MAX_VALUE, g.info("token_embd.weight").rows());
        try {
            return new ModelConfig(Architecture.GPT2, dim, g.integer("gpt2.feed_forward_length", 1, 1 << 18),
                    g.integer("gpt2.block_count", 1, 1024), heads, heads, dim / heads, vocab,
                    g.integer("gpt2.context_length", 1, 1 << 22),
                    g.number("gpt2.attention.layer_norm_epsilon", 1e-5f, ModelConfig.MIN_NORM_EPS, ModelConfig.MAX_NORM_EPS), 0f, RopeStyle.NONE);
        } catch (IllegalArgumentException e) {
            throw new FormatException(g.path(), e.getMessage());
        }
    }

    static Gpt2Model model(GgufFile g, Parallel parallel) throws FormatException {
        ModelConfig c = config(g);
        int dim = c.dim();
        int hidden = c.hiddenDim();
        Gpt2Model.Layer[] layers = new Gpt2Model.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Gpt2Model.Layer(
                    g.vector(p + "attn_norm.weight", dim), g.vector(p + "attn_norm.bias", dim),
                    g.matrix(p + "attn_qkv.weight", 3 * dim, dim), g.vector(p + "attn_qkv.bias", 3 * dim),
                    g.matrix(p + "attn_output.weight", dim, dim), g.vector(p + "attn_output.bias", dim),
                    g.vector(p + "ffn_norm.weight", dim), g.vector(p + "ffn_norm.bias", dim),
                    g.matrix(p + "ffn_up.weight", hidden, dim), g.vector(p + "ffn_up.bias", hidden),
                    g.matrix(p + "ffn_down.weight", dim, hidden), g.vector(p + "ffn_down.bias", dim));
        }
        Tensor emb = g.matrix("token_embd.weight", c.vocabSize(), dim);
        Tensor pos = g.matrix("position_embd.weight", c.contextLength(), dim);
        if (g.has("output.weight")) {
            requireTied(g, emb, c, dim);
        }
        try {
            return new Gpt2Model(c, new Gpt2Model.Weights(emb, pos, layers,
                    g.vector("output_norm.weight", dim), g.vector("output_norm.bias", dim)), parallel);
        } catch (IllegalArgumentException e) {
            throw new FormatException(g.path(), e.getMessage());
        }
    }

    /** Gpt2Model's head is the token embedding, so a stored output.weight must be a byte-identical copy. */
    private static void requireTied(GgufFile g, Tensor emb, ModelConfig c, int dim) throws FormatException {
        GgufTensorInfo out = g.info("output.weight");
        GgufTensorInfo in = g.info("token_embd.weight");
        g.matrix("output.weight", c.vocabSize(), dim);
        if (out.type() != in.type() || g.data(out).mismatch(g.data(in)) != -1) {
            throw new FormatException(g.path(), "tensor 'output.weight' differs from 'token_embd.weight'; "
                    + "an untied GPT-2 head is not supported");
        }
    }

    static void putMetadata(Map<String, GgufValue> kv, ModelConfig c) {
        kv.put("gpt2.context_length", GgufValue.u32(c.contextLength()));
        kv.put("gpt2.embedding_length", GgufValue.u32(c.dim()));
        kv.put("gpt2.feed_forward_length", GgufValue.u32(c.hiddenDim()));
        kv.put("gpt2.block_count", GgufValue.u32(c.layers()));
        kv.put("gpt2.attention.head_count", GgufValue.u32(c.heads()));
        kv.put("gpt2.attention.layer_norm_epsilon", GgufValue.f32(c.normEps()));
    }

    /** llama.cpp names for Gpt2Model's Hugging Face names (its matrices are already [out, in]). */
    static String ggufName(String hf) {
        if (hf.startsWith("h.")) {
            int dot = hf.indexOf('.', 2);
            String rest = switch (hf.substring(dot + 1)) {
                case "ln_1.weight" -> "attn_norm.weight";
                case "ln_1.bias" -> "attn_norm.bias";
                case "attn.c_attn.weight" -> "attn_qkv.weight";
                case "attn.c_attn.bias" -> "attn_qkv.bias";
                case "attn.c_proj.weight" -> "attn_output.weight";
                case "attn.c_proj.bias" -> "attn_output.bias";
                case "ln_2.weight" -> "ffn_norm.weight";
                case "ln_2.bias" -> "ffn_norm.bias";
                case "mlp.c_fc.weight" -> "ffn_up.weight";
                case "mlp.c_fc.bias" -> "ffn_up.bias";
                case "mlp.c_proj.weight" -> "ffn_down.weight";
                case "mlp.c_proj.bias" -> "ffn_down.bias";
                default -> throw new IllegalArgumentException("no GGUF name for " + hf);
            };
            return "blk." + hf.substring(2, dot) + "." + rest;
        }
        return switch (hf) {
            case "wte.weight" -> "token_embd.weight";
            case "wpe.weight" -> "position_embd.weight";
            case "ln_f.weight" -> "output_norm.weight";
            case "ln_f.bias" -> "output_norm.bias";
            default -> throw new IllegalArgumentException("no GGUF name for " + hf);
        };
    }
}
