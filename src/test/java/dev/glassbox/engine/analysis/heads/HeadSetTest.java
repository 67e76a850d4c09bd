package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;

/** Ablating several heads at once: equal to the full re-run, silent sets change nothing, sets are not sums. */
class HeadSetTest {
    private static final int[] TOKENS = {1, 4, 9, 3, 7, 7, 2, 11, 5, 8};
    private static final float SAME = 1e-5f;
    private static final HeadSet.Head A = new HeadSet.Head(0, 0);
    private static final HeadSet.Head B = new HeadSet.Head(1, 2);

    private static HeadSet set(LlamaModel m, HeadAblation.Mode mode, float[][][] means, HeadSet.Head... heads) {
        return HeadSet.of(m.config(), mode, means, List.of(heads));
    }

    /** Attention-only, 2 layers x 3 heads of dim 4; the heads listed as {layer, head} have zero W_O columns. */
    private static LlamaModel silent(int[]... silentHeads) {
        SplittableRandom rng = new SplittableRandom(5);
        ModelConfig c = TinyModels.config(8, 2, 3, 3, 4, 12, 16, RopeStyle.INTERLEAVED);
        LlamaModel.Layer[] layers = new LlamaModel.Layer[2];
        for (int l = 0; l < 2; l++) {
            float[] wo = TinyModels.random(rng, c.dim() * c.qDim());
            for (int[] s : silentHeads) {
                if (s[0] == l) {
                    for (int r = 0; r < c.dim(); r++) {
                        for (int i = s[1] * 4; i < s[1] * 4 + 4; i++) {
                            wo[r * c.qDim() + i] = 0;
                        }
                    }
                }
            }
            layers[l] = TinyModels.attentionOnly(c, TinyModels.random(rng, c.qDim() * c.dim()),
                    TinyModels.random(rng, c.kvDim() * c.dim()), TinyModels.random(rng, c.kvDim() * c.dim()), wo);
        }
        return TinyModels.model(c, TinyModels.random(rng, c.vocabSize() * c.dim()), layers);
    }

