package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.analysis.SinkMass;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;

/**
 * The pattern scores read a block of query rows at a time ({@link LayerBehaviour}) equal those of the whole
 * pattern as first defined: the Jensen-Shannon table as ½ KL(P‖M) + ½ KL(R‖M) with two logarithms per key, entropy,
 * sink and special mass summed over every key, roles from TransformerLens's detection matrices. Over a decoder run
 * of several blocks (the last one partial, rows rebuilt from the stored queries and keys) and an encoder's full rows.
 */
class LayerBehaviourTest {
    private static final IntPredicate SPECIAL = id -> id == 0 || id == 3;

    @Test
    void blockScoresOfADecoderRunEqualTheWholePatternDefinitions() {
        int n = 2 * LayerBehaviour.BLOCK + 23;
        LlamaModel model = randomModel(7, n + 1);
        SplittableRandom rng = new SplittableRandom(3);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = rng.nextInt(model.config().vocabSize()); // small vocabulary: repeats
        CapturedRun run = CapturedRun.of(model, tokens);
        for (int l = 0; l < run.layers(); l++) {
            LayerBehaviour b = LayerBehaviour.of(run.patterns(), l, model.config().heads(), tokens, true,
                    AttentionBehaviour.JS_EPSILON, SPECIAL, () -> false);
            assertMatchesWholePattern(b, run.patterns().layer(l), tokens, true, AttentionBehaviour.JS_EPSILON);
        }
    }

    @Test
    void blockScoresOfFullEncoderRowsEqualTheWholePatternDefinitions() {
        int n = LayerBehaviour.BLOCK + 9;
        SplittableRandom rng = new SplittableRandom(5);
        float[][][] layer = new float[3][n][n];
        for (float[][] head : layer) {
            for (float[] row : head) {
                double z = 0;
                for (int k = 0; k < n; k++) z += row[k] = (float) Math.exp(4 * rng.nextDouble());
                for (int k = 0; k < n; k++) row[k] /= (float) z;
            }
        }
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = rng.nextInt(6);
        LayerBehaviour b = LayerBehaviour.of(CapturedRun.Patterns.of(new float[][][][] {layer}), 0, 3, tokens, false,
                AttentionBehaviour.JS_EPSILON, SPECIAL, () -> false);
        assertMatchesWholePattern(b, layer, tokens, false, AttentionBehaviour.JS_EPSILON);
    }

    @Test
    void exactZerosWithoutSmoothingAddNothingAsBefore() {
        // one-hot and two-key rows: without smoothing most keys are exact zeros, which the KL form skips
        float[][][] p = new float[3][5][5];
        for (int q = 0; q < 5; q++) {
            p[0][q][0] = 1;
            p[1][q][q] = 1;
            p[2][q][0] = 0.5f;
            p[2][q][q] += 0.5f;
        }
        int[] tokens = {0, 1, 2, 1, 2};
        for (double eps : new double[] {0, AttentionBehaviour.JS_EPSILON}) {
            LayerBehaviour b = LayerBehaviour.of(CapturedRun.Patterns.of(new float[][][][] {p}), 0, 3, tokens, true,
                    eps, SPECIAL, () -> false);
            assertMatchesWholePattern(b, p, tokens, true, eps);
        }
    }

    @Test
    void aCancelStopsBeforeTheNextBlock() {
        float[][][] p = new float[1][3][3];
        assertThrows(CancellationException.class, () -> LayerBehaviour.of(
                CapturedRun.Patterns.of(new float[][][][] {p}), 0, 1, new int[3], true, 0, SPECIAL, () -> true));
    }

