package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;

/**
 * A run captured for the head scores alone ({@link CapturedRun#forScores}) keeps no head outputs or residuals, yet
 * its scores equal those of the run that keeps them: the output cosine summed as the pass runs is the table of the
 * kept outputs to the last bit. (Two passes over the same tokens agree to float rounding only, ~1e-8 in the loss,
 * whichever they keep: the vector kernels round differently before and after the JIT compiles them; hence SAME.)
 * The memory estimate counts what a run keeps: its store exactly, and the arrays of
 * head outputs and residuals as they are laid out.
 */
class CapturedRunScoresTest {
    private static final double SAME = 1e-6;
    private static final int N = 300; // past the thumbnails' largest side (256) and over several blocks of rows

    private static int[] tokens(LlamaModel model, int n) {
        SplittableRandom rng = new SplittableRandom(11);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(model.config().vocabSize());
        return t;
    }

    @Test
    void aRunForTheScoresHasTheKeptRunsPatternsCosineAndLossButNoActivations() {
        LlamaModel model = LayerBehaviourTest.randomModel(5, N);
        int[] tokens = tokens(model, N);
        CapturedRun full = CapturedRun.of(model, tokens);
        CapturedRun lean = CapturedRun.forScores(model, tokens, Intervention.NONE);
        assertTrue(full.keptActivations());
        assertFalse(lean.keptActivations());
        assertThrows(IllegalStateException.class, lean::headOutputs);
        assertThrows(IllegalStateException.class, lean::residuals);
        assertEquals(full.outcome().loss(), lean.outcome().loss(), SAME);
        for (int l = 0; l < model.config().layers(); l++) {
            double[][] kept = AttentionBehaviour.outputCosine(l, full.headOutputs()[l]).values();
            double[][] summed = full.outputCosine()[l].values();
            double[][] leanSummed = lean.outputCosine()[l].values();
            for (int i = 0; i < kept.length; i++) {
                assertArrayEquals(kept[i], summed[i], 0.0);
                assertArrayEquals(kept[i], leanSummed[i], SAME);
            }
            assertTrue(kept[0][1] < 0.999, "the heads differ, so the table is not trivially ones");
            for (int h = 0; h < model.config().heads(); h++) {
                float[][] a = full.patterns().head(l, h);
                float[][] b = lean.patterns().head(l, h);
                for (int q = 0; q < N; q += 37) assertArrayEquals(a[q], b[q], (float) SAME);
            }
        }
    }

    @Test
    void anAnalysisWithoutAblationScoresAsOneWithIt() {
        LlamaModel model = LayerBehaviourTest.randomModel(9, 80);
        int[] tokens = tokens(model, 80);
        HeadAnalysis.Settings zero = HeadAnalysis.Settings.defaults(0, 3, 0);
        HeadReport ablated = HeadAnalysis.analyse(model, tokens, zero, Parallel.SERIAL);
        HeadReport scored = HeadAnalysis.analyse(model, tokens, zero.withAblation(null, null), Parallel.SERIAL);
        assertFalse(scored.run().keptActivations());
        assertTrue(ablated.run().keptActivations());
        assertEquals(ablated.tables().size(), scored.tables().size());
        for (int i = 0; i < ablated.tables().size(); i++) {
            HeadTable a = ablated.tables().get(i);
            HeadTable b = scored.tables().get(i);
            assertEquals(a.metric() + a.rowLayer() + a.columnLayer(), b.metric() + b.rowLayer() + b.columnLayer());
            for (int r = 0; r < a.rows(); r++) assertArrayEquals(a.values()[r], b.values()[r], SAME, a.metric());
        }
        assertArrayEquals(ablated.disagreement(), scored.disagreement(), SAME);
        for (int i = 0; i < ablated.rows().size(); i++) {
            assertEquals(ablated.rows().get(i).entropy(), scored.rows().get(i).entropy(), SAME);
        }
    }

    @Test
    void sameLayerWeightTablesAreThoseOfTheCrossLayerAnalysis() {
        LlamaModel model = LayerBehaviourTest.randomModel(13, 16);
        int[] tokens = tokens(model, 16);
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(0, 3, 0).withAblation(null, null);
        HeadReport same = HeadAnalysis.analyse(model, tokens, s, Parallel.SERIAL);
        HeadReport cross = HeadAnalysis.analyse(model, tokens, s.withCrossLayer(true), Parallel.SERIAL);
        for (WeightKind kind : WeightKind.values()) {
            for (int l = 0; l < model.config().layers(); l++) {
                HeadTable a = same.table(kind.id(), l, l);
                HeadTable b = cross.table(kind.id(), l, l);
                for (int r = 0; r < a.rows(); r++) assertArrayEquals(b.values()[r], a.values()[r], 0.0, kind.id());
            }
        }
        assertTrue(cross.table(WeightKind.values()[0].id(), 0, 1) != null);
        assertEquals(null, same.table(WeightKind.values()[0].id(), 0, 1));
    }

    @Test
    void theEstimateCountsTheStoreAndTheKeptArraysExactly() {
        LlamaModel model = LayerBehaviourTest.randomModel(5, N);
        ModelConfig c = model.config();
        for (int n : new int[] {20, N}) {
            int[] tokens = tokens(model, n);
            Capture capture = new Capture(HookSelection.of("blocks.*.attn.pattern"), c.layers()).storingPatterns();
            RunOutcome.prefill(RunOutcome.session(model, capture, Intervention.NONE, tokens), tokens,
                    dev.glassbox.engine.model.DecoderSession.StepSink.NONE, null);
            AttentionStore store = capture.attention().orElseThrow();
            assertEquals(store.bytes(), CapturedRun.storeBytes(c.layers(), c.heads(), c.headDim(), c.kvHeads(), n), 0.0,
                    "store at " + n);

            CapturedRun full = CapturedRun.of(model, tokens);
            double arrays = 0;
            for (float[][][] layer : full.headOutputs()) {
                for (float[][] pos : layer) {
                    arrays += CapturedRun.ARRAY_HEADER + 4.0 * pos.length;
                    for (float[] head : pos) arrays += CapturedRun.ARRAY_HEADER + 4.0 * head.length;
                }
            }
            for (float[][] layer : full.residuals()) {
                for (float[] pos : layer) arrays += CapturedRun.ARRAY_HEADER + 4.0 * pos.length;
            }
            double lean = CapturedRun.bytes(c.layers(), c.heads(), c.headDim(), c.kvHeads(), n, c.dim(), false);
            double kept = CapturedRun.bytes(c.layers(), c.heads(), c.headDim(), c.kvHeads(), n, c.dim(), true);
            assertEquals(arrays, kept - lean, 0.0, "head outputs and residuals at " + n);
        }
    }
}
