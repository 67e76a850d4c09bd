package dev.glassbox.engine.format.hf;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RelativePositions;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * LlamaForCausalLM / Qwen2ForCausalLM tensors into {@link LlamaModel}. nn.Linear weights are already
 * [out, in]; q/k rows are in the rotate_half order the config's {@code RopeStyle.HALF} expects.
 */
final class HfLlamaLoader {
    private HfLlamaLoader() {
    }

    static LlamaModel load(HfConfig hf, HfCheckpoint w, Parallel parallel) throws FormatException {
        return load(hf, new HfRouting(0, 0, dev.glassbox.engine.model.ExpertRouter.Kind.TOPK, 0), false, w, parallel);
    }

    /** Whether config.json names xl-relative positions ({@link RelativePositions#CONFIG_KEY}); other values fail. */
    static boolean relativePositions(java.nio.file.Path configFile) throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode v = dev.glassbox.engine.io.ModelFiles.readJson(configFile,
                dev.glassbox.engine.io.ModelFiles.MAX_JSON_BYTES, "config").get(RelativePositions.CONFIG_KEY);
        if (v == null || v.isNull() || v.asText().equals("rope")) return false;
        if (!v.asText().equals(RelativePositions.XL_RELATIVE)) {
            throw new FormatException(configFile, RelativePositions.CONFIG_KEY + " '" + v.asText()
                    + "' is not supported (supported: rope, " + RelativePositions.XL_RELATIVE + ")");
        }
        return true;
    }

    /** With Mixtral's block_sparse_moe experts when {@code routing} has them. */
    static LlamaModel load(HfConfig hf, HfRouting routing, boolean relative, HfCheckpoint w, Parallel parallel)
            throws FormatException {
        ModelConfig c = hf.model();
        String p = w.prefix("embed_tokens.weight", "model.", "");
        int dim = c.dim();
        boolean qwen = c.architecture() == Architecture.QWEN2;
        Tensor embedding = w.matrix(p + "embed_tokens.weight", c.vocabSize(), dim);
        LlamaModel.Layer[] layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            String b = p + "layers." + l + ".";
            String a = b + "self_attn.";
            float[] bq = qwen ? w.vector(a + "q_proj.bias", c.qDim()) : null;
            float[] bk = qwen ? w.vector(a + "k_proj.bias", c.kvDim()) : null;
            float[] bv = qwen ? w.vector(a + "v_proj.bias", c.kvDim()) : null;
            float[] ffnNorm = null;
            Tensor gate = null;
            Tensor up = null;
            Tensor down = null;
            ExpertMlp experts = null;
            if (routing.moe()) {
                ffnNorm = w.vector(b + "post_attention_layernorm.weight", dim);
                experts = experts(w, b + "block_sparse_moe.", routing, c);
            } else if (!hf.attentionOnly()) {
                ffnNorm = w.vector(b + "post_attention_layernorm.weight", dim);
                gate = w.matrix(b + "mlp.gate_proj.weight", c.hiddenDim(), dim);
                up = w.matrix(b + "mlp.up_proj.weight", c.hiddenDim(), dim);
                down = w.matrix(b + "mlp.down_proj.weight", dim, c.hiddenDim());
            } else if (w.has(b + "mlp.down_proj.weight")) {
                throw new FormatException(w.folder(), "config.json says " + HfConfig.ATTENTION_ONLY_KEY
                        + " but the checkpoint has MLP tensors ('" + b + "mlp.down_proj.weight')");
            }
            layers[l] = new LlamaModel.Layer(w.vector(b + "input_layernorm.weight", dim),
                    w.matrix(a + "q_proj.weight", c.qDim(), dim), w.matrix(a + "k_proj.weight", c.kvDim(), dim),
                    w.matrix(a + "v_proj.weight", c.kvDim(), dim), w.matrix(a + "o_proj.weight", dim, c.qDim()),
                    bq, bk, bv, ffnNorm, gate, up, down, experts);
        }
        float[] norm = w.vector(p + "norm.weight", dim);
        Tensor output = hf.tiedEmbeddings() ? embedding : w.matrix("lm_head.weight", c.vocabSize(), dim);
        return new LlamaModel(c, new LlamaModel.Weights(embedding, layers, norm, output, relative(relative, w, c)), parallel,
                routing.trainedRandomRouting());
    }

    /** The xl-relative tensors when config.json names that design ({@link RelativePositions}), else null. */
    private static RelativePositions relative(boolean relative, HfCheckpoint w, ModelConfig c) throws FormatException {
        if (!relative) return null;
        float[][] net = new float[c.layers()][];
        for (int l = 0; l < net.length; l++) {
            net[l] = w.matrix(RelativePositions.netName(l), c.qDim(), c.dim()).toFloatArray();
        }
        return new RelativePositions(w.vector(RelativePositions.PREFIX + "r_w_bias", c.qDim()),
                w.vector(RelativePositions.PREFIX + "r_r_bias", c.qDim()), net);
    }

    private static ExpertMlp experts(HfCheckpoint w, String p, HfRouting r, ModelConfig c) throws FormatException {
        int n = r.experts();
        Tensor[] w1 = new Tensor[n];
        Tensor[] w2 = new Tensor[n];
        Tensor[] w3 = new Tensor[n];
        for (int e = 0; e < n; e++) {
            String q = p + "experts." + e + ".";
            w1[e] = w.matrix(q + "w1.weight", c.hiddenDim(), c.dim());
            w2[e] = w.matrix(q + "w2.weight", c.dim(), c.hiddenDim());
            w3[e] = w.matrix(q + "w3.weight", c.hiddenDim(), c.dim());
        }
        Tensor router = r.router().learned() ? w.matrix(p + "gate.weight", n, c.dim()) : null;
        if (router == null && w.has(p + "gate.weight")) {
            throw new FormatException(w.folder(), "config.json says " + HfRouting.ROUTER_KEY + " '" + r.router().label()
                    + "' but the checkpoint has router weights ('" + p + "gate.weight')");
        }
        return new ExpertMlp(router, w1, w2, w3, r.router(), r.topK());
    }
}
