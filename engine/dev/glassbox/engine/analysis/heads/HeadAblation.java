package dev.glassbox.engine.analysis.heads;

import dev.glassbox.engine.tensor.Softmax;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LlamaForward;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;

/** Removing heads (one at a time, or a {@link HeadSet} together) through {@link Intervention#replaceHeadOutput} and measuring what changes. */
public final class HeadAblation {
    private HeadAblation() {
    }

    /** Zero ablation replaces the head's output with zeros, mean ablation with its mean over a reference input. */
    public enum Mode { ZERO, MEAN }

    /**
     * The effect of ablating one head.
     *
     * @param lossIncrease ablated minus clean loss on the text: the head's importance by ablation
     *                     (Michel et al. 2019, "Are Sixteen Heads Really Better than One?", importance of
     *                     masking a single head)
     * @param klLast       KL(clean ‖ ablated) of the next-token distribution after the last token, nats
     * @param topBefore    top next-token ids after the last token, clean
     * @param topAfter     the same with the head ablated
     * @param topProbabilityBefore probability of the clean top token, clean
     * @param topProbabilityAfter  probability of the clean top token with the head ablated
     */
    public record Effect(int layer, int head, double loss, double lossIncrease, double klLast,
                         int[] topBefore, int[] topAfter, double topProbabilityBefore, double topProbabilityAfter) {
    }

    /**
     * The effect of ablating a set of heads together.
     *
     * @param klLast            KL(clean ‖ ablated) of the next-token distribution after the last token, nats
     * @param before            top next tokens after the last token, clean, with their clean probabilities
     * @param after             the same with the set ablated, with their ablated probabilities
     * @param beforeIdsAfter    the ablated probability of each of {@code before}'s tokens (aligned with it)
     */
    public record SetEffect(HeadSet set, double cleanLoss, double loss, double klLast, Prediction before,
                            Prediction after, double[] beforeIdsAfter) implements HeadSet.Outcome {
        /** Ablated minus clean loss (Michel et al. 2019's importance, for a set of heads masked together). */
        public double lossIncrease() { return loss - cleanLoss; }
    }

    /** The {@code k} most probable next tokens, most probable first, with their probabilities. */
    public record Prediction(int[] ids, double[] probabilities) {
        public static Prediction of(float[] logits, int k) {
            int[] ids = top(logits, k);
            double[] p = Softmax.probabilities(logits);
            double[] out = new double[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = p[ids[i]];
            }
            return new Prediction(ids, out);
        }
    }

    /** An intervention that replaces head (layer, head)'s output by {@code replacement} (length headDim). */
    public static Intervention replacing(int layer, int head, float[] replacement) {
        return replacing(layer, head, replacement, Intervention.NONE);
    }

    /** {@link #replacing(int, int, float[])} on top of {@code base}, which decides for every other head. */
    public static Intervention replacing(int layer, int head, float[] replacement, Intervention base) {
        float[] r = replacement.clone();
        return new Intervention() {
            @Override
            public boolean skipsLayers() {
                return base.skipsLayers();
            }

            @Override
            public boolean skipLayer(int l, int position) {
                return base.skipLayer(l, position);
            }

            @Override
            public float[] replaceHeadOutput(int l, int h) {
                return l == layer && h == head ? r : base.replaceHeadOutput(l, h);
            }
        };
    }

