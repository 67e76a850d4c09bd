package dev.glassbox.engine.model;

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
 * The Llama family (Llama 2, Qwen2 with q/k/v biases, llama2.c checkpoints): pre-RMSNorm blocks,
 * rotary positions, grouped-query attention, SwiGLU MLP. The forward follows llama2.c's run.c.
 */
public final class LlamaModel implements DecoderModel, Unembedding {

    /**
     * One transformer block. Biases are null when the family has none; the three MLP matrices are null in an
     * attention-only model (the block is then attention + residual only).
     */
    public record Layer(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                        float[] bq, float[] bk, float[] bv,
                        float[] ffnNorm, Tensor wGate, Tensor wUp, Tensor wDown) {
    }

    public record Weights(Tensor tokenEmbedding, Layer[] layers, float[] finalNorm, Tensor output) {
    }

    private final ModelConfig config;
    private final Weights weights;
    private final Rope rope;
    private final Parallel parallel;

    public LlamaModel(ModelConfig config, Weights weights, Parallel parallel) {
        this.config = config;
        this.weights = weights;
        this.rope = Rope.of(config);
        this.parallel = parallel;
        validate();
    }

    private void validate() {
        ModelConfig c = config;
        expect("token embedding", weights.tokenEmbedding, c.vocabSize(), c.dim());
        expect("output", weights.output, c.vocabSize(), c.dim());
        if (weights.layers.length != c.layers()) {
            throw new IllegalArgumentException("expected " + c.layers() + " layers, got " + weights.layers.length);
        }
        for (int l = 0; l < c.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "layer " + l + " ";
            expect(p + "wq", w.wq, c.qDim(), c.dim());
            expect(p + "wk", w.wk, c.kvDim(), c.dim());
            expect(p + "wv", w.wv, c.kvDim(), c.dim());
            expect(p + "wo", w.wo, c.dim(), c.qDim());
            if (w.wGate == null && w.wUp == null && w.wDown == null) {
                continue; // attention-only block
            }
            expect(p + "w_gate", w.wGate, c.hiddenDim(), c.dim());
            expect(p + "w_up", w.wUp, c.hiddenDim(), c.dim());
            expect(p + "w_down", w.wDown, c.dim(), c.hiddenDim());
        }
    }

