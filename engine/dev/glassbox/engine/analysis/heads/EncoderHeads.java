package dev.glassbox.engine.analysis.heads;

import java.util.List;
import java.util.Map;

import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/**
 * Captures and ablation for BERT-family encoders. An encoder predicts no next token, so its {@link RunOutcome}
 * has loss NaN and no logits, and a head's importance is the mean squared change of the last hidden state
 * (over positions and dimensions) when the head alone is ablated.
 */
public final class EncoderHeads {
    private EncoderHeads() {
    }

    /** One encode with patterns and head outputs, plus the last hidden state [T][dim]. */
    public record EncoderRun(CapturedRun run, float[][] hidden) {
    }

    public static EncoderRun capture(BertModel model, int[] tokens) {
        return capture(model, tokens, Intervention.NONE);
    }

    /** The encode with {@code intervention} applied (e.g. a {@link HeadSet} ablated). */
    public static EncoderRun capture(BertModel model, int[] tokens, Intervention intervention) {
        ModelConfig c = model.config();
        if (tokens.length < 2) {
            throw new IllegalArgumentException("head analysis needs at least 2 tokens, got " + tokens.length);
        }
        int layers = c.layers();
        int heads = c.heads();
        int hd = c.headDim();
        int n = tokens.length;
        CapturedRun.checkEncoderMemory(layers, heads, hd, n);
        Capture capture = new Capture(HookSelection.of(CapturedRun.HOOKS), layers);
        float[][] hidden = model.encode(tokens, null, capture, intervention);
        Map<HookName, Captured> got = capture.drain();
        float[][][][] patterns = new float[layers][heads][n][n];
        float[][][][] outs = new float[layers][n][heads][hd];
        float[][][] residuals = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            HookName entering = l == 0 ? HookName.of(HookPoint.EMBED) : HookName.of(HookPoint.RESID_POST, l - 1);
            residuals[l] = rows(got.get(entering).values(), n);
            float[] p = got.get(HookName.of(HookPoint.ATTN_PATTERN, l)).values(); // [heads, T, T]
            float[] o = got.get(HookName.of(HookPoint.ATTN_HEAD_OUT, l)).values(); // [T, heads, headDim]
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < n; q++) {
                    System.arraycopy(p, (h * n + q) * n, patterns[l][h][q], 0, n);
                }
            }
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(o, (t * heads + h) * hd, outs[l][t][h], 0, hd);
                }
            }
        }
        RunOutcome outcome = new RunOutcome(Double.NaN, new float[0]);
        return new EncoderRun(CapturedRun.keeping(tokens.clone(), CapturedRun.Patterns.of(patterns), outs, residuals, outcome), hidden);
    }

    private static float[][] rows(float[] flat, int n) {
        int d = flat.length / n;
        float[][] r = new float[n][d];
        for (int t = 0; t < n; t++) {
            System.arraycopy(flat, t * d, r[t], 0, d);
        }
        return r;
    }

    /**
     * What ablating one head changes in an encoder (there is no next token to predict).
     *
     * @param effect         {@link #allHeads}'s fields: hidden-state mean squared change, embedding cosine distance
     * @param embeddingCosine cosine between the clean and ablated sentence embeddings (the model's own pooling)
     * @param nextLayerJs    per head of layer {@code layer + 1}, the mean over queries of the Jensen-Shannon
     *                       divergence (bits) between its clean and ablated attention rows; empty for the last layer
     */
    public record Change(HeadAblation.Effect effect, double embeddingCosine, double[] nextLayerJs) {
    }

    /**
     * What ablating a set of heads together changes in an encoder.
     *
     * @param hiddenChange    mean squared change of the last hidden state over positions and dimensions
     * @param embeddingCosine cosine between the clean and ablated sentence embeddings (the model's own pooling)
     */
    public record SetChange(HeadSet set, double hiddenChange, double embeddingCosine) implements HeadSet.Outcome {
        /** The change from the clean last hidden states [T][dim] to those encoded with {@code set} ablated. */
        public static SetChange between(HeadSet set, SentencePooling pooling, float[][] clean, float[][] ablated) {
            return new SetChange(set, meanSquaredChange(clean, ablated),
                    1 - cosineDistance(pooling.pool(clean), pooling.pool(ablated)));
        }
    }

    /** Ablates every head of {@code set}, restarting at its lowest layer from the clean run's residual. */
    public static SetChange change(BertModel model, EncoderRun clean, HeadSet set) {
        if (set.isEmpty()) {
            return new SetChange(set, 0, 1);
        }
        int first = set.lowestLayer();
        float[][] a = model.encodeFrom(first, clean.run().residuals()[first], Capture.none(model.config().layers()),
                set.intervention(model.config()));
        return SetChange.between(set, model.pooling(), clean.hidden(), a);
    }

    /** Ablates head (layer, head), restarting at its layer from the clean run, and measures what changed. */
    public static Change change(BertModel model, EncoderRun clean, int layer, int head, float[] replacement) {
        ModelConfig c = model.config();
        int next = layer + 1;
        Capture capture = next < c.layers()
                ? new Capture(HookSelection.of(HookName.of(HookPoint.ATTN_PATTERN, next).toString()), c.layers())
                : Capture.none(c.layers());
        float[][] a = model.encodeFrom(layer, clean.run().residuals()[layer], capture,
                HeadAblation.replacing(layer, head, replacement));
        HeadAblation.Effect e = effect(model.pooling(), layer, head, clean.hidden(), a);
        double[] js = new double[0];
        if (next < c.layers()) {
            int n = clean.hidden().length;
            float[] p = capture.drain().get(HookName.of(HookPoint.ATTN_PATTERN, next)).values();
            js = new double[c.heads()];
            for (int h = 0; h < c.heads(); h++) {
                float[][] ablated = new float[n][n];
                for (int q = 0; q < n; q++) {
                    System.arraycopy(p, (h * n + q) * n, ablated[q], 0, n);
                }
                js[h] = AttentionBehaviour.patternDivergence(clean.run().patterns().head(next, h), ablated, false,
                        AttentionBehaviour.JS_EPSILON);
            }
        }
        return new Change(e, 1 - e.klLast(), js);
    }

    private static HeadAblation.Effect effect(SentencePooling pooling, int layer, int head, float[][] clean,
                                              float[][] ablated) {
        double mse = meanSquaredChange(clean, ablated);
        return new HeadAblation.Effect(layer, head, mse, mse, cosineDistance(pooling.pool(clean), pooling.pool(ablated)),
                new int[0], new int[0], Double.NaN, Double.NaN);
    }

    /**
     * Every head ablated alone, in (layer, head) order, each restarting inside its layer from the clean run's
     * residual and head outputs (the layers before it, and its layer's attention, do not see the head), heads run
     * a layer at a time, its heads side by side on {@code parallel}'s threads ({@link HeadAblation#eachHead}).
     * Effect fields for encoders: {@code loss} and {@code lossIncrease} both hold the mean squared change of the
     * last hidden state; {@code klLast} holds the cosine distance (1 - cos) between the clean and ablated
     * sentence embeddings ({@link BertModel#pooling()}); top-token fields are empty / NaN.
     */
    public static List<HeadAblation.Effect> allHeads(BertModel model, EncoderRun clean, HeadAblation.Mode mode,
                                                     float[][][] means, Parallel parallel) {
        return allHeads(model, clean, HeadSet.empty(), mode, means, parallel, HeadAblation.Work.NONE);
    }

    /** {@link #allHeads(BertModel, EncoderRun, HeadAblation.Mode, float[][][], Parallel)} on an encode captured with {@code ablated} removed. */
    public static List<HeadAblation.Effect> allHeads(BertModel model, EncoderRun clean, HeadSet ablated,
                                                     HeadAblation.Mode mode, float[][][] means, Parallel parallel,
                                                     HeadAblation.Work work) {
        ModelConfig c = model.config();
        Intervention base = ablated.intervention(c);
        BertModel m = model.withParallel(parallel);
        return HeadAblation.eachHead(c, clean.run(), mode, means, parallel, work, (l, h, rows, r) -> effect(model.pooling(), l, h,
                clean.hidden(), m.encodeFromHeads(l, clean.run().residuals()[l], rows, Capture.none(c.layers()), base)));
    }

    static double meanSquaredChange(float[][] a, float[][] b) {
        double s = 0;
        long n = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                double d = a[t][i] - b[t][i];
                s += d * d;
                n++;
            }
        }
        return s / n;
    }

    static double cosineDistance(double[] a, double[] b) {
        double na = Math.sqrt(Subspace.dot(a, a));
        double nb = Math.sqrt(Subspace.dot(b, b));
        return na == 0 || nb == 0 ? 0 : Math.max(0, 1 - Subspace.dot(a, b) / (na * nb));
    }
}
