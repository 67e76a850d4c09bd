package dev.glassbox.engine.model;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

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
 * and the context lab differ only in the memory they attend over. The block runs over rows: one for a decoded token,
 * up to {@link #blockRows} for prefill, with the same per-row steps and hooks either way. One per sequence: it
 * owns scratch buffers.
 */
public final class LlamaForward {
    static {
        // before any of this class's methods runs, so C2 compiles none of them with the kernels inlined
        CompilerDirectives.installForward();
    }

    /**
     * Tokens per prefill block when a row holds only its activations: every weight tile is dequantised (Q8_0) or
     * copied (F32) once per block, so a larger block does that work fewer times (rss measured 10-25 % less Q8_0
     * prefill CPU at 128 than at 32; 256 was slower again).
     */
    static final int PLAIN_BLOCK = 128;
    /**
     * Tokens per prefill block when each row also carries its logits or captured hooks, which wait until the block
     * ends: a Qwen2.5 logits row alone is 151,936 floats (0.6 MB), pattern rows grow with the position.
     */
    static final int OUTPUT_BLOCK = 32;
    /**
     * Most tokens per block of a head ablation's resume ({@link #resumeRows}); a block's unembedding on one thread
     * is the longest stretch between two Cancel checks (stories110M: 64 rows x 32,000 x 768, ~45 ms of one core).
     */
    static final int RESUME_BLOCK = 64;
    /** Most activation memory a plain block holds: bounds the block of a wide model (stories110M 4.4 MB at 128). */
    static final long PLAIN_BLOCK_BYTES = 16L << 20;

    private final LlamaModel model;
    private final ModelConfig c;
    private final LlamaModel.Weights weights;
    private final Parallel parallel;
    private final AttentionMemory memory;
    private final Capture cap;
    private final Intervention iv;
    /** Where the patterns go when the capture stores them (null: as rows in each step). */
    private final RecomputedAttention patterns;
    /** The token at each position (hash routing picks experts by token id, also when a forward resumes at a layer). */
    private int[] tokenAt = new int[16];
    /** The one-token forward's rows (decode). */
    private final Rows one;
    private Rows block; // allocated by the first batched prefill
    private final float[] xb2Expert;
    private final float[] logits;
    private final ExpertRouter[] routers;
    private final float[] routerLogits;
    private final float[] route;

    public LlamaForward(LlamaModel model, AttentionMemory memory, Capture cap, Intervention iv) {
        this.model = model;
        this.c = model.config();
        this.weights = model.weights();
        this.parallel = model.parallel();
        this.memory = memory;
        this.cap = cap;
        this.iv = iv;
        this.patterns = cap.storesPatterns() && cap.anyPattern() ? memory.patternStore(cap.patternLayers()) : null;
        if (patterns != null) cap.attach(patterns);
        one = new Rows(c, 1);
        xb2Expert = new float[c.dim()];
        logits = new float[c.vocabSize()];
        routers = new ExpertRouter[c.layers()];
        int maxExperts = 0;
        for (int l = 0; l < c.layers(); l++) {
            ExpertMlp e = weights.layers()[l].experts();
            if (e != null) {
                // the random router draws the same experts in every sequence, from one generator per layer, so the
                // draws do not depend on whether positions run one by one or in prefill blocks (layer by layer)
                Random rng = new Random(LlamaModel.RANDOM_ROUTER_SEED + l);
                routers[l] = ExpertRouter.of(e.kind(), e.experts(), e.topK(), l, rng);
                maxExperts = Math.max(maxExperts, e.experts());
            }
        }
        routerLogits = new float[maxExperts];
        route = new float[2 * maxExperts];
    }

    public Capture capture() { return cap; }

    /**
     * The one rule for a prefill block's tokens: {@link #OUTPUT_BLOCK} when each row keeps outputs until the block
     * ends ({@code rowOutputs}: captured hooks or every row's logits), else {@link #PLAIN_BLOCK}, fewer (whole
     * multiples of 16, at least {@link #OUTPUT_BLOCK}) when its activations would pass {@link #PLAIN_BLOCK_BYTES}.
     */
    static int blockRows(ModelConfig c, boolean rowOutputs) {
        if (rowOutputs) return OUTPUT_BLOCK;
        long fit = PLAIN_BLOCK_BYTES / ((long) Float.BYTES * Rows.floatsPerRow(c));
        return (int) Math.clamp(fit / 16 * 16, OUTPUT_BLOCK, PLAIN_BLOCK);
    }

    /**
     * Tokens per block of {@link #resumeFromHeads}: every row keeps its logits until the block ends, as with
     * {@link #OUTPUT_BLOCK}, but an ablation runs one head a thread, so each product runs on one thread and the
     * weight tile it copies per 16 rows serves only the block's tokens (heads9, one core: the 2,048-column
     * down-projection ran at 53 GFLOP/s at 32 tokens, 63 at 64, 70 at 128; the ablation of the stories110M shape
     * took ~20 % less CPU at 64 than at 32, and no less at 128). {@link #RESUME_BLOCK}, fewer (whole multiples of 16,
     * at least {@link #OUTPUT_BLOCK}) when the block's logits rows would pass {@link #PLAIN_BLOCK_BYTES} (a
     * Qwen2.5 vocabulary: 32).
     */
    static int resumeRows(ModelConfig c) {
        long fit = PLAIN_BLOCK_BYTES / ((long) Float.BYTES * c.vocabSize());
        return (int) Math.clamp(fit / 16 * 16, OUTPUT_BLOCK, RESUME_BLOCK);
    }

    /** Tokens per block of {@link #prefill} without every row's logits (this forward's capture decides). */
    public int prefillBlock() {
        return blockRows(c, cap.any());
    }

    /** The block's rows for {@code n} tokens (allocated by the first batched prefill, replaced when a later needs more). */
    private Rows block(int n) {
        if (block == null || block.x.length < n) block = new Rows(c, n);
        return block;
    }

    /** Forwards {@code token} at {@code pos} (positions in order) and returns the logits (reused by the next call). */
    public float[] forward(int token, int pos) {
        embed(one, 0, token, pos, -1);
        return layersFrom(one, 1, 0, pos, false, false, null);
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
        System.arraycopy(residual, 0, one.x[0], 0, residual.length);
        return layersFrom(one, 1, first, pos, false, false, null);
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

    /** Whether {@link #prefill} can batch: no intervention that skips layers (a skip is decided per token). */
    public boolean batches() {
        return !iv.skipsLayers();
    }

    /**
     * Prefill in blocks of tokens: the same computation as {@link #forward} token by token (the same block code,
     * the same attention call per token, in order), but every weight matrix is streamed once per block
     * (matrix-matrix products) instead of once per token. Each position's captured hooks go to {@code steps} when
     * its block is done, as the token-by-token forward would have captured them. Falls back to the
     * token-by-token loop when {@link #batches()} is false. With {@code every} (may be null) every position's logits
     * go to it, before the position's step (the block's rows then all go through the unembedding, in one product).
     * {@code cancelled} (may be null) is checked before each layer of a block and its unembedding (a
     * {@link CancellationException} then leaves this forward's memory part-filled: it is not used again).
     */
    public float[] prefill(int[] tokens, int start, DecoderSession.StepSink steps, DecoderSession.LogitsSink every,
                           BooleanSupplier cancelled) {
        if (!batches() || tokens.length < 2) {
            float[] out = null;
            for (int i = 0; i < tokens.length; i++) {
                out = forward(tokens[i], start + i);
                if (every != null) every.after(start + i, out);
                steps.forwarded(start + i, tokens[i], cap.drain());
            }
            return out;
        }
        int size = blockRows(c, cap.any() || every != null);
        Rows b = block(Math.min(size, tokens.length));
        for (int i = 0; i < tokens.length; i += size) {
            int count = Math.min(size, tokens.length - i);
            int pos0 = start + i;
            for (int t = 0; t < count; t++) {
                embed(b, t, tokens[i + t], pos0 + t, pos0 + t);
            }
            layersFrom(b, count, 0, pos0, false, every != null, cancelled);
            for (int t = 0; t < count; t++) {
                if (every != null) every.after(pos0 + t, b.logits[t]);
                steps.forwarded(pos0 + t, tokens[i + t], cap.drain(t));
            }
        }
        return logits;
    }


    /**
     * Head ablation's resume, the decoder counterpart of {@link BertModel#encodeFromHeads}: positions 0..n-1 of
     * {@code tokens} enter {@code layer} with {@code residual} [n][dim] and that layer's head outputs {@code heads}
     * [n][heads * headDim] (its queries, keys, values and attention are not recomputed: replacing one of its heads
     * changes none of them). The layer finishes (the intervention's head replacements, W_O, the MLP) and the later
     * layers run in prefill blocks over this forward's memory, which must be empty. Pull the logits position by
     * position, in order, from the returned {@link Resumed}; {@code cancelled} is checked before each block, each
     * later layer of a block and its unembedding (blocks of {@link #resumeRows}: on the stories110M shape 64 rows,
     * whose unembedding, the longest stretch, is ~3.1 GFLOP: ~45 ms of one core at 70 GFLOP/s).
     */
    public Resumed resumeFromHeads(int layer, int[] tokens, float[][] residual, float[][] heads,
                                   BooleanSupplier cancelled) {
        if (layer < 0 || layer >= c.layers()) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (c.layers() - 1));
        }
        int n = tokens.length;
        if (n == 0 || residual.length != n || heads.length != n) {
            throw new IllegalArgumentException(residual.length + " residual rows and " + heads.length
                    + " head-output rows for " + n + " tokens");
        }
        if (!batches()) {
            throw new IllegalArgumentException("an intervention that skips layers cannot resume over a whole sequence");
        }
        int size = resumeRows(c);
        Rows b = block(Math.min(size, n));
        return pos -> {
            int t = pos % size;
            if (t == 0) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("cancelled at position " + pos);
                }
                int count = Math.min(size, n - pos);
                for (int r = 0; r < count; r++) {
                    remember(tokens[pos + r], pos + r);
                    System.arraycopy(residual[pos + r], 0, b.x[r], 0, c.dim());
                    System.arraycopy(heads[pos + r], 0, b.xb[r], 0, c.qDim());
                }
                layersFrom(b, count, layer, pos, true, true, cancelled);
            }
            return b.logits[t];
        };
    }

    /** The logits of a resumed sequence, asked for position by position from 0 (each row reused by a later block). */
    @FunctionalInterface
    public interface Resumed {
        float[] logitsAt(int pos);
    }

    /** The activations of the tokens forwarded together, one row per token: one row for decode, a block for prefill. */
    private static final class Rows {
        final float[][] x;
        final float[][] xb;
        final float[][] xb2;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] hb;
        final float[][] hb2;
        float[][] normed; // final-norm rows and logits rows, when a block captures them
        float[][] logits;

        Rows(ModelConfig c, int n) {
            x = new float[n][c.dim()];
            xb = new float[n][Math.max(c.dim(), c.qDim())];
            xb2 = new float[n][c.dim()];
            q = new float[n][c.qDim()];
            k = new float[n][c.kvDim()];
            v = new float[n][c.kvDim()];
            hb = new float[n][c.hiddenDim()];
            hb2 = new float[n][c.hiddenDim()];
        }

        /** The floats of one row's activations (not counting the logits rows a block may add). */
        static long floatsPerRow(ModelConfig c) {
            return 2L * c.dim() + Math.max(c.dim(), c.qDim()) + c.qDim() + 2L * c.kvDim() + 2L * c.hiddenDim();
        }
    }

    private void embed(Rows b, int t, int token, int pos, int label) {
        checkToken(token);
        weights.tokenEmbedding().readRow(token, b.x[t], 0);
        remember(token, pos);
        if (cap.on(HookPoint.EMBED)) hook(HookPoint.EMBED, -1, t, label, b.x[t], c.dim());
    }

    /**
     * Captures {@code src} as hook (point, layer) of row {@code t}; {@code label} is its position in a block
     * (-1 in the one-token forward, whose caller names the position).
     */
    private void hook(HookPoint point, int layer, int t, int label, float[] src, int... shape) {
        cap.row(t, label);
        cap.put(point, layer, src, 0, shape);
    }

    /**
     * The blocks {@code first}..L-1 and the head over {@code count} rows of {@code b} at positions pos0.. (one
     * token, or a prefill block): per-row steps token by token, matrix products over all rows at once (a
     * matrix-vector product for one row). With {@code headsGiven} the rows' {@code xb} already hold layer
     * {@code first}'s head outputs (its attention is not run); with {@code everyRow} every row gets its logits.
     * {@code cancelled} (may be null) is checked before each layer after the first and before the head (the caller
     * checks before the first).
     */
    private float[] layersFrom(Rows b, int count, int first, int pos0, boolean headsGiven, boolean everyRow,
                               BooleanSupplier cancelled) {
        int dim = c.dim();
        boolean single = count == 1 && b == one;
        for (int l = first; l < c.layers(); l++) {
            if (l > first) stopIfCancelled(cancelled, l, pos0);
            // batched blocks run only when the intervention skips no layer (batches())
            if (single && iv.skipLayer(l, pos0)) {
                if (cap.on(HookPoint.RESID_POST, l)) hook(HookPoint.RESID_POST, l, 0, -1, b.x[0], dim);
                continue;
            }
            LlamaModel.Layer w = weights.layers()[l];
            attention(l, w, b, count, pos0, single, headsGiven && l == first);
            if (!hasMlp(w)) {
                if (cap.on(HookPoint.RESID_POST, l)) {
                    for (int t = 0; t < count; t++) hook(HookPoint.RESID_POST, l, t, label(single, pos0, t), b.x[t], dim);
                }
                continue;
            }
            for (int t = 0; t < count; t++) {
                Kernels.rmsnorm(b.xb[t], b.x[t], w.ffnNorm(), dim, c.normEps());
            }
            if (w.experts() != null) {
                for (int t = 0; t < count; t++) {
                    if (!single) cap.row(t, pos0 + t);
                    experts(l, w.experts(), tokenAt[pos0 + t], b.xb[t], b.xb2[t], b.hb[t], b.hb2[t]);
                }
            } else if (single) {
                Kernels.matvec(b.xb[0], parallel, w.wGate(), b.hb[0], w.wUp(), b.hb2[0]);
                Kernels.swiglu(b.hb[0], b.hb2[0], c.hiddenDim());
                Kernels.matvec(w.wDown(), b.hb[0], b.xb2[0], parallel);
            } else {
                Kernels.matmul(w.wGate(), b.xb, null, b.hb, count, parallel);
                Kernels.matmul(w.wUp(), b.xb, null, b.hb2, count, parallel);
                for (int t = 0; t < count; t++) {
                    Kernels.swiglu(b.hb[t], b.hb2[t], c.hiddenDim());
                }
                Kernels.matmul(w.wDown(), b.hb, null, b.xb2, count, parallel);
            }
            for (int t = 0; t < count; t++) {
                int label = label(single, pos0, t);
                if (cap.on(HookPoint.MLP_OUT, l)) hook(HookPoint.MLP_OUT, l, t, label, b.xb2[t], dim);
                Kernels.add(b.x[t], b.xb2[t], dim);
                if (cap.on(HookPoint.RESID_POST, l)) hook(HookPoint.RESID_POST, l, t, label, b.x[t], dim);
            }
        }
        stopIfCancelled(cancelled, c.layers(), pos0);
        return head(b, count, pos0, single, everyRow);
    }

    private static void stopIfCancelled(BooleanSupplier cancelled, int layer, int pos0) {
        if (cancelled != null && cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled before layer " + layer + " of the block at position " + pos0);
        }
    }

    /** The position a block row's captures are labelled with (-1 for the one-token forward: its caller labels). */
    private static int label(boolean single, int pos0, int t) {
        return single ? -1 : pos0 + t;
    }

    /** Whether the block has an MLP: dense SwiGLU or experts (attention-only blocks have neither). */
    private static boolean hasMlp(LlamaModel.Layer w) {
        return w.experts() != null || w.wDown() != null;
    }

    /**
     * x += W_o attention(q, k, v of rmsnorm(x)) for each row, in layer {@code l}; with {@code headsGiven} the rows'
     * {@code xb} already hold the attention's head outputs.
     */
    private void attention(int l, LlamaModel.Layer w, Rows b, int count, int pos0, boolean single, boolean headsGiven) {
        int dim = c.dim();
        int hd = c.headDim();
        if (!headsGiven) project(w, b, count, single);
        // a block's queries together (parallel over positions and heads) unless each query's pattern is read after it
        boolean together = !headsGiven && !single && !cap.on(HookPoint.ATTN_PATTERN, l);
        if (together) memory.attendBlock(l, pos0, count, b.q, b.k, b.v, b.xb);
        for (int t = 0; t < count; t++) {
            int pos = pos0 + t;
            int label = label(single, pos0, t);
            if (!headsGiven) {
                if (!together) memory.attend(l, pos, b.q[t], b.k[t], b.v[t], b.xb[t]);
                if (cap.on(HookPoint.ATTN_Q, l)) hook(HookPoint.ATTN_Q, l, t, label, b.q[t], c.heads(), hd);
                if (cap.on(HookPoint.ATTN_K, l)) hook(HookPoint.ATTN_K, l, t, label, b.k[t], c.kvHeads(), hd);
                if (cap.on(HookPoint.ATTN_V, l)) hook(HookPoint.ATTN_V, l, t, label, b.v[t], c.kvHeads(), hd);
                if (cap.on(HookPoint.ATTN_PATTERN, l)) {
                    if (patterns != null) {
                        patterns.record(l, pos, b.q[t]);
                    } else {
                        float[] p = memory.pattern(l, pos);
                        cap.row(t, label);
                        cap.keep(HookPoint.ATTN_PATTERN, l, p, c.heads(), p.length / c.heads());
                    }
                }
            }
            CachedAttention.replaceHeads(c, iv, l, b.xb[t]);
            if (cap.on(HookPoint.ATTN_HEAD_OUT, l)) hook(HookPoint.ATTN_HEAD_OUT, l, t, label, b.xb[t], c.heads(), hd);
        }
        if (single) {
            Kernels.matvec(w.wo(), b.xb[0], b.xb2[0], parallel);
        } else {
            Kernels.matmul(w.wo(), b.xb, null, b.xb2, count, parallel);
        }
        for (int t = 0; t < count; t++) {
            int label = label(single, pos0, t);
            if (cap.on(HookPoint.ATTN_OUT, l)) hook(HookPoint.ATTN_OUT, l, t, label, b.xb2[t], dim);
            Kernels.add(b.x[t], b.xb2[t], dim);
            if (cap.on(HookPoint.RESID_MID, l)) hook(HookPoint.RESID_MID, l, t, label, b.x[t], dim);
        }
    }

    /** q, k, v (plus biases) of rmsnorm(x) for each row. */
    private void project(LlamaModel.Layer w, Rows b, int count, boolean single) {
        for (int t = 0; t < count; t++) {
            Kernels.rmsnorm(b.xb[t], b.x[t], w.attnNorm(), c.dim(), c.normEps());
        }
        if (single) {
            Kernels.matvec(b.xb[0], parallel, w.wq(), b.q[0], w.wk(), b.k[0], w.wv(), b.v[0]);
            if (w.bq() != null) Kernels.add(b.q[0], w.bq(), c.qDim());
            if (w.bk() != null) Kernels.add(b.k[0], w.bk(), c.kvDim());
            if (w.bv() != null) Kernels.add(b.v[0], w.bv(), c.kvDim());
        } else {
            Kernels.matmul(w.wq(), b.xb, w.bq(), b.q, count, parallel);
            Kernels.matmul(w.wk(), b.xb, w.bk(), b.k, count, parallel);
            Kernels.matmul(w.wv(), b.xb, w.bv(), b.v, count, parallel);
        }
    }

    /**
     * Final RMSNorm and the unembedding into the logits of the last row. When the final norm or the logits are
     * captured, every row of a block gets them, in one matrix product.
     */
    private float[] head(Rows b, int count, int pos0, boolean single, boolean everyRow) {
        boolean every = everyRow || cap.on(HookPoint.FINAL_NORM) || cap.on(HookPoint.LOGITS);
        if (single || !every) {
            float[] normed = b.xb2[count - 1];
            model.unembed(b.x[count - 1], normed, logits);
            if (cap.on(HookPoint.FINAL_NORM)) hook(HookPoint.FINAL_NORM, -1, 0, -1, normed, c.dim());
            if (cap.on(HookPoint.LOGITS)) hook(HookPoint.LOGITS, -1, 0, -1, logits, c.vocabSize());
            return logits;
        }
        if (b.logits == null || b.logits.length < count) { // only blocks of OUTPUT_BLOCK rows come here (blockRows)
            b.normed = new float[count][c.dim()];
            b.logits = new float[count][c.vocabSize()];
        }
        for (int t = 0; t < count; t++) {
            Kernels.rmsnorm(b.normed[t], b.x[t], weights.finalNorm(), c.dim(), c.normEps());
        }
        Kernels.matmul(weights.output(), b.normed, null, b.logits, count, parallel);
        for (int t = 0; t < count; t++) {
            if (cap.on(HookPoint.FINAL_NORM)) hook(HookPoint.FINAL_NORM, -1, t, pos0 + t, b.normed[t], c.dim());
            if (cap.on(HookPoint.LOGITS)) hook(HookPoint.LOGITS, -1, t, pos0 + t, b.logits[t], c.vocabSize());
        }
        System.arraycopy(b.logits[count - 1], 0, logits, 0, logits.length);
        return logits;
    }

    /**
     * out = sum over the chosen experts of gate weight * w2(silu(w1 xb) * w3 xb) (Shazeer et al. 2017, eq. 1), with
     * {@code hb}, {@code hb2} as scratch. Hook {@code blocks.l.route} is [2, experts]: row 0 the router's softmax
     * (for hash and random routing, which have no router, the one-hot of the chosen expert), row 1 the weight each
     * expert's output got (0 = not chosen); it goes to the capture row selected by the caller.
     */
    private void experts(int l, ExpertMlp moe, int token, float[] in, float[] out, float[] hb, float[] hb2) {
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
}