    private static void expect(String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(name + " has shape " + t.rows() + " x " + t.cols()
                    + ", expected " + rows + " x " + cols);
        }
    }

    @Override
    public ModelConfig config() { return config; }

    @Override
    public Map<String, Tensor> matrices() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("token_embd.weight", weights.tokenEmbedding);
        for (int l = 0; l < config.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "blk." + l + ".";
            m.put(p + "attn_q.weight", w.wq);
            m.put(p + "attn_k.weight", w.wk);
            m.put(p + "attn_v.weight", w.wv);
            m.put(p + "attn_output.weight", w.wo);
            if (w.wDown != null) {
                m.put(p + "ffn_gate.weight", w.wGate);
                m.put(p + "ffn_down.weight", w.wDown);
                m.put(p + "ffn_up.weight", w.wUp);
            }
        }
        if (weights.output != weights.tokenEmbedding) {
            m.put("output.weight", weights.output);
        }
        return m;
    }

    @Override
    public Map<String, float[]> vectors() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int l = 0; l < config.layers(); l++) {
            Layer w = weights.layers[l];
            String p = "blk." + l + ".";
            m.put(p + "attn_norm.weight", w.attnNorm);
            if (w.bq != null) m.put(p + "attn_q.bias", w.bq);
            if (w.bk != null) m.put(p + "attn_k.bias", w.bk);
            if (w.bv != null) m.put(p + "attn_v.bias", w.bv);
            if (w.ffnNorm != null) m.put(p + "ffn_norm.weight", w.ffnNorm);
        }
        m.put("output_norm.weight", weights.finalNorm);
        return m;
    }

    public Weights weights() { return weights; }

    /** The forward's last two steps on any residual vector: RMSNorm with the final gain, then the output matrix. */
    @Override
    public float[] unembed(float[] residual) {
        float[] x = new float[config.dim()];
        Kernels.rmsnorm(x, residual, weights.finalNorm, config.dim(), config.normEps());
        float[] logits = new float[config.vocabSize()];
        Kernels.matvec(weights.output, x, logits, parallel);
        return logits;
    }

    public Rope rope() { return rope; }

    public Parallel parallel() { return parallel; }

    @Override
    public DecoderSession newSession(Capture capture, Intervention intervention) {
        return new Session(capture, intervention, config.contextLength());
    }

    /** A session whose cache holds {@code capacity} positions (may exceed the trained length). */
    public DecoderSession newSession(Capture capture, Intervention intervention, int capacity) {
        return new Session(capture, intervention, capacity);
    }

    /** A session that can also resume a position's forward at a later layer (for restart-from-layer ablation). */
    public interface ResumableSession extends DecoderSession {
        /**
         * Sets the residual entering layer {@code layer} at position {@code pos} to {@code residual} and runs layers
         * layer..L-1 and the head, caching keys and values of those layers as {@link #forward} does; returns the logits.
         */
        float[] forwardFrom(int layer, float[] residual, int pos);
    }

    public ResumableSession newResumableSession(Capture capture, Intervention intervention) {
        return new Session(capture, intervention, config.contextLength());
    }

    /** Tokens per batched-prefill block: enough to reuse each weight row from cache, small enough for L2. */
    static final int PREFILL_BLOCK = 32;

    /** Activations of one prefill block, one row per token. */
    private static final class Block {
        final float[][] x;
        final float[][] xb;
        final float[][] xb2;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] hb;
        final float[][] hb2;

        Block(ModelConfig c) {
            int n = PREFILL_BLOCK;
            x = new float[n][c.dim()];
            xb = new float[n][Math.max(c.dim(), c.qDim())];
            xb2 = new float[n][c.dim()];
            q = new float[n][c.qDim()];
            k = new float[n][c.kvDim()];
            v = new float[n][c.kvDim()];
            hb = new float[n][c.hiddenDim()];
            hb2 = new float[n][c.hiddenDim()];
        }
    }

    private final class Session implements ResumableSession {
        private final Capture cap;
        private final Intervention iv;
        private final int capacity;
        private final float[] x;
        private final float[] xb;
        private final float[] xb2;
        private final float[] q;
        private final float[] k;
        private final float[] v;
        private final float[] hb;
        private final float[] hb2;
        private final CachedAttention attention;
        private final float[] logits;
        private final float[][] keyCache;
        private final float[][] valueCache;
        private Block block; // allocated by the first batched prefill

        Session(Capture cap, Intervention iv, int capacity) {
            ModelConfig c = config;
            this.cap = cap;
            this.iv = iv;
            this.capacity = capacity;
            x = new float[c.dim()];
            xb = new float[Math.max(c.dim(), c.qDim())];
            xb2 = new float[c.dim()];
            q = new float[c.qDim()];
            k = new float[c.kvDim()];
            v = new float[c.kvDim()];
            hb = new float[c.hiddenDim()];
            hb2 = new float[c.hiddenDim()];
            attention = new CachedAttention(c, parallel, capacity);
            logits = new float[c.vocabSize()];
            keyCache = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
            valueCache = new float[c.layers()][Math.multiplyExact(capacity, c.kvDim())];
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
                throw new IllegalArgumentException("position " + pos + " outside the cache of " + capacity);
            }
            weights.tokenEmbedding.readRow(token, x, 0);
            if (cap.on(HookPoint.EMBED)) cap.put(HookPoint.EMBED, -1, x, 0, c.dim());
            return layersFrom(0, pos);
        }

        @Override
        public float[] forwardFrom(int layer, float[] residual, int pos) {
            if (layer < 0 || layer >= config.layers()) {
                throw new IllegalArgumentException("layer " + layer + " outside 0.." + (config.layers() - 1));
            }
            if (pos < 0 || pos >= capacity) {
                throw new IllegalArgumentException("position " + pos + " outside the cache of " + capacity);
            }
            if (residual.length != config.dim()) {
                throw new IllegalArgumentException("residual has " + residual.length + " values, expected " + config.dim());
            }
            System.arraycopy(residual, 0, x, 0, residual.length);
            return layersFrom(layer, pos);
        }

        private float[] layersFrom(int first, int pos) {
            ModelConfig c = config;
            int dim = c.dim();
            int hd = c.headDim();
            int kvDim = c.kvDim();
            for (int l = first; l < c.layers(); l++) {
                Layer w = weights.layers[l];
                if (iv.skipLayer(l, pos)) {
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                // attention: q, k, v projections of the normed residual, rotated by position
                Kernels.rmsnorm(xb, x, w.attnNorm, dim, c.normEps());
                Kernels.matvec(w.wq, xb, w.bq, q, parallel);
                Kernels.matvec(w.wk, xb, w.bk, k, parallel);
                Kernels.matvec(w.wv, xb, w.bv, v, parallel);
                rope.apply(q, 0, c.heads(), hd, pos);
                rope.apply(k, 0, c.kvHeads(), hd, pos);
                if (cap.on(HookPoint.ATTN_Q, l)) cap.put(HookPoint.ATTN_Q, l, q, 0, c.heads(), hd);
                if (cap.on(HookPoint.ATTN_K, l)) cap.put(HookPoint.ATTN_K, l, k, 0, c.kvHeads(), hd);
                if (cap.on(HookPoint.ATTN_V, l)) cap.put(HookPoint.ATTN_V, l, v, 0, c.kvHeads(), hd);
                System.arraycopy(k, 0, keyCache[l], pos * kvDim, kvDim);
                System.arraycopy(v, 0, valueCache[l], pos * kvDim, kvDim);

                attention.attend(keyCache[l], valueCache[l], pos, q, 0, xb);
                if (cap.on(HookPoint.ATTN_PATTERN, l)) cap.put(HookPoint.ATTN_PATTERN, l, attention.pattern(pos), 0, c.heads(), pos + 1);
                attention.replaceHeads(iv, l, xb);
                if (cap.on(HookPoint.ATTN_HEAD_OUT, l)) cap.put(HookPoint.ATTN_HEAD_OUT, l, xb, 0, c.heads(), hd);

                Kernels.matvec(w.wo, xb, xb2, parallel);
                if (cap.on(HookPoint.ATTN_OUT, l)) cap.put(HookPoint.ATTN_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
                if (cap.on(HookPoint.RESID_MID, l)) cap.put(HookPoint.RESID_MID, l, x, 0, dim);

                if (w.wDown == null) {
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                // SwiGLU MLP (Shazeer 2020): down(silu(gate x) * up x)
                Kernels.rmsnorm(xb, x, w.ffnNorm, dim, c.normEps());
                Kernels.matvec(w.wGate, xb, hb, parallel);
                Kernels.matvec(w.wUp, xb, hb2, parallel);
                Kernels.swiglu(hb, hb2, c.hiddenDim());
                Kernels.matvec(w.wDown, hb, xb2, parallel);
                if (cap.on(HookPoint.MLP_OUT, l)) cap.put(HookPoint.MLP_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
                if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
            }

            Kernels.rmsnorm(x, x, weights.finalNorm, dim, c.normEps());
            if (cap.on(HookPoint.FINAL_NORM)) cap.put(HookPoint.FINAL_NORM, -1, x, 0, dim);
            Kernels.matvec(weights.output, x, logits, parallel);
            if (cap.on(HookPoint.LOGITS)) cap.put(HookPoint.LOGITS, -1, logits, 0, c.vocabSize());
            return logits;
        }

        /**
         * Prefill in blocks of tokens: the same computation as {@link #forward} token by token, but every weight
         * matrix is streamed once per block (matrix-matrix products) instead of once per token. Hooks and
         * interventions are per token, so with either active this falls back to the token-by-token loop.
         */
        @Override
        public float[] prefill(int[] tokens, int start) {
            if (cap.any() || iv != Intervention.NONE || tokens.length < 2) {
                return ResumableSession.super.prefill(tokens, start);
            }
            if (start < 0 || start + tokens.length > capacity) {
                throw new IllegalArgumentException("positions " + start + ".." + (start + tokens.length - 1)
                        + " outside the cache of " + capacity);
            }
            for (int i = 0; i < tokens.length; i += PREFILL_BLOCK) {
                prefillBlock(tokens, i, Math.min(PREFILL_BLOCK, tokens.length - i), start + i);
            }
            return logits;
        }

        private void prefillBlock(int[] tokens, int from, int count, int pos0) {
            ModelConfig c = config;
            int dim = c.dim();
            int hd = c.headDim();
            int kvDim = c.kvDim();
            if (block == null) {
                block = new Block(c);
            }
            Block b = block;
            for (int t = 0; t < count; t++) {
                int token = tokens[from + t];
                if (token < 0 || token >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " outside vocabulary of " + c.vocabSize());
                }
                weights.tokenEmbedding.readRow(token, b.x[t], 0);
            }
            for (int l = 0; l < c.layers(); l++) {
                Layer w = weights.layers[l];
                for (int t = 0; t < count; t++) {
                    Kernels.rmsnorm(b.xb[t], b.x[t], w.attnNorm, dim, c.normEps());
                }
                Kernels.matmul(w.wq, b.xb, w.bq, b.q, count, parallel);
                Kernels.matmul(w.wk, b.xb, w.bk, b.k, count, parallel);
                Kernels.matmul(w.wv, b.xb, w.bv, b.v, count, parallel);
                for (int t = 0; t < count; t++) {
                    int pos = pos0 + t;
                    rope.apply(b.q[t], 0, c.heads(), hd, pos);
                    rope.apply(b.k[t], 0, c.kvHeads(), hd, pos);
                    System.arraycopy(b.k[t], 0, keyCache[l], pos * kvDim, kvDim);
                    System.arraycopy(b.v[t], 0, valueCache[l], pos * kvDim, kvDim);
                }
                for (int t = 0; t < count; t++) {
                    attention.attend(keyCache[l], valueCache[l], pos0 + t, b.q[t], 0, b.xb[t]);
                }
                Kernels.matmul(w.wo, b.xb, null, b.xb2, count, parallel);
                for (int t = 0; t < count; t++) {
                    Kernels.add(b.x[t], b.xb2[t], dim);
                }
                if (w.wDown == null) {
                    continue;
                }
                for (int t = 0; t < count; t++) {
                    Kernels.rmsnorm(b.xb[t], b.x[t], w.ffnNorm, dim, c.normEps());
                }
                Kernels.matmul(w.wGate, b.xb, null, b.hb, count, parallel);
                Kernels.matmul(w.wUp, b.xb, null, b.hb2, count, parallel);
                for (int t = 0; t < count; t++) {
                    Kernels.swiglu(b.hb[t], b.hb2[t], c.hiddenDim());
                }
                Kernels.matmul(w.wDown, b.hb, null, b.xb2, count, parallel);
                for (int t = 0; t < count; t++) {
                    Kernels.add(b.x[t], b.xb2[t], dim);
                }
            }
            float[] last = b.x[count - 1];
            Kernels.rmsnorm(x, last, weights.finalNorm, dim, c.normEps());
            Kernels.matvec(weights.output, x, logits, parallel);
        }
    }
}
