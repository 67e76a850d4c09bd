package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;

class HeadAblationTest {
    private static final int[] TOKENS = {1, 4, 9, 3, 7, 7, 2, 11, 5, 8};
    /**
     * "Unchanged" up to this: the engine's forward is not bit-reproducible across JIT tiers (the Vector API
     * may sum lanes in another order once compiled; ~1e-6 on stories260K logits), far below real effects.
     */
    private static final float SAME = 1e-5f;

    /** Two layers (the first with a SwiGLU MLP), 3 heads of dim 4; head 1 of layer 0 writes nothing (zero W_O columns). */
    static LlamaModel model() {
        SplittableRandom rng = new SplittableRandom(3);
        ModelConfig c = TinyModels.config(8, 2, 3, 3, 4, 12, 16, RopeStyle.INTERLEAVED);
        LlamaModel.Layer[] layers = new LlamaModel.Layer[2];
        for (int l = 0; l < 2; l++) {
            float[] wo = TinyModels.random(rng, c.dim() * c.qDim());
            if (l == 0) {
                for (int r = 0; r < c.dim(); r++) {
                    for (int i = 4; i < 8; i++) {
                        wo[r * c.qDim() + i] = 0;
                    }
                }
            }
            LlamaModel.Layer a = TinyModels.attentionOnly(c, TinyModels.random(rng, c.qDim() * c.dim()),
                    TinyModels.random(rng, c.kvDim() * c.dim()), TinyModels.random(rng, c.kvDim() * c.dim()), wo);
            layers[l] = l == 1 ? a : new LlamaModel.Layer(a.attnNorm(), a.wq(), a.wk(), a.wv(), a.wo(), null, null, null,
                    TinyModels.ones(c.dim()),
                    F32Tensor.of(TinyModels.random(rng, c.hiddenDim() * c.dim()), c.hiddenDim(), c.dim()),
                    F32Tensor.of(TinyModels.random(rng, c.hiddenDim() * c.dim()), c.hiddenDim(), c.dim()),
                    F32Tensor.of(TinyModels.random(rng, c.dim() * c.hiddenDim()), c.dim(), c.hiddenDim()));
        }
        return TinyModels.model(c, TinyModels.random(rng, c.vocabSize() * c.dim()), layers);
    }

    @Test
    void ablatingAHeadWithZeroOutputProjectionChangesNothing() {
        LlamaModel m = model();
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        float[][][] means = HeadAblation.meanOutputs(clean);
        for (float[] replacement : new float[][] {new float[4], means[0][1]}) {
            RunOutcome a = RunOutcome.of(m, TOKENS, HeadAblation.replacing(0, 1, replacement));
            assertArrayEquals(clean.outcome().lastLogits(), a.lastLogits(), SAME);
            assertEquals(clean.outcome().loss(), a.loss(), SAME);
        }
        assertTrue(norm(means[0][1]) > 0, "the head does compute an output; only its projection is zero");
    }

    @Test
    void ablatingAHeadThatWritesChangesTheLogits() {
        LlamaModel m = model();
        RunOutcome clean = RunOutcome.of(m, TOKENS, Intervention.NONE);
        RunOutcome a = RunOutcome.of(m, TOKENS, HeadAblation.replacing(0, 0, new float[4]));
        double maxChange = 0;
        for (int i = 0; i < clean.lastLogits().length; i++) {
            maxChange = Math.max(maxChange, Math.abs(clean.lastLogits()[i] - a.lastLogits()[i]));
        }
        assertTrue(maxChange > 100 * SAME, "largest logit change " + maxChange);
        assertTrue(HeadAblation.kl(clean.lastLogits(), a.lastLogits()) > 1e-6);
    }

    @Test
    void allHeadsGivesOneEffectPerHeadAndZeroImportanceForTheSilentHead() {
        LlamaModel m = model();
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            List<HeadAblation.Effect> e;
            try (Parallel two = new Parallel(2)) {
                e = HeadAblation.allHeads(m, clean, mode, HeadAblation.meanOutputs(clean), 3, two);
            }
            assertEquals(6, e.size());
            for (int i = 0; i < 6; i++) {
                assertEquals(i / 3, e.get(i).layer());
                assertEquals(i % 3, e.get(i).head());
                // restarting at the head's layer from the clean residual equals the full re-run, done alone, serially
                HeadAblation.Effect full = HeadAblation.ablate(m, TOKENS, clean.outcome(), i / 3, i % 3,
                        HeadAblation.replacement(mode, HeadAblation.meanOutputs(clean), i / 3, i % 3, 4), 3);
                assertEquals(full.loss(), e.get(i).loss(), SAME);
                assertEquals(full.klLast(), e.get(i).klLast(), SAME);
                assertArrayEquals(full.topAfter(), e.get(i).topAfter());
                assertEquals(full.topProbabilityAfter(), e.get(i).topProbabilityAfter(), SAME);
            }
            HeadAblation.Effect silent = e.get(1);
            assertEquals(0.0, silent.lossIncrease(), SAME, mode + " ablation of a head that writes nothing");
            assertEquals(0.0, silent.klLast(), 1e-9);
            assertArrayEquals(silent.topBefore(), silent.topAfter());
            assertEquals(silent.topProbabilityBefore(), silent.topProbabilityAfter(), 1e-6);
            assertTrue(silent.topProbabilityBefore() > 0 && silent.topProbabilityBefore() <= 1);
            assertTrue(Math.abs(e.get(0).lossIncrease()) > 100 * SAME, "ablating a writing head changes the loss");
        }
    }

    @Test
    void inputsLongerThanTheContextAreRefusedClearly() {
        LlamaModel m = model();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunOutcome.of(m, new int[17], Intervention.NONE));
        assertTrue(e.getMessage().contains("context length of 16"), e.getMessage());
        IllegalArgumentException big = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CapturedRun.checkMemory(64, 64, 128, 8, 1 << 16, 8192, true));
        assertTrue(big.getMessage().contains("use fewer tokens"), big.getMessage());
    }

    @Test
    void klAndTopFollowTheirDefinitions() {
        float[] p = {0, 0, (float) Math.log(2)};
        assertEquals(0.0, HeadAblation.kl(p, p), 1e-12);
        // P = (1/4, 1/4, 1/2), Q uniform: KL = Σ p log(3p)
        double expected = 0.25 * Math.log(0.75) * 2 + 0.5 * Math.log(1.5);
        assertEquals(expected, HeadAblation.kl(p, new float[3]), 1e-7);
        assertArrayEquals(new int[] {2, 0}, HeadAblation.top(p, 2));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