    @Test
    void ablatingTwoHeadsTogetherEqualsTheFullReRunWithBothReplaced() {
        LlamaModel m = HeadAblationTest.model();
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        float[][][] means = HeadAblation.meanOutputs(clean);
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            HeadSet s = set(m, mode, means, B, A);
            float[] ra = HeadAblation.replacement(mode, means, 0, 0, 4);
            float[] rb = HeadAblation.replacement(mode, means, 1, 2, 4);
            // the reference composes two single-head interventions by hand
            Intervention both = HeadAblation.replacing(0, 0, ra, HeadAblation.replacing(1, 2, rb));
            RunOutcome full = RunOutcome.of(m, TOKENS, both);
            HeadAblation.SetEffect e = HeadAblation.ablateFrom(m, clean, s, 5);
            assertEquals(full.loss(), e.loss(), SAME, mode + " loss");
            assertEquals(full.loss() - clean.outcome().loss(), e.lossIncrease(), SAME);
            assertEquals(HeadAblation.kl(clean.outcome().lastLogits(), full.lastLogits()), e.klLast(), SAME);
            assertArrayEquals(HeadAblation.top(full.lastLogits(), 5), e.after().ids());
            assertArrayEquals(HeadAblation.top(clean.outcome().lastLogits(), 5), e.before().ids());
            double[] p = dev.glassbox.engine.tensor.Softmax.probabilities(full.lastLogits());
            for (int i = 0; i < 5; i++) {
                assertEquals(p[e.after().ids()[i]], e.after().probabilities()[i], SAME);
                assertEquals(p[e.before().ids()[i]], e.beforeIdsAfter()[i], SAME);
            }
            HeadAblation.SetEffect rerun = HeadAblation.ablate(m, TOKENS, clean.outcome(), s, 5);
            assertEquals(e.loss(), rerun.loss(), SAME, "restart at layer 0 and the full re-run agree");
            assertTrue(Math.abs(e.lossIncrease()) > 100 * SAME, "both heads write: the loss moves");
        }
    }

    @Test
    void restartingAtTheLowestAblatedLayerEqualsTheFullReRun() {
        LlamaModel m = HeadAblationTest.model();
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        HeadSet upper = set(m, HeadAblation.Mode.ZERO, null, new HeadSet.Head(1, 0), B);
        assertEquals(1, upper.lowestLayer());
        HeadAblation.SetEffect resumed = HeadAblation.ablateFrom(m, clean, upper, 3);
        HeadAblation.SetEffect full = HeadAblation.ablate(m, TOKENS, clean.outcome(), upper, 3);
        assertEquals(full.loss(), resumed.loss(), SAME);
        assertEquals(full.klLast(), resumed.klLast(), SAME);
        assertArrayEquals(full.after().ids(), resumed.after().ids());
    }

    @Test
    void aSetOfHeadsThatWriteNothingChangesNothing() {
        LlamaModel m = silent(new int[] {0, 1}, new int[] {1, 2});
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        float[][][] means = HeadAblation.meanOutputs(clean);
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            HeadSet s = set(m, mode, means, new HeadSet.Head(0, 1), new HeadSet.Head(1, 2));
            HeadAblation.SetEffect e = HeadAblation.ablate(m, TOKENS, clean.outcome(), s, 5);
            assertEquals(0.0, e.lossIncrease(), SAME, mode + " ablation of heads with zero output projections");
            assertEquals(0.0, e.klLast(), 1e-9);
            assertArrayEquals(e.before().ids(), e.after().ids());
            assertArrayEquals(e.before().probabilities(), e.beforeIdsAfter(), 1e-6);
        }
        // the same heads with one that writes: the set now changes the output
        HeadSet withWriter = set(m, HeadAblation.Mode.ZERO, null, new HeadSet.Head(0, 1), new HeadSet.Head(1, 2), A);
        assertTrue(HeadAblation.ablate(m, TOKENS, clean.outcome(), withWriter, 5).klLast() > 1e-6);
    }

    @Test
    void interactingHeadsAblatedTogetherDifferFromEachAloneAndFromTheSumOfBoth() {
        // layer 1's head 2 reads the residual layer 0's head 0 wrote (its queries, keys and values move without
        // it), and both pass through the final RMSNorm: removing both is not removing each and adding up
        LlamaModel m = HeadAblationTest.model();
        float[] clean = RunOutcome.of(m, TOKENS, Intervention.NONE).lastLogits();
        float[] a = RunOutcome.of(m, TOKENS, set(m, HeadAblation.Mode.ZERO, null, A).intervention(m.config())).lastLogits();
        float[] b = RunOutcome.of(m, TOKENS, set(m, HeadAblation.Mode.ZERO, null, B).intervention(m.config())).lastLogits();
        HeadSet both = set(m, HeadAblation.Mode.ZERO, null, A, B);
        float[] ab = RunOutcome.of(m, TOKENS, both.intervention(m.config())).lastLogits();
        double fromA = 0, fromB = 0, nonAdditive = 0;
        for (int i = 0; i < clean.length; i++) {
            fromA = Math.max(fromA, Math.abs(ab[i] - a[i]));
            fromB = Math.max(fromB, Math.abs(ab[i] - b[i]));
            nonAdditive = Math.max(nonAdditive, Math.abs((ab[i] - clean[i]) - (a[i] - clean[i]) - (b[i] - clean[i])));
        }
        assertTrue(fromA > 100 * SAME, "the set differs from A alone by " + fromA);
        assertTrue(fromB > 100 * SAME, "the set differs from B alone by " + fromB);
        assertTrue(nonAdditive > 100 * SAME, "the set's logit change is not the sum of the two: " + nonAdditive);
    }

    @Test
    void aSetOfOneIsTheSingleHeadAblation() {
        LlamaModel m = HeadAblationTest.model();
        CapturedRun clean = CapturedRun.of(m, TOKENS);
        float[][][] means = HeadAblation.meanOutputs(clean);
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            HeadAblation.Effect single = HeadAblation.ablateFrom(m, clean, 1, 2,
                    HeadAblation.replacement(mode, means, 1, 2, 4), 5);
            HeadAblation.SetEffect one = HeadAblation.ablateFrom(m, clean, set(m, mode, means, B), 5);
            assertEquals(single.loss(), one.loss(), 0.0, mode.toString());
            assertEquals(single.klLast(), one.klLast(), 0.0);
            assertArrayEquals(single.topAfter(), one.after().ids());
            assertEquals(single.topProbabilityAfter(), one.beforeIdsAfter()[0], 0.0);
        }
        HeadAblation.SetEffect none = HeadAblation.ablateFrom(m, clean, HeadSet.empty(), 5);
        assertEquals(0.0, none.lossIncrease());
        assertEquals(0.0, none.klLast());
    }

    @Test
    void theAnalysisUnderASetReadsTheAblatedRunAndGivesItsHeadsNoImportance() {
        LlamaModel m = HeadAblationTest.model();
        HeadSet s = set(m, HeadAblation.Mode.ZERO, null, A, B);
        HeadAnalysis.Settings settings = HeadAnalysis.Settings.defaults(1, 2, 0);
        HeadReport ablated = HeadAnalysis.analyse(m, TOKENS, settings, s, Parallel.SERIAL);
        HeadReport clean = HeadAnalysis.analyse(m, TOKENS, settings, Parallel.SERIAL);
        CapturedRun reference = CapturedRun.of(m, TOKENS, s.intervention(m.config()));
        assertEquals(reference.outcome().loss(), ablated.clean().loss(), SAME);
        double rolesMoved = 0;
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                assertEquals(AttentionBehaviour.sinkMass(reference.patterns().layer(l))[h], ablated.row(l, h).sinkMass(), 1e-6);
                rolesMoved = Math.max(rolesMoved, Math.abs(ablated.row(l, h).roles().previousToken()
                        - clean.row(l, h).roles().previousToken()));
            }
        }
        assertTrue(rolesMoved > 1e-6, "layer 1's patterns move once layer 0's head 0 is gone");
        assertEquals(0.0, ablated.row(0, 0).importance(), SAME, "ablating an ablated head again changes nothing");
        assertEquals(0.0, ablated.row(1, 2).importance(), SAME);
        assertTrue(Math.abs(ablated.row(1, 0).importance()) > 100 * SAME);
        // layer 0's attention does not see the ablation (it is read before any head writes)
        assertEquals(clean.row(0, 1).roles().previousToken(), ablated.row(0, 1).roles().previousToken(), 1e-6);
    }

    @Test
    void encoderSetChangeEqualsTheFullEncodeWithTheSetRemoved() {
        BertModel m = BertHeadsTest.model(18, false, true);
        EncoderHeads.EncoderRun clean = EncoderHeads.capture(m, BertHeadsTest.TOKENS);
        HeadSet dead = HeadSet.of(m.config(), HeadAblation.Mode.ZERO, null, List.of(new HeadSet.Head(0, 1)));
        assertEquals(0.0, EncoderHeads.change(m, clean, dead).hiddenChange(), 1e-10, "a head whose W_O is zero");
        HeadSet live = HeadSet.of(m.config(), HeadAblation.Mode.ZERO, null, List.of(new HeadSet.Head(1, 0), new HeadSet.Head(0, 0)));
        EncoderHeads.SetChange c = EncoderHeads.change(m, clean, live);
        float[][] full = m.encode(BertHeadsTest.TOKENS, null, Capture.none(2), live.intervention(m.config()));
        assertEquals(EncoderHeads.meanSquaredChange(clean.hidden(), full), c.hiddenChange(), 1e-7);
        assertTrue(c.hiddenChange() > 1e-6 && c.embeddingCosine() < 1);
    }

    @Test
    void badSpecsAndHeadsAreRefusedWithTheAllowedRange() {
        ModelConfig c = TinyModels.config(16, 2, 8, 8, 2, 12, 16, RopeStyle.INTERLEAVED);
        assertEquals("L0H2, L1H3", HeadSet.parse("1.3,0.2", c, HeadAblation.Mode.ZERO, null).label());
        assertEquals(List.of(new HeadSet.Head(0, 2), new HeadSet.Head(1, 3)),
                HeadSet.parse(" 1.3, 0.2 ,1.3", c, HeadAblation.Mode.ZERO, null).heads(), "sorted, duplicates once");
        assertEquals("head 9 outside 0..7 in layer 1", assertThrows(IllegalArgumentException.class,
                () -> HeadSet.parse("1.3,1.9", c, HeadAblation.Mode.ZERO, null)).getMessage());
        assertEquals("layer 2 outside 0..1", assertThrows(IllegalArgumentException.class,
                () -> HeadSet.parse("2.0", c, HeadAblation.Mode.ZERO, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HeadSet.parse("1-3", c, HeadAblation.Mode.ZERO, null)).getMessage().contains("LAYER.HEAD"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HeadSet.parse("1.x", c, HeadAblation.Mode.ZERO, null)).getMessage().contains("'1.x': the head must be a whole number, got 'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HeadSet.parse("1.3", c, HeadAblation.Mode.MEAN, null)).getMessage().contains("mean ablation needs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HeadSet.of(c, HeadAblation.Mode.MEAN,
                new float[2][3][2], List.of())).getMessage().contains("the model has 2 x 8 x 2"));
        HeadSet toggled = HeadSet.empty().toggle(1, 3).toggle(0, 5).toggle(1, 3);
        assertEquals("L0H5", toggled.label());
        assertEquals("0.5", toggled.spec());
    }
}
