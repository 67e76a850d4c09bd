package dev.glassbox.engine.model;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;

/**
 * A Llama-family forward over a whole sequence resumed inside a layer, for head ablation: given the residual
 * entering {@code layer} and that layer's head outputs (attention-weighted values before W_O), the layer's queries,
 * keys, values and attention are not recomputed (removing one of its heads changes none of them), and the later
 * layers run over all positions at once with matrix-matrix products, as batched prefill does, applying the
 * intervention's head replacements. The decoder counterpart of {@link BertModel#encodeFromHeads}. Dense or
 * attention-only blocks; an intervention's layer skipping is not applied ({@link #supports}).
 */
public final class LlamaResume {
    /** Positions unembedded per product: each output row read once per block, the logits block ~4 MB at 32k vocab. */
    public static final int UNEMBED_BLOCK = 32;

    private LlamaResume() {
    }

    /** Whether {@link #fromHeads} can run {@code model} (no mixture-of-experts blocks). */
    public static boolean supports(LlamaModel model) {
        return !model.hasExperts();
    }

    /**
     * The residual stream after the last layer, [T][dim], resuming after the attention of {@code layer}.
     *
     * @param residual [T][dim] the residual entering {@code layer} at each position (not modified)
     * @param heads    [T][heads * headDim] that layer's head outputs; {@code iv}'s replacements for the layer are
     *                 applied on top (not modified)
     */
    public static float[][] fromHeads(LlamaModel model, int layer, float[][] residual, float[][] heads, Intervention iv) {
        return fromHeads(model, layer, residual, heads, iv, () -> false);
    }

    /**
     * {@link #fromHeads(LlamaModel, int, float[][], float[][], Intervention)} checking {@code cancelled} before each
     * layer (a layer over the sequence is the unit: tens of milliseconds at 128 tokens on a 110M model).
     *
     * @throws java.util.concurrent.CancellationException when {@code cancelled} turns true
     */
    public static float[][] fromHeads(LlamaModel model, int layer, float[][] residual, float[][] heads, Intervention iv,
                                      java.util.function.BooleanSupplier cancelled) {
        ModelConfig c = model.config();
        if (!supports(model)) {
            throw new IllegalArgumentException("resuming a mixture-of-experts model over a whole sequence is not supported");
        }
        if (layer < 0 || layer >= c.layers()) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (c.layers() - 1));
        }
        int n = residual.length;
        if (n == 0 || heads.length != n) {
            throw new IllegalArgumentException(heads.length + " head-output rows for " + n + " positions");
        }
        Parallel par = model.parallel();
        int dim = c.dim();
        float[][] x = new float[n][];
        float[][] xb = new float[n][Math.max(dim, c.qDim())];
        for (int t = 0; t < n; t++) {
            x[t] = residual[t].clone();
            System.arraycopy(heads[t], 0, xb[t], 0, c.qDim());
            CachedAttention.replaceHeads(c, iv, layer, xb[t]);
        }
        float[][] xb2 = new float[n][dim];
        float[][] hb = new float[n][c.hiddenDim()];
        float[][] hb2 = new float[n][c.hiddenDim()];
        float[][] q = new float[n][c.qDim()];
        float[][] k = new float[n][c.kvDim()];
        float[][] v = new float[n][c.kvDim()];
        AttentionMemory memory = model.new CausalMemory(n, n);
        for (int l = layer; l < c.layers(); l++) {
            if (cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("cancelled before layer " + l);
            }
            LlamaModel.Layer w = model.weights().layers()[l];
            if (l > layer) {
                for (int t = 0; t < n; t++) {
                    Kernels.rmsnorm(xb[t], x[t], w.attnNorm(), dim, c.normEps());
                }
                Kernels.matmul(w.wq(), xb, w.bq(), q, n, par);
                Kernels.matmul(w.wk(), xb, w.bk(), k, n, par);
                Kernels.matmul(w.wv(), xb, w.bv(), v, n, par);
                for (int t = 0; t < n; t++) {
                    memory.attend(l, t, q[t], k[t], v[t], xb[t]);
                    CachedAttention.replaceHeads(c, iv, l, xb[t]);
                }
            }
            Kernels.matmul(w.wo(), xb, null, xb2, n, par);
            addRows(x, xb2, n, dim);
            if (w.wDown() == null) {
                continue; // attention-only block
            }
            for (int t = 0; t < n; t++) {
                Kernels.rmsnorm(xb[t], x[t], w.ffnNorm(), dim, c.normEps());
            }
            Kernels.matmul(w.wGate(), xb, null, hb, n, par);
            Kernels.matmul(w.wUp(), xb, null, hb2, n, par);
            for (int t = 0; t < n; t++) {
                Kernels.swiglu(hb[t], hb2[t], c.hiddenDim());
            }
            Kernels.matmul(w.wDown(), hb, null, xb2, n, par);
            addRows(x, xb2, n, dim);
        }
        return x;
    }

    /**
     * {@link LlamaModel#unembed} of rows {@code from..from+count-1} of {@code residual} into {@code logits[0..count-1]}
     * (each [vocab]) with one matrix-matrix product; {@code count} at most {@link #UNEMBED_BLOCK}.
     */
    public static void unembed(LlamaModel model, float[][] residual, int from, int count, float[][] logits) {
        ModelConfig c = model.config();
        float[][] normed = new float[count][c.dim()];
        for (int t = 0; t < count; t++) {
            Kernels.rmsnorm(normed[t], residual[from + t], model.weights().finalNorm(), c.dim(), c.normEps());
        }
        Kernels.matmul(model.weights().output(), normed, null, logits, count, model.parallel());
    }

    private static void addRows(float[][] x, float[][] delta, int n, int dim) {
        for (int t = 0; t < n; t++) {
            Kernels.add(x[t], delta[t], dim);
        }
    }
}
