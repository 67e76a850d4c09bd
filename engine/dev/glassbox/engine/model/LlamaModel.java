package dev.glassbox.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;


import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;

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

    /** @param relative Transformer-XL relative positions in place of rotary ones, or null (rotary) */
    public record Weights(Tensor tokenEmbedding, Layer[] layers, float[] finalNorm, Tensor output,
                          RelativePositions relative) {
        public Weights(Tensor tokenEmbedding, Layer[] layers, float[] finalNorm, Tensor output) {
            this(tokenEmbedding, layers, finalNorm, output, null);
        }
    }

    private final ModelConfig config;
    private final Weights weights;
    private final Rope rope;
    private final Parallel parallel;
    private final double trainedRandomRouting;
    private float[][] relativeTable; // xl-relative: each layer's W_R R_p for p < relativeCount, made on first use
    private int relativeCount;

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
        float[] logits = new float[config.vocabSize()];
        unembed(residual, new float[config.dim()], logits);
        return logits;
    }

    /** {@link #unembed(float[])} into given buffers: {@code normed} gets the normed residual (may be {@code residual}). */
    void unembed(float[] residual, float[] normed, float[] logits) {
        Kernels.rmsnorm(normed, residual, weights.finalNorm, config.dim(), config.normEps());
        Kernels.matvec(weights.output, normed, logits, parallel);
    }

    /** Every row as {@link #unembed(float[])} does, through the batched product of prefill ({@link Kernels#matmul}). */
    @Override
    public void unembed(float[][] residuals, int count, float[][] logits) {
        float[][] normed = new float[count][config.dim()];
        for (int t = 0; t < count; t++) {
            Kernels.rmsnorm(normed[t], residuals[t], weights.finalNorm, config.dim(), config.normEps());
            if (logits[t] == null) logits[t] = new float[config.vocabSize()];
        }
        Kernels.matmul(weights.output, normed, null, logits, count, parallel);
    }

    public Rope rope() { return rope; }

    @Override
    public Parallel parallel() { return parallel; }

    /** A session whose key/value cache grows with the positions run, up to the model's context length. */
    @Override
    public DecoderSession newSession(Capture capture, Intervention intervention) {
        return new Session(capture, intervention, config.contextLength(), CachedAttention.INITIAL_CAPACITY);
    }

    /** A session whose cache holds {@code capacity} positions from the start (may exceed the trained length). */
    @Override
    public DecoderSession newSession(Capture capture, Intervention intervention, int capacity) {
        return new Session(capture, intervention, capacity, capacity);
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
        return new Session(capture, intervention, config.contextLength(), CachedAttention.INITIAL_CAPACITY);
    }

    /**
     * Head ablation's whole-sequence resume inside {@code layer} ({@link LlamaForward#resumeFromHeads}), over a fresh
     * causal memory and with nothing captured; {@code iv} replaces heads and must skip no layer.
     */
    public LlamaForward.Resumed resumeFromHeads(int layer, int[] tokens, float[][] residual, float[][] heads,
                                               Intervention iv, java.util.function.BooleanSupplier cancelled) {
        int n = tokens.length;
        return new LlamaForward(this, new CausalMemory(n, n), Capture.none(config.layers()), iv)
                .resumeFromHeads(layer, tokens, residual, heads, cancelled);
    }

    /** The xl-relative positions of this model, or null when it is rotary. */
    public RelativePositions relative() { return weights.relative(); }

    /**
     * Layer {@code layer}'s projected distance embeddings r_p for p < at least {@code distances} (rows of qDim); the
     * table covers the context length and grows by doubling when a longer run (the context lab) needs more.
     */
    public synchronized float[] relativeTable(int layer, int distances) {
        if (relativeTable == null || relativeCount < distances) {
            int n = Math.max(distances, Math.max(config.contextLength(), 2 * relativeCount));
            relativeTable = weights.relative().table(n, config);
            relativeCount = n;
        }
        return relativeTable[layer];
    }

    /**
     * The plain causal memory: keys rotated at their own positions, every earlier position visible; under xl-relative
     * positions the keys stay unrotated and the score adds the distance term.
     */
    private final class CausalMemory implements AttentionMemory {
        private final CachedAttention cache;

        CausalMemory(int limit, int initial) {
            this.cache = new CachedAttention(config, parallel, limit, initial);
        }

        @Override
        public void attend(int layer, int pos, float[] q, float[] k, float[] v, float[] out) {
            if (weights.relative() != null) {
                cache.store(layer, pos, k, 0, v, 0);
                cache.attendRelative(layer, pos, q, out, weights.relative(), relativeTable(layer, pos + 1));
                return;
            }
            rope.apply(q, 0, config.heads(), config.headDim(), pos);
            rope.apply(k, 0, config.kvHeads(), config.headDim(), pos);
            cache.store(layer, pos, k, 0, v, 0);
            cache.attend(layer, pos, q, 0, out);
        }

        @Override
        public void attendBlock(int layer, int pos0, int count, float[][] q, float[][] k, float[][] v, float[][] out) {
            if (weights.relative() != null) {
                AttentionMemory.super.attendBlock(layer, pos0, count, q, k, v, out);
                return;
            }
            for (int t = 0; t < count; t++) {
                rope.apply(q[t], 0, config.heads(), config.headDim(), pos0 + t);
                rope.apply(k[t], 0, config.kvHeads(), config.headDim(), pos0 + t);
                cache.store(layer, pos0 + t, k[t], 0, v[t], 0);
            }
            cache.attendBlock(layer, pos0, count, q, out);
        }

        @Override
        public float[] pattern(int layer, int pos) { return cache.pattern(pos); }

        @Override
        public RecomputedAttention patternStore(boolean[] kept) {
            RelativePositions rel = weights.relative();
            int qDim = config.qDim();
            return new RecomputedAttention(config, cache, kept, rel == null
                    ? cache::probabilities
                    : (layer, pos, q, qOff, h, out) -> cache.probabilitiesRelative(layer, pos,
                    java.util.Arrays.copyOfRange(q, qOff, qOff + qDim), h, out, rel, relativeTable(layer, pos + 1)));
        }
    }

    /** A decoder session: the shared forward over a causal cache of at most {@code limit} positions. */
    private final class Session implements ResumableSession {
        private final int limit;
        private final LlamaForward forward;

        Session(Capture cap, Intervention iv, int limit, int initial) {
            this.limit = limit;
            this.forward = new LlamaForward(LlamaModel.this, new CausalMemory(limit, initial), cap, iv);
        }

        @Override
        public int capacity() { return limit; }

        @Override
        public Map<HookName, Captured> drainCaptured() { return forward.capture().drain(); }

        @Override
        public float[] forward(int token, int pos) {
            checkPositions(pos, 1);
            return forward.forward(token, pos);
        }

        @Override
        public float[] forwardFrom(int layer, float[] residual, int pos) {
            checkPositions(pos, 1);
            return forward.forwardFrom(layer, residual, pos);
        }

        @Override
        public int prefillBlock() {
            return forward.batches() ? forward.prefillBlock() : 1;
        }

        @Override
        public float[] prefill(int[] tokens, int start, StepSink steps) {
            return prefillCancellable(tokens, start, steps, null);
        }

        @Override
        public float[] prefillCancellable(int[] tokens, int start, StepSink steps, java.util.function.BooleanSupplier cancelled) {
            // cancelled may be null: never cancelled
            if (tokens.length == 0) return null;
            checkPositions(start, tokens.length);
            return forward.prefill(tokens, start, steps, null, cancelled);
        }

        @Override
        public void prefill(int[] tokens, int start, StepSink steps, LogitsSink logits,
                            java.util.function.BooleanSupplier cancelled) {
            if (tokens.length == 0) return;
            checkPositions(start, tokens.length);
            forward.prefill(tokens, start, steps, logits, cancelled);
        }

        private void checkPositions(int start, int count) {
            if (start < 0 || (long) start + count > limit) {
                String range = count == 1 ? "position " + start : "positions " + start + ".." + (start + count - 1L);
                throw new IllegalArgumentException(range + " outside the cache of " + limit
                        + (limit == config.contextLength() ? " (the model's context length)" : ""));
            }
        }
    }
}
