package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.RoutingDesign;

/** The Train workspace's checks of a settings combination, without a window. */
class TrainingSettingsTest {
    private static final TrainingSettings.Extras PLAIN = new TrainingSettings.Extras(BlockDesign.LLAMA,
            RoutingDesign.DENSE, ContextTraining.FULL, Regime.PLAIN);

    private static TrainingSettings settings(int layers, int heads, int dim, int seq, int batch, boolean attentionOnly,
                                             TrainingSettings.Extras extras) {
        return new TrainingSettings(layers, heads, heads, dim, 0, attentionOnly, false, seq, batch, 3e-3f, 0f, 100, 1L, extras);
    }

    @Test
    void shapeRulesNameTheControlAndTheReason() {
        assertEquals(List.of(), TrainingSettings.shapeProblems(4, 2, 64, BlockDesign.Positions.ROPE));
        List<TrainingSettings.Problem> p = TrainingSettings.shapeProblems(6, 4, 64, BlockDesign.Positions.ROPE);
        assertEquals(TrainingSettings.Place.DIM, p.get(0).place());
        assertTrue(p.get(0).message().contains("multiple of heads (6)"), p.get(0).message());
        assertEquals(TrainingSettings.Place.KV_HEADS, p.get(1).place());
        assertEquals("must divide heads (6): 1, 2, 3, 6", p.get(1).message());
        // dim / heads = 3: odd, refused for rotary positions only
        assertEquals(TrainingSettings.Place.DIM, TrainingSettings.shapeProblems(4, 4, 12, BlockDesign.Positions.ROPE).get(0).place());
        assertEquals(List.of(), TrainingSettings.shapeProblems(4, 4, 12, BlockDesign.Positions.LEARNED));
        assertEquals(List.of(), TrainingSettings.shapeProblems(null, 4, 12, BlockDesign.Positions.ROPE), "unknown heads: skipped");
    }

    @Test
    void memoryEstimateRefusesStepsOverHalfTheHeap() {
        TrainingSettings s = settings(12, 16, 512, 256, 256, true, PLAIN);
        // attention: 4 B x 256 x 16 x 256 x 256 x 12 = 12,885 MB; activations: 4 x 256 x 256 x 512 x 12 x 12 = 19,327 MB
        TrainingSettings.Problem p = s.memoryProblem(8_000_000_000L).orElseThrow();
        assertEquals(TrainingSettings.Place.BATCH, p.place());
        assertTrue(p.message().startsWith("needs about 32,") && p.message().contains("more than the 4,000 MB this heap allows"),
                p.message());
        assertTrue(s.memoryProblem(100_000_000_000L).isEmpty());
    }

    @Test
    void engineRefusalsLandWhereTheyBelong() {
        assertTrue(settings(2, 4, 64, 32, 8, true, PLAIN).engineProblem().isEmpty());
        TrainingSettings.Extras moe = new TrainingSettings.Extras(BlockDesign.LLAMA,
                RoutingDesign.experts(4, 1, ExpertRouter.Kind.TOPK, 0.01f), ContextTraining.FULL, Regime.PLAIN);
        TrainingSettings.Problem p = settings(2, 4, 64, 32, 8, true, moe).engineProblem().orElseThrow();
        assertEquals(TrainingSettings.Place.EXPERTS, p.place(), "experts need MLP blocks: " + p.message());
        assertEquals(5, TrainingSettings.evalEvery(200));
        assertEquals(1, TrainingSettings.evalEvery(10));
    }
}
