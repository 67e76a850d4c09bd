package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;

/** Head analysis on hand-built BERT encoders: identical heads, dead heads, and the Intervention overload. */
class BertHeadsTest {
    static final int DIM = 8;
    static final int HEADS = 2;
    static final int HD = 4;
    static final int HIDDEN = 16;
    static final int VOCAB = 12;
    static final int CONTEXT = 16;

    static ModelConfig config(int layers) {
        return new ModelConfig(Architecture.BERT, DIM, HIDDEN, layers, HEADS, HEADS, HD, VOCAB, CONTEXT,
                1e-12f, 0f, RopeStyle.NONE);
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** wq/wk/wv: head 1's rows (and biases) copied from head 0's. */
    static void copyHeadRows(float[] w, float[] bias) {
        System.arraycopy(w, 0, w, HD * DIM, HD * DIM);
        System.arraycopy(bias, 0, bias, HD, HD);
    }

    /**
     * One random layer. {@code twin}: head 1 equals head 0 (Q, K, V rows, biases and W_O columns);
     * {@code deadHead1}: head 1's W_O columns are zero.
     */
    static BertModel.Layer layer(SplittableRandom rng, boolean twin, boolean deadHead1) {
        float[] wq = random(rng, DIM * DIM);
        float[] wk = random(rng, DIM * DIM);
        float[] wv = random(rng, DIM * DIM);
        float[] bq = random(rng, DIM);
        float[] bk = random(rng, DIM);
        float[] bv = random(rng, DIM);
        float[] wo = random(rng, DIM * DIM); // [dim, qDim]
        if (twin) {
            copyHeadRows(wq, bq);
            copyHeadRows(wk, bk);
            copyHeadRows(wv, bv);
            for (int r = 0; r < DIM; r++) {
                System.arraycopy(wo, r * DIM, wo, r * DIM + HD, HD);
            }
        }
        if (deadHead1) {
            for (int r = 0; r < DIM; r++) {
                Arrays.fill(wo, r * DIM + HD, r * DIM + 2 * HD, 0f);
            }
        }
        return new BertModel.Layer(F32Tensor.of(wq, DIM, DIM), bq, F32Tensor.of(wk, DIM, DIM), bk,
                F32Tensor.of(wv, DIM, DIM), bv, F32Tensor.of(wo, DIM, DIM), random(rng, DIM),
                ones(DIM), new float[DIM], F32Tensor.of(random(rng, HIDDEN * DIM), HIDDEN, DIM), random(rng, HIDDEN),
                F32Tensor.of(random(rng, DIM * HIDDEN), DIM, HIDDEN), random(rng, DIM), ones(DIM), new float[DIM]);
    }

    static BertModel model(long seed, boolean twin, boolean deadHead1) {
        SplittableRandom rng = new SplittableRandom(seed);
        BertModel.Layer[] layers = {layer(rng, twin, deadHead1), layer(rng, false, false)};
        BertModel.Weights w = new BertModel.Weights(F32Tensor.of(random(rng, VOCAB * DIM), VOCAB, DIM),
                F32Tensor.of(random(rng, CONTEXT * DIM), CONTEXT, DIM), F32Tensor.of(random(rng, 2 * DIM), 2, DIM),
                ones(DIM), new float[DIM], layers, null, null);
        return new BertModel(config(2), w, Parallel.SERIAL);
    }

    static final int[] TOKENS = {1, 5, 7, 3, 5, 7, 3, 9, 2};

    static HeadAnalysis.Settings settings() {
        return HeadAnalysis.Settings.defaults(1, 2, 4);
    }

    @Test
    void identicalHeadsHaveSimilarityOneAndJensenShannonZero() {
        HeadReport r = HeadAnalysis.analyse(model(11, true, false), TOKENS, settings(), Parallel.SERIAL);
        for (WeightKind k : WeightKind.values()) {
            assertEquals(1.0, r.table(k.id(), 0, 0).get(0, 1), 1e-6, k.id());
        }
        assertEquals(0.0, r.table("js", 0, 0).get(0, 1), 1e-9);
        assertEquals(1.0, r.table("output_cosine", 0, 0).get(0, 1), 1e-6);
        // the untouched random layer's heads differ, so the checks above could fail
        assertTrue(r.table("js", 1, 1).get(0, 1) > 1e-4);
        assertTrue(r.table("wq", 1, 1).get(0, 1) < 0.999);
        assertEquals(2 * HEADS, r.rows().size());
    }

    @Test
    void ablatingAHeadWithZeroOutputColumnsChangesNothing() {
        BertModel m = model(12, false, true);
        float[][] clean = m.encode(TOKENS, null, Capture.none(2));
        float[][] dead = m.encode(TOKENS, null, Capture.none(2), HeadAblation.replacing(0, 1, new float[HD]));
        float[][] live = m.encode(TOKENS, null, Capture.none(2), HeadAblation.replacing(0, 0, new float[HD]));
        double liveChange = 0;
        for (int t = 0; t < TOKENS.length; t++) {
            for (int i = 0; i < DIM; i++) {
                assertEquals(clean[t][i], dead[t][i], 1e-6);
                liveChange = Math.max(liveChange, Math.abs(clean[t][i] - live[t][i]));
            }
        }
        assertTrue(liveChange > 1e-3, "ablating the live head must change the hidden states");

        HeadReport r = HeadAnalysis.analyse(m, TOKENS, settings(), Parallel.SERIAL);
        assertEquals(0.0, r.row(0, 1).importance(), 1e-12);
        assertTrue(r.row(0, 0).importance() > 1e-6);
        assertTrue(Double.isNaN(r.clean().loss()));
    }

    @Test
    void encodeWithNoInterventionEqualsTheOldEncodeExactly() {
        BertModel m = model(13, false, false);
        float[][] old = m.encode(TOKENS, null, Capture.none(2));
        float[][] none = m.encode(TOKENS, null, Capture.none(2), Intervention.NONE);
        for (int t = 0; t < old.length; t++) {
            assertArrayEquals(old[t], none[t]);
        }
    }

    @Test
    void meanAblationUsesTheCapturedHeadOutputs() {
        BertModel m = model(14, false, false);
        HeadReport r = HeadAnalysis.analyse(m, TOKENS, settings().withAblation(HeadAblation.Mode.MEAN, null),
                Parallel.SERIAL);
        assertEquals(2 * HEADS, r.ablations().size());
        for (HeadAblation.Effect e : r.ablations()) {
            assertTrue(e.lossIncrease() >= 0 && Double.isFinite(e.lossIncrease()));
            assertNotNull(e.topBefore());
        }
    }

    @Test
    void restartingAtTheHeadsLayerEqualsTheFullReRun() {
        BertModel m = model(15, false, false);
        EncoderHeads.EncoderRun clean = EncoderHeads.capture(m, TOKENS);
        float[][][] means = HeadAblation.meanOutputs(clean.run());
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            java.util.List<HeadAblation.Effect> all;
            try (Parallel two = new Parallel(2)) {
                all = EncoderHeads.allHeads(m, clean, mode, means, two);
            }
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < HEADS; h++) {
                    var iv = HeadAblation.replacing(l, h, HeadAblation.replacement(mode, means, l, h, HD));
                    float[][] full = m.encode(TOKENS, null, Capture.none(2), iv);
                    float[][] resumed = m.encodeFrom(l, clean.run().residuals()[l], Capture.none(2), iv);
                    for (int t = 0; t < TOKENS.length; t++) {
                        assertArrayEquals(full[t], resumed[t], 1e-5f, mode + " L" + l + "H" + h + " position " + t);
                    }
                    double mse = EncoderHeads.meanSquaredChange(clean.hidden(), full);
                    assertTrue(mse > 1e-6, "every head of this random model writes");
                    assertEquals(mse, all.get(l * HEADS + h).lossIncrease(), 1e-6 * Math.max(1, mse));
                }
            }
        }
        // the residual entering layer 0 is the normed embedding: resuming there is the whole forward
        float[][] again = m.encodeFrom(0, clean.run().residuals()[0], Capture.none(2), Intervention.NONE);
        for (int t = 0; t < TOKENS.length; t++) {
            assertArrayEquals(clean.hidden()[t], again[t], 1e-6f);
        }
    }

    @Test
    void encoderChangeReportsEmbeddingCosineAndTheNextLayersAttention() {
        BertModel m = model(16, false, true);
        EncoderHeads.EncoderRun clean = EncoderHeads.capture(m, TOKENS);
        EncoderHeads.Change dead = EncoderHeads.change(m, clean, 0, 1, new float[HD]);
        assertEquals(1.0, dead.embeddingCosine(), 1e-6);
        assertEquals(HEADS, dead.nextLayerJs().length);
        for (double js : dead.nextLayerJs()) {
            assertEquals(0.0, js, 1e-6, "a head that writes nothing cannot move the next layer's attention");
        }
        EncoderHeads.Change live = EncoderHeads.change(m, clean, 0, 0, new float[HD]);
        assertTrue(live.embeddingCosine() < 1 - 1e-6);
        assertTrue(java.util.Arrays.stream(live.nextLayerJs()).max().orElseThrow() > 1e-6);
        assertEquals(0, EncoderHeads.change(m, clean, 1, 0, new float[HD]).nextLayerJs().length, "no layer after the last");
    }

    @Test
    void resumingFromTheLayersHeadOutputsEqualsTheFullReRun() {
        BertModel m = model(18, false, false);
        EncoderHeads.EncoderRun clean = EncoderHeads.capture(m, TOKENS);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < HEADS; h++) {
                float[] replacement = new float[HD];
                java.util.Arrays.fill(replacement, 0.25f * (h + 1));
                float[][] heads = new float[TOKENS.length][HEADS * HD];
                for (int t = 0; t < TOKENS.length; t++) {
                    for (int g = 0; g < HEADS; g++) {
                        System.arraycopy(g == h ? replacement : clean.run().headOutputs()[l][t][g], 0, heads[t], g * HD, HD);
                    }
                }
                float[][] full = m.encode(TOKENS, null, Capture.none(2), HeadAblation.replacing(l, h, replacement));
                float[][] resumed = m.encodeFromHeads(l, clean.run().residuals()[l], heads, Capture.none(2),
                        Intervention.NONE);
                for (int t = 0; t < TOKENS.length; t++) {
                    assertArrayEquals(full[t], resumed[t], 1e-5f, "L" + l + "H" + h + " position " + t);
                }
            }
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.encodeFromHeads(0, clean.run().residuals()[0], new float[TOKENS.length][HD], Capture.none(2),
                        Intervention.NONE));
        assertTrue(e.getMessage().contains("expected " + HEADS * HD), e.getMessage());
    }

    @Test
    void encodeFromRefusesBadArguments() {
        BertModel m = model(17, false, false);
        float[][] r = new float[3][DIM];
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.encodeFrom(2, r, Capture.none(2), Intervention.NONE));
        assertTrue(e.getMessage().contains("outside 0..1"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.encodeFrom(0, new float[3][DIM + 1], Capture.none(2), Intervention.NONE));
        assertTrue(e.getMessage().contains("expected " + DIM), e.getMessage());
    }
}
