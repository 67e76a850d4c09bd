package dev.glassbox.engine.model;

import java.util.Arrays;
import java.util.Random;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookPoint;

/**
 * The one forward pass of the Llama family, following llama2.c's run.c: token embedding; per block RMSNorm,
 * q/k/v projections (plus biases), attention over an {@link AttentionMemory}, output projection, residual, then
 * RMSNorm and a SwiGLU MLP, a mixture of experts, or nothing (attention-only), residual; final RMSNorm and the
 * unembedding. Hooks, head replacement and layer skipping (random routing) are applied here, so decode, prefill
 * and the context lab differ only in the memory they attend over. One per sequence: it owns scratch buffers.
 */
public final class LlamaForward {
    /** Tokens per batched-prefill block: enough to reuse each weight row from cache, small enough for L2. */
    static final int PREFILL_BLOCK = 32;

    private final LlamaModel model;
    private final ModelConfig c;
    private final LlamaModel.Weights weights;
    private final Parallel parallel;
    private final AttentionMemory memory;
    private final Capture cap;
    private final Intervention iv;
    /** The token at each position (hash routing picks experts by token id, also when a forward resumes at a layer). */
    private int[] tokenAt = new int[16];
    private final float[] x;
    private final float[] xb;
    private final float[] xb2;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] hb;
    private final float[] hb2;
    private final float[] xb2Expert;
    private final float[] logits;
    private final ExpertRouter[] routers;
    private final float[] routerLogits;
    private final float[] route;
    private Block block; // allocated by the first batched prefill

    public LlamaForward(LlamaModel model, AttentionMemory memory, Capture cap, Intervention iv) {
        this.model = model;
        this.c = model.config();
        this.weights = model.weights();
        this.parallel = model.parallel();
        this.memory = memory;
        this.cap = cap;
        this.iv = iv;
        x = new float[c.dim()];
        xb = new float[Math.max(c.dim(), c.qDim())];
        xb2 = new float[c.dim()];
        q = new float[c.qDim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        hb = new float[c.hiddenDim()];
        hb2 = new float[c.hiddenDim()];
        xb2Expert = new float[c.dim()];
        logits = new float[c.vocabSize()];
        routers = new ExpertRouter[c.layers()];
        int maxExperts = 0;
        Random rng = new Random(LlamaModel.RANDOM_ROUTER_SEED); // the random router draws the same experts in every sequence
        for (int l = 0; l < c.layers(); l++) {
            ExpertMlp e = weights.layers()[l].experts();
            if (e != null) {
                routers[l] = ExpertRouter.of(e.kind(), e.experts(), e.topK(), l, rng);
                maxExperts = Math.max(maxExperts, e.experts());
            }
        }
        routerLogits = new float[maxExperts];
        route = new float[2 * maxExperts];
    }

    public Capture capture() { return cap; }

    /** Forwards {@code token} at {@code pos} (positions in order) and returns the logits (reused by the next call). */
    public float[] forward(int token, int pos) {
        checkToken(token);
        weights.tokenEmbedding().readRow(token, x, 0);
        if (cap.on(HookPoint.EMBED)) cap.put(HookPoint.EMBED, -1, x, 0, c.dim());
        remember(token, pos);
        return layersFrom(0, pos);
    }

    /**
     * Runs layers {@code first}..L-1 and the head on {@code residual} entering layer {@code first} at {@code pos}.
     * Hash routing uses the token last forwarded at {@code pos} (0 in a sequence that only resumed there).
     */
    public float[] forwardFrom(int first, float[] residual, int pos) {
        if (first < 0 || first >= c.layers()) {
            throw new IllegalArgumentException("layer " + first + " outside 0.." + (c.layers() - 1));
        }
        if (residual.length != c.dim()) {
            throw new IllegalArgumentException("residual has " + residual.length + " values, expected " + c.dim());
        }
        growTokens(pos);
        System.arraycopy(residual, 0, x, 0, residual.length);
        return layersFrom(first, pos);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " outside vocabulary of " + c.vocabSize());
        }
    }

    private void remember(int token, int pos) {
        growTokens(pos);
        tokenAt[pos] = token;
    }

    private void growTokens(int pos) {
        if (pos >= tokenAt.length) tokenAt = Arrays.copyOf(tokenAt, Math.max(pos + 1, 2 * tokenAt.length));
    }

    private float[] layersFrom(int first, int pos) {
        int dim = c.dim();
        for (int l = first; l < c.layers(); l++) {
            if (iv.skipLayer(l, pos)) {
                if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
                continue;
            }
            LlamaModel.Layer w = weights.layers()[l];
            attention(l, w, pos);
            if (cap.on(HookPoint.RESID_MID, l)) cap.put(HookPoint.RESID_MID, l, x, 0, dim);
            if (hasMlp(w)) {
                Kernels.rmsnorm(xb, x, w.ffnNorm(), dim, c.normEps());
                if (w.experts() != null) {
                    experts(l, w.experts(), tokenAt[pos], xb, xb2);
                } else {
                    Kernels.matvec(xb, parallel, w.wGate(), hb, w.wUp(), hb2);
                    Kernels.swiglu(hb, hb2, c.hiddenDim());
                    Kernels.matvec(w.wDown(), hb, xb2, parallel);
                }
                if (cap.on(HookPoint.MLP_OUT, l)) cap.put(HookPoint.MLP_OUT, l, xb2, 0, dim);
                Kernels.add(x, xb2, dim);
            }
            if (cap.on(HookPoint.RESID_POST, l)) cap.put(HookPoint.RESID_POST, l, x, 0, dim);
        }
        return head(x);
    }

    /** Whether the block has an MLP: dense SwiGLU or experts (attention-only blocks have neither). */
    private static boolean hasMlp(LlamaModel.Layer w) {
        return w.experts() != null || w.wDown() != null;
    }

    /** x += W_o attention(q, k, v of rmsnorm(x)) at {@code pos} in layer {@code l}. */
    private void attention(int l, LlamaModel.Layer w, int pos) {
        int dim = c.dim();
        int hd = c.headDim();
        Kernels.rmsnorm(xb, x, w.attnNorm(), dim, c.normEps());
        Kernels.matvec(xb, parallel, w.wq(), q, w.wk(), k, w.wv(), v);
        if (w.bq() != null) Kernels.add(q, w.bq(), q.length);
        if (w.bk() != null) Kernels.add(k, w.bk(), k.length);
        if (w.bv() != null) Kernels.add(v, w.bv(), v.length);
        memory.attend(l, pos, q, k, v, xb);
        if (cap.on(HookPoint.ATTN_Q, l)) cap.put(HookPoint.ATTN_Q, l, q, 0, c.heads(), hd);
        if (cap.on(HookPoint.ATTN_K, l)) cap.put(HookPoint.ATTN_K, l, k, 0, c.kvHeads(), hd);
        if (cap.on(HookPoint.ATTN_V, l)) cap.put(HookPoint.ATTN_V, l, v, 0, c.kvHeads(), hd);
        if (cap.on(HookPoint.ATTN_PATTERN, l)) {
            float[] p = memory.pattern(l, pos);
            cap.keep(HookPoint.ATTN_PATTERN, l, p, c.heads(), p.length / c.heads());
        }
        CachedAttention.replaceHeads(c, iv, l, xb);
        if (cap.on(HookPoint.ATTN_HEAD_OUT, l)) cap.put(HookPoint.ATTN_HEAD_OUT, l, xb, 0, c.heads(), hd);
        Kernels.matvec(w.wo(), xb, xb2, parallel);
        if (cap.on(HookPoint.ATTN_OUT, l)) cap.put(HookPoint.ATTN_OUT, l, xb2, 0, dim);
        Kernels.add(x, xb2, dim);
    }

    /** Final RMSNorm of {@code residual} (into x) and the unembedding into the logits. */
    private float[] head(float[] residual) {
        model.unembed(residual, x, logits);
        if (cap.on(HookPoint.FINAL_NORM)) cap.put(HookPoint.FINAL_NORM, -1, x, 0, c.dim());
        if (cap.on(HookPoint.LOGITS)) cap.put(HookPoint.LOGITS, -1, logits, 0, c.vocabSize());
        return logits;
    }

    /**
     * out = sum over the chosen experts of gate weight * w2(silu(w1 xb) * w3 xb) (Shazeer et al. 2017, eq. 1).
     * Hook {@code blocks.l.route} is [2, experts]: row 0 the router's softmax (for hash and random routing,
     * which have no router, the one-hot of the chosen expert), row 1 the weight each expert's output got
     * (0 = not chosen).
     */
    private void experts(int l, ExpertMlp moe, int token, float[] in, float[] out) {
        int n = moe.experts();
        float[] scores = Arrays.copyOf(routerLogits, n);
        if (moe.router() != null) {
            Kernels.matvec(moe.router(), in, scores, parallel);
        }
        ExpertRouter.Choice choice = routers[l].route(token, scores);
        Arrays.fill(out, 0, c.dim(), 0f);
        Arrays.fill(route, 0f);
        for (int j = 0; j < choice.experts().length; j++) {
            int e = choice.experts()[j];
            float g = choice.weights()[j];
            Kernels.matvec(in, parallel, moe.w1(e), hb, moe.w3(e), hb2);
            Kernels.swiglu(hb, hb2, c.hiddenDim());
            Kernels.matvec(moe.w2(e), hb, xb2Expert, parallel);
            for (int i = 0; i < c.dim(); i++) out[i] += g * xb2Expert[i];
            route[n + e] = g;
            if (moe.router() == null) route[e] = 1f;
        }
        if (cap.on(HookPoint.ROUTE, l)) {
            if (moe.router() != null) {
                double[] p = Softmax.probabilities(scores);
                for (int e = 0; e < n; e++) route[e] = (float) p[e];
            }
            cap.put(HookPoint.ROUTE, l, route, 0, 2, n);
        }
    }

    /** Whether {@link #prefill} can batch: no hooks or interventions (they are per token) and no experts. */
    public boolean batches() {
        return !cap.any() && iv == Intervention.NONE && !model.hasExperts();
    }

    /**
     * Prefill in blocks of tokens: the same computation as {@link #forward} token by token (the same attention
     * call per token, in order), but every weight matrix is streamed once per block (matrix-matrix products)
     * instead of once per token. Falls back to the token-by-token loop when {@link #batches()} is false.
     */
    public float[] prefill(int[] tokens, int start) {
        if (!batches() || tokens.length < 2) {
            float[] out = null;
            for (int i = 0; i < tokens.length; i++) out = forward(tokens[i], start + i);
            return out;
        }
        for (int i = 0; i < tokens.length; i += PREFILL_BLOCK) {
            prefillBlock(tokens, i, Math.min(PREFILL_BLOCK, tokens.length - i), start + i);
        }
        return logits;
    }

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

    private void prefillBlock(int[] tokens, int from, int count, int pos0) {
        int dim = c.dim();
        if (block == null) {
            block = new Block(c);
        }
        Block b = block;
        for (int t = 0; t < count; t++) {
            int token = tokens[from + t];
            checkToken(token);
            weights.tokenEmbedding().readRow(token, b.x[t], 0);
            remember(token, pos0 + t);
        }
        for (int l = 0; l < c.layers(); l++) {
            LlamaModel.Layer w = weights.layers()[l];
            for (int t = 0; t < count; t++) {
                Kernels.rmsnorm(b.xb[t], b.x[t], w.attnNorm(), dim, c.normEps());
            }
            Kernels.matmul(w.wq(), b.xb, w.bq(), b.q, count, parallel);
            Kernels.matmul(w.wk(), b.xb, w.bk(), b.k, count, parallel);
            Kernels.matmul(w.wv(), b.xb, w.bv(), b.v, count, parallel);
            for (int t = 0; t < count; t++) {
                memory.attend(l, pos0 + t, b.q[t], b.k[t], b.v[t], b.xb[t]);
            }
            Kernels.matmul(w.wo(), b.xb, null, b.xb2, count, parallel);
            addRows(b.x, b.xb2, count);
            if (!hasMlp(w)) {
                continue;
            }
            for (int t = 0; t < count; t++) {
                Kernels.rmsnorm(b.xb[t], b.x[t], w.ffnNorm(), dim, c.normEps());
            }
            Kernels.matmul(w.wGate(), b.xb, null, b.hb, count, parallel);
            Kernels.matmul(w.wUp(), b.xb, null, b.hb2, count, parallel);
            for (int t = 0; t < count; t++) {
                Kernels.swiglu(b.hb[t], b.hb2[t], c.hiddenDim());
            }
            Kernels.matmul(w.wDown(), b.hb, null, b.xb2, count, parallel);
            addRows(b.x, b.xb2, count);
        }
        head(b.x[count - 1]);
    }

    private void addRows(float[][] x, float[][] delta, int count) {
        for (int t = 0; t < count; t++) {
            Kernels.add(x[t], delta[t], c.dim());
        }
    }

}