    private static void assertMatchesWholePattern(LayerBehaviour b, float[][][] p, int[] tokens, boolean causal,
                                                  double eps) {
        int heads = p.length;
        for (int i = 0; i < heads; i++) {
            for (int j = 0; j < heads; j++) {
                double expected = i == j ? 0 : klFormDivergence(p[i], p[j], causal, eps);
                assertEquals(expected, b.js().get(i, j), 1e-9, "js " + i + "," + j);
            }
            assertEquals(entropy(p[i]), b.entropy()[i], 1e-9, "entropy of head " + i);
            assertEquals(SinkMass.of(p[i]), b.sinkMass()[i], 1e-9, "sink mass of head " + i);
            assertEquals(specialMass(p[i], tokens), b.specialMass()[i], 1e-9, "special mass of head " + i);
            HeadRoles.Scores r = b.roles()[i];
            assertEquals(HeadRoles.detectionScore(p[i], HeadRoles.previousTokenPattern(tokens.length)), r.previousToken(), 1e-9);
            assertEquals(HeadRoles.detectionScore(p[i], HeadRoles.duplicateTokenPattern(tokens)), r.duplicateToken(), 1e-9);
            assertEquals(HeadRoles.detectionScore(p[i], HeadRoles.inductionPattern(tokens)), r.induction(), 1e-9);
            double[] offsets = offsetScores(p[i]);
            int best = 0;
            for (int d = 1; d < offsets.length; d++) if (offsets[d] > offsets[best]) best = d;
            assertEquals(best, r.bestOffset(), "best offset of head " + i);
            assertEquals(offsets[best], r.offsetScore(), 1e-9);
            assertArrayEquals(offsets, HeadRoles.offsetScores(p[i]), 1e-9);
        }
        assertTrue(b.roles()[0].duplicateToken() > 0 || tokens.length < 10, "the tokens repeat, so duplicates count");
    }

    /** The definition as first written: mean over queries of ½ Σ p log(p/m) + ½ Σ r log(r/m), zero terms skipped, bits. */
    private static double klFormDivergence(float[][] a, float[][] b, boolean causal, double eps) {
        double sum = 0;
        for (int q = 0; q < a.length; q++) {
            int n = causal ? q + 1 : a[q].length;
            double[] p = smoothed(a[q], n, eps);
            double[] r = smoothed(b[q], n, eps);
            double s = 0;
            for (int k = 0; k < n; k++) {
                double m = 0.5 * (p[k] + r[k]);
                if (p[k] > 0) s += 0.5 * p[k] * Math.log(p[k] / m);
                if (r[k] > 0) s += 0.5 * r[k] * Math.log(r[k] / m);
            }
            sum += Math.max(0, s / Math.log(2));
        }
        return sum / a.length;
    }

    private static double[] smoothed(float[] row, int n, double eps) {
        double total = 0;
        for (int k = 0; k < n; k++) total += row[k];
        double[] out = new double[n];
        for (int k = 0; k < n; k++) out[k] = (row[k] + eps) / (total + n * eps);
        return out;
    }

    private static double entropy(float[][] head) {
        double s = 0;
        for (float[] row : head) for (float a : row) if (a > 0) s -= a * Math.log(a);
        return s / head.length;
    }

    private static double specialMass(float[][] head, int[] tokens) {
        double s = 0;
        for (float[] row : head) for (int k = 0; k < row.length; k++) if (SPECIAL.test(tokens[k])) s += row[k];
        return s / head.length;
    }

    private static double[] offsetScores(float[][] head) {
        int n = head.length;
        double[] s = new double[n];
        double total = 0;
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < head[q].length; k++) {
                total += head[q][k];
                if (k <= q) s[q - k] += head[q][k];
            }
        }
        for (int d = 0; d < n; d++) s[d] /= total;
        return s;
    }

    /** Two attention-only layers of 4 heads (2 kv groups) with random weights, vocabulary 7. */
    /** A 2-layer attention-only decoder of 4 heads (2 key/value heads) over a 7-token vocabulary. */
    static LlamaModel randomModel(long seed, int context) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModelConfig c = TinyModels.config(8, 2, 4, 2, 2, 7, context, RopeStyle.INTERLEAVED);
        LlamaModel.Layer[] layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = TinyModels.attentionOnly(c, TinyModels.random(rng, c.qDim() * 8), TinyModels.random(rng, c.kvDim() * 8),
                    TinyModels.random(rng, c.kvDim() * 8), TinyModels.random(rng, 8 * c.qDim()));
        }
        return TinyModels.model(c, TinyModels.random(rng, c.vocabSize() * 8), layers);
    }
}
