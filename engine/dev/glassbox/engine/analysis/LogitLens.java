package dev.glassbox.engine.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.Unembedding;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/**
 * The logit lens (nostalgebraist 2020, "interpreting GPT: the logit lens"): read each layer's residual
 * stream as if it were the last, by applying the model's final norm and unembedding to it, and report what
 * the model would predict at that depth. Reads RESID_POST (and RESID_MID when asked) from a decoder trace;
 * capture them with hooks such as {@code blocks.*.resid_post}. Works for every decoder family: Llama/Qwen2 read out
 * through RMSNorm and their output matrix, GPT-2 through its final LayerNorm and the tied token embedding.
 */
public final class LogitLens {

    /**
     * One residual-stream read-out: the hook, and per traced position from {@code firstPosition} on the top-k next
     * tokens ({@code top[position - firstPosition][rank]}); empty where the position has no capture of the hook.
     */
    public record Row(HookName hook, int firstPosition, TokenProbability[][] top) {
        public TokenProbability[] at(int position) { return top[position - firstPosition].clone(); }
    }

    private LogitLens() {
    }

    /**
     * Applies the lens to every captured RESID_POST (and RESID_MID if {@code includeMid}) at every position.
     * Rows come in model order (layer 0 mid, layer 0 post, layer 1 mid, ...).
     */
    public static List<Row> apply(Unembedding model, Trace trace, int k, boolean includeMid) {
        return apply(model, trace, k, includeMid, 0);
    }

    /**
     * The lens at positions {@code firstPosition} to the trace's last only: it costs layers x positions x vocab x dim,
     * so a caller showing the last few positions of a long run reads only those.
     */
    public static List<Row> apply(Unembedding model, Trace trace, int k, boolean includeMid, int firstPosition) {
        return apply(model, trace, k, includeMid, firstPosition, () -> false);
    }

    /**
     * {@link #apply(Unembedding, Trace, int, boolean, int)}, asking {@code cancelled} between batches of rows and
     * throwing {@link CancellationException} once it says yes. All the read-outs, every row's positions, go through
     * {@link Unembedding#unembed(float[][], int, float[][])} in batches of {@link #BATCH_ROWS} residual vectors: the
     * unembedding matrix (the model's largest: 98 MB at the 110M shape) is read once a batch rather than once a
     * vector, and each read-out is the same RMSNorm (LayerNorm) and product, only summed in another order.
     */
    public static List<Row> apply(Unembedding model, Trace trace, int k, boolean includeMid, int firstPosition,
                                  BooleanSupplier cancelled) {
        if (k <= 0) {
            throw new IllegalArgumentException("top-k must be positive, got " + k);
        }
        if (firstPosition < 0 || firstPosition > trace.length()) {
            throw new IllegalArgumentException("first position " + firstPosition + " is outside the trace's "
                    + trace.length() + " positions");
        }
        List<Row> rows = new ArrayList<>();
        List<float[]> residuals = new ArrayList<>();
        List<TokenProbability[][]> cells = new ArrayList<>(); // where each residual's read-out goes: (row, slot)
        List<Integer> slots = new ArrayList<>();
        for (HookName hook : trace.hooks()) {
            boolean wanted = hook.point() == HookPoint.RESID_POST
                    || (includeMid && hook.point() == HookPoint.RESID_MID);
            if (!wanted) {
                continue;
            }
            TokenProbability[][] top = new TokenProbability[trace.length() - firstPosition][];
            for (int p = firstPosition; p < trace.length(); p++) {
                TraceStep step = trace.steps().get(p);
                top[p - firstPosition] = new TokenProbability[0];
                var c = step.get(hook);
                if (c.isPresent()) {
                    residuals.add(residual(c.get()));
                    cells.add(top);
                    slots.add(p - firstPosition);
                }
            }
            rows.add(new Row(hook, firstPosition, top));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the trace has no residual-stream captures; record it with hooks "
                    + "blocks.*.resid_post" + (includeMid ? " and blocks.*.resid_mid" : ""));
        }
        int n = residuals.size();
        if (n == 0) {
            return rows;
        }
        int batch = Math.min(n, BATCH_ROWS);
        float[][] in = new float[batch][];
        float[][] logits = new float[batch][]; // made by the first batch, of the vocabulary's length
        for (int i0 = 0; i0 < n; i0 += batch) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("logit lens cancelled");
            }
            int count = Math.min(batch, n - i0);
            for (int t = 0; t < count; t++) {
                in[t] = residuals.get(i0 + t);
            }
            model.unembed(in, count, logits);
            int base = i0;
            float[][] batchLogits = logits;
            model.parallel().forRange(count, (from, to) -> { // a 32k-vocabulary top-k is 32k exp(): split like the product
                for (int t = from; t < to; t++) {
                    cells.get(base + t)[slots.get(base + t)] = Softmax.topK(batchLogits[t], k);
                }
            });
        }
        return rows;
    }

    /**
     * Residual vectors unembedded together: two panels of the batched product's register tiles (32 rows each with
     * AVX-512), so the vocabulary matrix is read once per 64 read-outs (at the 110M shape 5 reads for the Explore panel's
     * 288, against 9 with 32 rows: 10 % less CPU in LogitLensBenchmark), while the batch's logits stay bounded
     * (64 x 32,000 floats = 8 MB; 39 MB for Qwen2.5's 151,936).
     */
    static final int BATCH_ROWS = 64;

    /**
     * The read-out the model itself applies after its last block: Llama-family models are their own
     * {@link Unembedding}; GPT-2 applies its final LayerNorm (ln_f) and the token embedding it ties to its head.
     */
    public static Unembedding unembedding(DecoderModel model) {
        return switch (model) {
            case Unembedding u -> u;
            case Gpt2Model g -> new Gpt2ReadOut(g);
            default -> throw new IllegalArgumentException("the logit lens does not know the final read-out of "
                    + model.getClass().getSimpleName());
        };
    }

    /** GPT-2's read-out: its final LayerNorm (ln_f), then the token embedding it ties to its head. */
    private record Gpt2ReadOut(Gpt2Model g) implements Unembedding {
        @Override
        public float[] unembed(float[] residual) {
            float[] logits = new float[g.config().vocabSize()];
            Kernels.matvec(g.weights().tokenEmbedding(), normed(residual), logits, Parallel.SERIAL);
            return logits;
        }

        @Override
        public void unembed(float[][] residuals, int count, float[][] logits) {
            float[][] normed = new float[count][];
            for (int t = 0; t < count; t++) {
                normed[t] = normed(residuals[t]);
                if (logits[t] == null) logits[t] = new float[g.config().vocabSize()];
            }
            Kernels.matmul(g.weights().tokenEmbedding(), normed, null, logits, count, Parallel.SERIAL);
        }

        private float[] normed(float[] residual) {
            int dim = g.config().dim();
            Gpt2Model.Weights w = g.weights();
            float[] x = new float[dim];
            Kernels.layernorm(x, residual, w.lnFGamma(), w.lnFBeta(), dim, g.config().normEps());
            return x;
        }
    }

    /** Top-k of softmax(unembed(residual)). */
    public static TokenProbability[] read(Unembedding model, float[] residual, int k) {
        return Softmax.topK(model.unembed(residual), k);
    }

    private static float[] residual(Captured c) {
        if (c.shape().length != 1) {
            throw new IllegalArgumentException(c.hook() + " holds " + java.util.Arrays.toString(c.shape())
                    + "; the lens reads one residual vector per decoder step");
        }
        return c.values();
    }
}
