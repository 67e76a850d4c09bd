package dev.glassbox.engine.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;

/**
 * GPT-2 (Radford et al. 2019): learned position embeddings, pre-LayerNorm blocks, fused q|k|v projection,
 * gelu_new MLP, biases everywhere, output tied to the token embedding. The forward follows Hugging Face's
 * GPT2LMHeadModel. Matrices are [out, in] (the file's Conv1D [in, out] weights are transposed at load).
 */
public final class Gpt2Model implements DecoderModel {

    /** One block; {@code wQkv} holds the q, k and v rows one after another, each [dim, dim]. */
    public record Layer(float[] ln1Gamma, float[] ln1Beta, Tensor wQkv, float[] bQkv, Tensor wo, float[] bo,
                        float[] ln2Gamma, float[] ln2Beta, Tensor wFc, float[] bFc, Tensor wProj, float[] bProj) {
    }

    public record Weights(Tensor tokenEmbedding, Tensor positionEmbedding, Layer[] layers,
                          float[] lnFGamma, float[] lnFBeta) {
    }

    private final ModelConfig config;
    private final Weights weights;
    private final Parallel parallel;

    public Gpt2Model(ModelConfig config, Weights weights, Parallel parallel) {
        this.config = config;
        this.weights = weights;
        this.parallel = parallel;
        validate();
    }

    private void validate() {
        ModelConfig c = config;
        int dim = c.dim();
        expect("wte", weights.tokenEmbedding, c.vocabSize(), dim);
        expect("wpe", weights.positionEmbedding, c.contextLength(), dim);
        if (weights.layers.length != c.layers()) {
            throw new IllegalArgumentException("expected " + c.layers() + " layers, got " + weights.layers.length);
        }
        for (int l = 0; l < c.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "layer " + l + " ";
            expect(p + "c_attn", w.wQkv, 3 * dim, dim);
            expect(p + "attn.c_proj", w.wo, dim, dim);
            expect(p + "c_fc", w.wFc, c.hiddenDim(), dim);
            expect(p + "mlp.c_proj", w.wProj, dim, c.hiddenDim());
            length(p + "c_attn bias", w.bQkv, 3 * dim);
            length(p + "c_fc bias", w.bFc, c.hiddenDim());
            for (float[] v : new float[][] {w.ln1Gamma, w.ln1Beta, w.bo, w.ln2Gamma, w.ln2Beta, w.bProj}) {
                length(p + "norm/bias", v, dim);
            }
        }
        length("ln_f weight", weights.lnFGamma, dim);
        length("ln_f bias", weights.lnFBeta, dim);
    }

