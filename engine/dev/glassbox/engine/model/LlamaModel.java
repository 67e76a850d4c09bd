package dev.glassbox.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import dev.glassbox.engine.analysis.Softmax;
import dev.glassbox.engine.routing.ExpertRouter;

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
     * attention-only model (the block is then attention + residual only) and in a mixture-of-experts block,
     * whose MLP is {@code experts} (null otherwise).
     */
    public record Layer(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                        float[] bq, float[] bk, float[] bv,
                        float[] ffnNorm, Tensor wGate, Tensor wUp, Tensor wDown, ExpertMlp experts) {

        /** A block with a dense MLP (or none). */
        public Layer(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo, float[] bq, float[] bk, float[] bv,
                     float[] ffnNorm, Tensor wGate, Tensor wUp, Tensor wDown) {
            this(attnNorm, wq, wk, wv, wo, bq, bk, bv, ffnNorm, wGate, wUp, wDown, null);
        }
    }

    public record Weights(Tensor tokenEmbedding, Layer[] layers, float[] finalNorm, Tensor output) {
    }

    private final ModelConfig config;
    private final Weights weights;
    private final Rope rope;
    private final Parallel parallel;
    private final double trainedRandomRouting;

    public LlamaModel(ModelConfig config, Weights weights, Parallel parallel) {
        this(config, weights, parallel, 0);
    }

    /** @param trainedRandomRouting the random-routing probability the model was trained with (0 = none) */
    public LlamaModel(ModelConfig config, Weights weights, Parallel parallel, double trainedRandomRouting) {
        this.config = config;
        this.weights = weights;
        this.rope = Rope.of(config);
        this.parallel = parallel;
        this.trainedRandomRouting = trainedRandomRouting;
        validate();
    }

    /** The probability of a jump to a random later layer the model was trained with (0 if it was not). */
    public double trainedRandomRouting() { return trainedRandomRouting; }

    /** The mixture-of-experts MLP of {@code layer}, or null for a dense block. */
    public ExpertMlp experts(int layer) { return weights.layers[layer].experts(); }

    /** Whether any block has a mixture-of-experts MLP. */
    public boolean hasExperts() {
        for (Layer w : weights.layers) {
            if (w.experts() != null) return true;
        }
        return false;
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
            if (w.experts != null) {
                ExpertMlp x = w.experts;
                if (x.router() != null) expect(p + "router", x.router(), x.experts(), c.dim());
                for (int e = 0; e < x.experts(); e++) {
                    expect(p + "expert " + e + " w1", x.w1(e), c.hiddenDim(), c.dim());
                    expect(p + "expert " + e + " w3", x.w3(e), c.hiddenDim(), c.dim());
                    expect(p + "expert " + e + " w2", x.w2(e), c.dim(), c.hiddenDim());
                }
                continue;
            }
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
            if (w.experts != null) {
                if (w.experts.router() != null) m.put(p + "ffn_gate_inp.weight", w.experts.router());
                for (int e = 0; e < w.experts.experts(); e++) {
                    m.put(p + "ffn_gate." + e + ".weight", w.experts.w1(e));
                    m.put(p + "ffn_down." + e + ".weight", w.experts.w2(e));
                    m.put(p + "ffn_up." + e + ".weight", w.experts.w3(e));
                }
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
    @Override
    public DecoderSession newSession(Capture capture, Intervention intervention, int capacity) {
        return new Session(capture, intervention, capacity);
    }

    /** Seed of the random expert router's draws (sessions repeat them, so runs are reproducible). */
    public static final long RANDOM_ROUTER_SEED = 0x6C6173737BL;

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
        /** The token at each position (hash routing picks experts by token id, also when a forward resumes at a layer). */
        private final int[] tokenAt;
        private final float[] x;
        private final float[] xb;
        private final float[] xb2;
        private final float[] q;
        private final float[] k;
        private final float[] v;
        private final float[] hb;
        private final float[] hb2;
        private final float[] xb2Expert;
        private final CachedAttention attention;
        private final float[] logits;
        private final float[][] keyCache;
        private final float[][] valueCache;
        private Block block; // allocated by the first batched prefill
        private final ExpertRouter[] routers;
        private final float[] routerLogits;
        private final float[] route;

        Session(Capture cap, Intervention iv, int capacity) {
            ModelConfig c = config;
            this.cap = cap;
            this.iv = iv;
            this.capacity = capacity;
            this.tokenAt = new int[capacity];
            x = new float[c.dim()];
            xb = new float[Math.max(c.dim(), c.qDim())];
            xb2 = new float[c.dim()];
            q = new float[c.qDim()];
            k = new float[c.kvDim()];
            v = new float[c.kvDim()];
            hb = new float[c.hiddenDim()];
            hb2 = new float[c.hiddenDim()];
            xb2Expert = new float[c.dim()];
            attention = new CachedAttention(c, parallel, capacity);
            logits = new float[c.vocabSize()];
            keyCache = new float[c.layers()][];
            valueCache = new float[c.layers()][];
            for (int l = 0; l < c.layers(); l++) {
                keyCache[l] = attention.newCache();
                valueCache[l] = attention.newCache();
            }
            routers = new ExpertRouter[c.layers()];
            int maxExperts = 0;
            Random rng = new Random(RANDOM_ROUTER_SEED); // the random router draws the same experts in every session
            for (int l = 0; l < c.layers(); l++) {
                ExpertMlp x = weights.layers[l].experts();
                if (x != null) {
                    routers[l] = ExpertRouter.of(x.kind(), x.experts(), x.topK(), l, rng);
                    maxExperts = Math.max(maxExperts, x.experts());
                }
            }
            routerLogits = new float[maxExperts];
            route = new float[2 * maxExperts];
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
            tokenAt[pos] = token;
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
            for (int l = first; l < c.layers(); l++) {
                Layer w = weights.layers[l];
                if (iv.skipLayer(l, pos)) {
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                // attention: q, k, v projections of the normed residual, rotated by position
                Kernels.rmsnorm(xb, x, w.attnNorm, dim, c.normEps());
                Kernels.matvec(xb, parallel, w.wq, q, w.wk, k, w.wv, v);
                if (w.bq != null) Kernels.add(q, w.bq, q.length);
                if (w.bk != null) Kernels.add(k, w.bk, k.length);
                if (w.bv != null) Kernels.add(v, w.bv, v.length);
                rope.apply(q, 0, c.heads(), hd, pos);
                rope.apply(k, 0, c.kvHeads(), hd, pos);
                if (cap.on(HookPoint.ATTN_Q, l)) cap.put(HookPoint.ATTN_Q, l, q, 0, c.heads(), hd);
                if (cap.on(HookPoint.ATTN_K, l)) cap.put(HookPoint.ATTN_K, l, k, 0, c.kvHeads(), hd);
                if (cap.on(HookPoint.ATTN_V, l)) cap.put(HookPoint.ATTN_V, l, v, 0, c.kvHeads(), hd);
                attention.store(keyCache[l], pos, k, 0);
                attention.store(valueCache[l], pos, v, 0);

                attention.attend(keyCache[l], valueCache[l], pos, q, 0, xb);
                if (cap.on(HookPoint.ATTN_PATTERN, l)) cap.keep(HookPoint.ATTN_PATTERN, l, attention.pattern(pos), c.heads(), pos + 1);
                attention.replaceHeads(iv, l, xb);
                if (cap.on(HookPoint.ATTN_HEAD_OUT, l)) cap.put(HookPoint.ATTN_HEAD_OUT, l, xb, 0, c.heads(), hd);

                Kernels.matvec(w.wo, xb, xb2, parallel);
                if (cap.on(HookPoint.ATTN_OUT, l)) cap.put(HookPoint.ATTN_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
                if (cap.on(HookPoint.RESID_MID, l)) cap.put(HookPoint.RESID_MID, l, x, 0, dim);

                if (w.experts != null) {
                    Kernels.rmsnorm(xb, x, w.ffnNorm, dim, c.normEps());
                    experts(l, w.experts, tokenAt[pos], xb, xb2);
                    if (cap.on(HookPoint.MLP_OUT, l)) cap.put(HookPoint.MLP_OUT, l, xb2, 0, dim);
                    Kernels.add(x, xb2, dim);
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                if (w.wDown == null) {
                    if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                    continue;
                }
                // SwiGLU MLP (Shazeer 2020): down(silu(gate x) * up x)
                Kernels.rmsnorm(xb, x, w.ffnNorm, dim, c.normEps());
                Kernels.matvec(xb, parallel, w.wGate, hb, w.wUp, hb2);
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
         * out = sum over the chosen experts of gate weight * w2(silu(w1 xb) * w3 xb) (Shazeer et al. 2017, eq. 1).
         * Hook {@code blocks.l.route} is [2, experts]: row 0 the router's softmax (for hash and random routing,
         * which have no router, the one-hot of the chosen expert), row 1 the weight each expert's output got
         * (0 = not chosen).
         */
        private void experts(int l, ExpertMlp moe, int token, float[] xb, float[] out) {
            int n = moe.experts();
            float[] logits = java.util.Arrays.copyOf(routerLogits, n);
            if (moe.router() != null) {
                Kernels.matvec(moe.router(), xb, logits, parallel);
            }
            ExpertRouter.Choice choice = routers[l].route(token, logits);
            java.util.Arrays.fill(out, 0, config.dim(), 0f);
            java.util.Arrays.fill(route, 0f);
            for (int j = 0; j < choice.experts().length; j++) {
                int e = choice.experts()[j];
                float g = choice.weights()[j];
                Kernels.matvec(moe.w1(e), xb, hb, parallel);
                Kernels.matvec(moe.w3(e), xb, hb2, parallel);
                Kernels.swiglu(hb, hb2, config.hiddenDim());
                Kernels.matvec(moe.w2(e), hb, xb2Expert, parallel);
                for (int i = 0; i < config.dim(); i++) out[i] += g * xb2Expert[i];
                route[n + e] = g;
                if (moe.router() == null) route[e] = 1f;
            }
            if (cap.on(HookPoint.ROUTE, l)) {
                if (moe.router() != null) {
                    double[] p = Softmax.probabilities(logits);
                    for (int e = 0; e < n; e++) route[e] = (float) p[e];
                }
                cap.put(HookPoint.ROUTE, l, route, 0, 2, n);
            }
        }

        /**
         * Prefill in blocks of tokens: the same computation as {@link #forward} token by token, but every weight
         * matrix is streamed once per block (matrix-matrix products) instead of once per token. Hooks and
         * interventions are per token, so with either active this falls back to the token-by-token loop.
         */
        @Override
        public float[] prefill(int[] tokens, int start) {
            if (cap.any() || iv != Intervention.NONE || tokens.length < 2 || hasExperts()) {
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
                    attention.store(keyCache[l], pos, b.k[t], 0);
                    attention.store(valueCache[l], pos, b.v[t], 0);
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
