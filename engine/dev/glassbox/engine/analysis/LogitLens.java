package dev.glassbox.engine.analysis;

import java.util.ArrayList;
import java.util.List;

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
        if (k <= 0) {
            throw new IllegalArgumentException("top-k must be positive, got " + k);
        }
        if (firstPosition < 0 || firstPosition > trace.length()) {
            throw new IllegalArgumentException("first position " + firstPosition + " is outside the trace's "
                    + trace.length() + " positions");
        }
        List<Row> rows = new ArrayList<>();
        for (HookName hook : trace.hooks()) {
            boolean wanted = hook.point() == HookPoint.RESID_POST
                    || (includeMid && hook.point() == HookPoint.RESID_MID);
            if (!wanted) {
                continue;
            }
            TokenProbability[][] top = new TokenProbability[trace.length() - firstPosition][];
            for (int p = firstPosition; p < trace.length(); p++) {
                TraceStep step = trace.steps().get(p);
                top[p - firstPosition] = step.get(hook).map(c -> read(model, c, k)).orElse(new TokenProbability[0]);
            }
            rows.add(new Row(hook, firstPosition, top));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the trace has no residual-stream captures; record it with hooks "
                    + "blocks.*.resid_post" + (includeMid ? " and blocks.*.resid_mid" : ""));
        }
        return rows;
    }

    /**
     * The read-out the model itself applies after its last block: Llama-family models are their own
     * {@link Unembedding}; GPT-2 applies its final LayerNorm (ln_f) and the token embedding it ties to its head.
     */
    public static Unembedding unembedding(DecoderModel model) {
        return switch (model) {
            case Unembedding u -> u;
            case Gpt2Model g -> residual -> {
                int dim = g.config().dim();
                Gpt2Model.Weights w = g.weights();
                float[] x = new float[dim];
                Kernels.layernorm(x, residual, w.lnFGamma(), w.lnFBeta(), dim, g.config().normEps());
                float[] logits = new float[g.config().vocabSize()];
                Kernels.matvec(w.tokenEmbedding(), x, logits, Parallel.SERIAL);
                return logits;
            };
            default -> throw new IllegalArgumentException("the logit lens does not know the final read-out of "
                    + model.getClass().getSimpleName());
        };
    }

    /** Top-k of softmax(unembed(residual)). */
    public static TokenProbability[] read(Unembedding model, float[] residual, int k) {
        return Softmax.topK(model.unembed(residual), k);
    }

    private static TokenProbability[] read(Unembedding model, Captured c, int k) {
        if (c.shape().length != 1) {
            throw new IllegalArgumentException(c.hook() + " holds " + java.util.Arrays.toString(c.shape())
                    + "; the lens reads one residual vector per decoder step");
        }
        return read(model, c.values(), k);
    }
}