    private static void expect(String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(name + " has shape " + t.rows() + " x " + t.cols()
                    + ", expected " + rows + " x " + cols);
        }
    }

    private static void length(String name, float[] v, int n) {
        if (v.length != n) {
            throw new IllegalArgumentException(name + " has " + v.length + " values, expected " + n);
        }
    }

    @Override
    public ModelConfig config() { return config; }

    public Weights weights() { return weights; }

    /** Hugging Face GPT2Model names; the Conv1D matrices are listed transposed, as [out, in]. */
    @Override
    public Map<String, Tensor> matrices() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("wte.weight", weights.tokenEmbedding);
        m.put("wpe.weight", weights.positionEmbedding);
        for (int l = 0; l < config.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "h." + l + ".";
            m.put(p + "attn.c_attn.weight", w.wQkv);
            m.put(p + "attn.c_proj.weight", w.wo);
            m.put(p + "mlp.c_fc.weight", w.wFc);
            m.put(p + "mlp.c_proj.weight", w.wProj);
        }
        return m;
    }

    @Override
    public Map<String, float[]> vectors() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int l = 0; l < config.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "h." + l + ".";
            m.put(p + "ln_1.weight", w.ln1Gamma);
            m.put(p + "ln_1.bias", w.ln1Beta);
            m.put(p + "attn.c_attn.bias", w.bQkv);
            m.put(p + "attn.c_proj.bias", w.bo);
            m.put(p + "ln_2.weight", w.ln2Gamma);
            m.put(p + "ln_2.bias", w.ln2Beta);
            m.put(p + "mlp.c_fc.bias", w.bFc);
            m.put(p + "mlp.c_proj.bias", w.bProj);
        }
        m.put("ln_f.weight", weights.lnFGamma);
        m.put("ln_f.bias", weights.lnFBeta);
        return m;
    }

    /** The cache grows with the positions run, up to the trained context: learned positions end there. */
    @Override
    public DecoderSession newSession(Capture capture, Intervention intervention) {
        return new Session(capture, intervention);
    }

    private final class Session implements DecoderSession {
        private final Capture cap;
        private final Intervention iv;
        private final int capacity;
        private final float[] x;
        private final float[] xb;
        private final float[] xb2;
        private final float[] qkv;
        private final float[] heads;
        private final float[] hb;
        private final CachedAttention attention;
        private final RecomputedAttention patterns; // null: patterns go into each step as rows
        private final float[] logits;

        Session(Capture cap, Intervention iv) {
            ModelConfig c = config;
            this.cap = cap;
            this.iv = iv;
            this.capacity = c.contextLength();
            x = new float[c.dim()];
            xb = new float[c.dim()];
            xb2 = new float[c.dim()];
            qkv = new float[3 * c.dim()];
            heads = new float[c.dim()];
            hb = new float[c.hiddenDim()];
            attention = new CachedAttention(c, parallel, capacity);
            patterns = cap.storesPatterns() && cap.anyPattern()
                    ? new RecomputedAttention(c, attention, cap.patternLayers(), attention::probabilities) : null;
            if (patterns != null) cap.attach(patterns);
            logits = new float[c.vocabSize()];
        }

        @Override
        public int capacity() { return capacity; }

        @Override
        public Map<HookName, Captured> drainCaptured() { return cap.drain(); }

        @Override
        public float[] forward(int token, int pos) {
            ModelConfig c = config;
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside vocabulary of " + c.vocabSize());
            }
            if (pos < 0 || pos >= capacity) {
                throw new IllegalArgumentException("position " + pos + " outside GPT-2's " + capacity + " learned positions");
            }
            int dim = c.dim();
            int hd = c.headDim();

            // residual stream input: token embedding + learned position embedding
            weights.tokenEmbedding.readRow(token, x, 0);
            weights.positionEmbedding.readRow(pos, xb, 0);
            Kernels.add(x, xb, dim);
            if (cap.on(HookPoint.EMBED)) cap.put(HookPoint.EMBED, -1, x, 0, dim);

            for (int l = 0; l < c.layers(); l++) {
                Layer w = weights.layers[l];
                if (iv.skipLayer(l, pos)) {
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                // attention: one fused projection of the normed residual, split into q | k | v
                Kernels.layernorm(xb, x, w.ln1Gamma, w.ln1Beta, dim, c.normEps());
                Kernels.matvec(w.wQkv, xb, w.bQkv, qkv, parallel);
                if (cap.on(HookPoint.ATTN_Q, l)) cap.put(HookPoint.ATTN_Q, l, qkv, 0, c.heads(), hd);
                if (cap.on(HookPoint.ATTN_K, l)) cap.put(HookPoint.ATTN_K, l, qkv, dim, c.heads(), hd);
                if (cap.on(HookPoint.ATTN_V, l)) cap.put(HookPoint.ATTN_V, l, qkv, 2 * dim, c.heads(), hd);
                attention.store(l, pos, qkv, dim, qkv, 2 * dim);
                attention.attend(l, pos, qkv, 0, heads);
                if (cap.on(HookPoint.ATTN_PATTERN, l)) {
                    if (patterns != null) patterns.record(l, pos, qkv);
                    else cap.keep(HookPoint.ATTN_PATTERN, l, attention.pattern(pos), c.heads(), pos + 1);
                }
                CachedAttention.replaceHeads(c, iv, l, heads);
                if (cap.on(HookPoint.ATTN_HEAD_OUT, l)) cap.put(HookPoint.ATTN_HEAD_OUT, l, heads, 0, c.heads(), hd);

                Kernels.matvec(w.wo, heads, w.bo, xb2, parallel);
                if (cap.on(HookPoint.ATTN_OUT, l)) cap.put(HookPoint.ATTN_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
                if (cap.on(HookPoint.RESID_MID, l)) cap.put(HookPoint.RESID_MID, l, x, 0, dim);

                // MLP: c_proj(gelu_new(c_fc(ln_2(x))))
                Kernels.layernorm(xb, x, w.ln2Gamma, w.ln2Beta, dim, c.normEps());
                Kernels.matvec(w.wFc, xb, w.bFc, hb, parallel);
                for (int i = 0; i < hb.length; i++) {
                    hb[i] = Kernels.geluTanh(hb[i]);
                }
                Kernels.matvec(w.wProj, hb, w.bProj, xb2, parallel);
                if (cap.on(HookPoint.MLP_OUT, l)) cap.put(HookPoint.MLP_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
                if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
            }

            Kernels.layernorm(x, x, weights.lnFGamma, weights.lnFBeta, dim, c.normEps());
            if (cap.on(HookPoint.FINAL_NORM)) cap.put(HookPoint.FINAL_NORM, -1, x, 0, dim);
            Kernels.matvec(weights.tokenEmbedding, x, logits, parallel); // lm_head tied to wte
            if (cap.on(HookPoint.LOGITS)) cap.put(HookPoint.LOGITS, -1, logits, 0, c.vocabSize());
            return logits;
        }
    }
}