    /** Mean of every head's output over the positions of a run: [layer][head][headDim]. */
    public static float[][][] meanOutputs(CapturedRun run) {
        int layers = run.layers();
        float[][][] mean = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            float[][][] outs = run.headOutputs()[l];
            int heads = outs[0].length;
            int hd = outs[0][0].length;
            double[][] acc = new double[heads][hd];
            for (float[][] pos : outs) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < hd; i++) {
                        acc[h][i] += pos[h][i];
                    }
                }
            }
            mean[l] = new float[heads][hd];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < hd; i++) {
                    mean[l][h][i] = (float) (acc[h][i] / outs.length);
                }
            }
        }
        return mean;
    }

    /** The replacement for (layer, head) in {@code mode}; {@code means} is required for MEAN. */
    public static float[] replacement(Mode mode, float[][][] means, int layer, int head, int headDim) {
        if (mode == Mode.ZERO) {
            return new float[headDim];
        }
        if (means == null) {
            throw new IllegalArgumentException("mean ablation needs the mean head outputs of a reference input");
        }
        return means[layer][head];
    }

    /** Ablates one head and compares with the clean outcome on the same tokens. */
    public static Effect ablate(DecoderModel model, int[] tokens, RunOutcome clean, int layer, int head,
                                float[] replacement, int topK) {
        return effect(clean, RunOutcome.of(model, tokens, replacing(layer, head, replacement)), layer, head, topK);
    }

    /**
     * {@link #ablate} without re-running the layers before {@code layer}: they do not see the ablated head, so
     * each position resumes at {@code layer} from the clean run's residual (the same numbers as the full re-run
     * up to float rounding, at the cost of layers layer..L-1 only).
     */
    public static Effect ablateFrom(LlamaModel model, CapturedRun clean, int layer, int head, float[] replacement,
                                    int topK) {
        return ablateFrom(model, clean, layer, head, replacement, Intervention.NONE, topK);
    }

    /**
     * {@link #ablateFrom(LlamaModel, CapturedRun, int, int, float[], int)} on a run made under {@code base} (the
     * ablation it was captured with, applied again in the resumed layers): the head's effect given {@code base}.
     */
    static Effect ablateFrom(LlamaModel model, CapturedRun clean, int layer, int head, float[] replacement,
                             Intervention base, int topK) {
        RunOutcome a = resume(model, clean, layer, replacing(layer, head, replacement, base));
        return effect(clean.outcome(), a, layer, head, topK);
    }

    /** Layers layer..L-1 re-run under {@code iv} from the residual entering {@code layer} in {@code clean}. */
    private static RunOutcome resume(LlamaModel model, CapturedRun clean, int layer, Intervention iv) {
        LlamaModel.ResumableSession s = model.newResumableSession(Capture.none(model.config().layers()), iv);
        float[][] entering = clean.residuals()[layer];
        return RunOutcome.forward(clean.tokens(), pos -> s.forwardFrom(layer, entering[pos], pos));
    }

    /** Ablates every head of {@code set} together by a full re-run on the same tokens as {@code clean}. */
    public static SetEffect ablate(DecoderModel model, int[] tokens, RunOutcome clean, HeadSet set, int topK) {
        return setEffect(set, clean, RunOutcome.of(model, tokens, set.intervention(model.config())), topK);
    }

    /**
     * {@link #ablate(DecoderModel, int[], RunOutcome, HeadSet, int)} restarting at the set's lowest layer from the
     * clean run's residuals (the layers below see none of the ablated heads): the full re-run's numbers up to
     * float rounding.
     */
    public static SetEffect ablateFrom(LlamaModel model, CapturedRun clean, HeadSet set, int topK) {
        if (set.isEmpty()) {
            return setEffect(set, clean.outcome(), clean.outcome(), topK);
        }
        return setEffect(set, clean.outcome(), resume(model, clean, set.lowestLayer(), set.intervention(model.config())),
                topK);
    }

    /** What changed from {@code clean} to {@code ablated} (outcomes of the same tokens). */
    public static SetEffect setEffect(HeadSet set, RunOutcome clean, RunOutcome ablated, int topK) {
        Prediction before = Prediction.of(clean.lastLogits(), topK);
        double[] p = Softmax.probabilities(ablated.lastLogits());
        double[] beforeAfter = new double[before.ids().length];
        for (int i = 0; i < beforeAfter.length; i++) {
            beforeAfter[i] = p[before.ids()[i]];
        }
        return new SetEffect(set, clean.loss(), ablated.loss(), kl(clean.lastLogits(), ablated.lastLogits()), before,
                Prediction.of(ablated.lastLogits(), topK), beforeAfter);
    }

    private static Effect effect(RunOutcome clean, RunOutcome a, int layer, int head, int topK) {
        int[] before = top(clean.lastLogits(), topK);
        return new Effect(layer, head, a.loss(), a.loss() - clean.loss(), kl(clean.lastLogits(), a.lastLogits()),
                before, top(a.lastLogits(), topK), Math.exp(Softmax.logProb(clean.lastLogits(), before[0])),
                Math.exp(Softmax.logProb(a.lastLogits(), before[0])));
    }

    /**
     * Every head of every layer ablated alone, in (layer, head) order, each restarting inside its layer from the
     * clean run ({@link #ablateFrom}'s numbers up to float rounding). A layer's heads run side by side on
     * {@code parallel}'s threads, each head's whole resume on one thread.
     */
    public static List<Effect> allHeads(LlamaModel model, CapturedRun clean, Mode mode, float[][][] means, int topK,
                                        Parallel parallel) {
        return allHeads(model, clean, HeadSet.empty(), mode, means, topK, parallel, Work.NONE);
    }

    /**
     * {@link #allHeads(LlamaModel, CapturedRun, Mode, float[][][], int, Parallel)} on a run captured with
     * {@code ablated} removed: each head's effect on top of that set (zero for the set's own heads).
     * Each head resumes after its layer's attention from the clean head outputs and runs the later layers over the
     * sequence in prefill blocks ({@link LlamaModel#resumeFromHeads}).
     */
    public static List<Effect> allHeads(LlamaModel model, CapturedRun clean, HeadSet ablated, Mode mode,
                                        float[][][] means, int topK, Parallel parallel, Work work) {
        Intervention base = ablated.intervention(model.config());
        LlamaModel m = model.parallel() == parallel ? model : new LlamaModel(model.config(), model.weights(), parallel);
        return eachHead(m.config(), clean, mode, means, parallel, work, (l, h, rows, r) -> {
            LlamaForward.Resumed resumed = m.resumeFromHeads(l, clean.tokens(), clean.residuals()[l], rows,
                    replacing(l, h, r, base), work::cancelled);
            return effect(clean.outcome(), RunOutcome.forward(clean.tokens(), resumed::logitsAt), l, h,
                    topK);
        });
    }

    /** How a long loop over heads reports and stops: checked before each head, told after each. */
    public interface Work {
        Work NONE = new Work() { };

        /**
         * True to stop: the loop throws {@link java.util.concurrent.CancellationException} before the next head (a
         * decoder's head also checks before each layer and each block of unembedded positions).
         */
        default boolean cancelled() { return false; }

        /** {@code effect} is in: {@code done} of {@code total} heads finished, in (layer, head) order. */
        default void headDone(Effect effect, int done, int total) { }
    }

    /** One head's effect from its layer's head-output rows [T][heads * headDim] with the head replaced by {@code r}. */
    @FunctionalInterface
    interface HeadEffect {
        Effect of(int layer, int head, float[][] rows, float[] r);
    }

    /**
     * The loop both families' importance shares: every head of every layer in (layer, head) order, each given its
     * layer's clean head outputs with the head replaced (the layers before it, and its layer's attention, do not
     * see the head, so each restarts there). A layer's heads are shared out over {@code parallel}, one head per
     * unit: a head's own matrix products then run inline on its thread (a nested forRange), so the per-position
     * work between them (norms, the loss's softmax over the vocabulary) runs on every thread instead of on the
     * caller while the others wait. Every head's numbers are those of running it alone (a product's rows do not
     * depend on the thread that computes them). {@code work} hears of each head in (layer, head) order, as soon as
     * it and every head before it are done (one call at a time, from whichever thread finished it).
     */
    static List<Effect> eachHead(dev.glassbox.engine.model.ModelConfig c, CapturedRun clean, Mode mode,
                                 float[][][] means, Parallel parallel, Work work, HeadEffect effect) {
        int heads = c.heads();
        int total = c.layers() * heads;
        List<Effect> out = new ArrayList<>(total); // guarded by itself, like the layer's heads awaiting their turn
        for (int l = 0; l < c.layers(); l++) {
            int layer = l;
            Effect[] finished = new Effect[heads];
            parallel.forRange(heads, (from, to) -> {
                for (int h = from; h < to; h++) {
                    if (work.cancelled()) {
                        throw new java.util.concurrent.CancellationException("head ablation cancelled at head "
                                + (layer * heads + h) + " of " + total);
                    }
                    float[] r = replacement(mode, means, layer, h, c.headDim());
                    Effect e = effect.of(layer, h, withHead(clean.headOutputs()[layer], h, r), r);
                    synchronized (out) {
                        finished[h] = e;
                        for (int next = out.size() - layer * heads; next < heads && finished[next] != null; next++) {
                            // heads a faster thread finished are not told after a Cancel
                            if (work.cancelled()) {
                                throw new java.util.concurrent.CancellationException("head ablation cancelled at head "
                                        + (layer * heads + next) + " of " + total);
                            }
                            out.add(finished[next]);
                            work.headDone(finished[next], out.size(), total);
                        }
                    }
                }
            });
        }
        synchronized (out) {
            return out;
        }
    }

    /** Rows [T][heads * headDim] of a layer's captured head outputs [T][heads][headDim], head h replaced. */
    static float[][] withHead(float[][][] outputs, int head, float[] replacement) {
        int heads = outputs[0].length;
        int hd = replacement.length;
        float[][] rows = new float[outputs.length][heads * hd];
        for (int t = 0; t < outputs.length; t++) {
            for (int g = 0; g < heads; g++) {
                System.arraycopy(g == head ? replacement : outputs[t][g], 0, rows[t], g * hd, hd);
            }
        }
        return rows;
    }

    /** KL(P‖Q) in nats between softmax(p) and softmax(q). */
    public static double kl(float[] p, float[] q) {
        double[] a = Softmax.probabilities(p);
        double[] b = Softmax.probabilities(q);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > 0) {
                s += a[i] * (Math.log(a[i]) - Math.log(Math.max(b[i], Double.MIN_NORMAL)));
            }
        }
        return Math.max(0, s);
    }

    /** Ids of the {@code k} largest logits, largest first (ties by lower id). */
    public static int[] top(float[] logits, int k) {
        return Softmax.topIds(logits, k);
    }
}
