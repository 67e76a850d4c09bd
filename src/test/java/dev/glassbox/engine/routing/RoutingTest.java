package dev.glassbox.engine.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.testing.TinyLlama;

class RoutingTest {
    private final LlamaModel model = TinyLlama.model(11, 16, 32, 4, 4, 2, 30, 64);
    private final int[] tokens = new Random(3).ints(12, 0, 30).toArray();

    @Test
    void hashRoutingSendsATokenToTheSameExpertEveryTime() {
        ExpertRouter.Hash h = new ExpertRouter.Hash(8, 17);
        int[] seen = new int[8];
        for (int id = 0; id < 1000; id++) {
            int e = h.route(id, null).experts()[0];
            for (int again = 0; again < 3; again++) assertEquals(e, h.route(id, new float[8]).experts()[0]);
            seen[e]++;
        }
        for (int c : seen) assertTrue(c > 60, "every expert gets some tokens: " + java.util.Arrays.toString(seen));
    }

    @Test
    void topOnePicksTheArgmaxAndTopKRenormalises() {
        ExpertRouter.Choice c = new ExpertRouter.TopK(1).route(0, new float[] {0.1f, 2.5f, -1f, 2.4f});
        assertArrayEquals(new int[] {1}, c.experts());
        assertArrayEquals(new float[] {1f}, c.weights());
        ExpertRouter.Choice c2 = new ExpertRouter.TopK(2).route(0, new float[] {0f, (float) Math.log(3), -5f, 0f});
        assertArrayEquals(new int[] {1, 0}, c2.experts());
        assertArrayEquals(new float[] {0.75f, 0.25f}, c2.weights(), 1e-6f);
    }

    @Test
    void randomRoutingWithPZeroReproducesTheDenseLogitsExactly() {
        List<RouteSampler.TokenRoutes> r = RouteSampler.sample(model, tokens, new RoutingPolicy.RandomRouting(0), 5, 1, 3, () -> false);
        DecoderSession dense = model.newSession(Capture.none(4));
        for (int t = 0; t < tokens.length; t++) {
            float[] logits = dense.forward(tokens[t], t);
            RouteSampler.TokenRoutes tr = r.get(t);
            assertEquals(1, tr.paths().size());
            assertEquals("0-1-2-3", tr.paths().getFirst().path().label());
            assertEquals(5, tr.paths().getFirst().count());
            assertEquals(0.0, tr.meanKl(), 1e-12);
            assertArrayEquals(RouteSampler.top(dev.glassbox.engine.tensor.Softmax.probabilities(logits), 3), tr.fullTopIds());
        }
    }

    @Test
    void randomRoutingSkipsContiguousRunsAndEndsAtTheExit() {
        Random rng = new Random(9);
        RoutingPolicy p = new RoutingPolicy.RandomRouting(0.5);
        int skipped = 0;
        for (int i = 0; i < 2000; i++) {
            Path path = p.sample(6, rng);
            assertTrue(path.runs(0), "the first layer always runs: routing happens after a layer's output");
            for (int l = 0; l < 6; l++) if (!path.runs(l)) skipped++;
        }
        assertTrue(skipped > 1000, "p = 0.5 skips layers: " + skipped);
    }

    @Test
    void skippedLayersAreAbsentFromTheTrace() {
        Path keep = new RoutingPolicy.LayerSkip(Set.of(0, 2)).sample(4, new Random());
        Intervention iv = new Intervention() {
            @Override
            public boolean skipLayer(int layer, int position) {
                return !keep.runs(layer);
            }
        };
        DecoderSession s = model.newSession(new Capture(HookSelection.of("blocks.*.attn.pattern,blocks.*.mlp.out"), 4), iv);
        s.forward(tokens[0], 0);
        var captured = s.drainCaptured().keySet();
        assertTrue(captured.contains(HookName.of(HookPoint.ATTN_PATTERN, 0)));
        assertTrue(captured.contains(HookName.of(HookPoint.ATTN_PATTERN, 2)));
        assertFalse(captured.contains(HookName.of(HookPoint.ATTN_PATTERN, 1)));
        assertFalse(captured.contains(HookName.of(HookPoint.MLP_OUT, 3)));
        assertEquals("0-2", keep.label());
    }

    @Test
    void skippingChangesThePredictionAndEnsembleIsMeasured() {
        List<RouteSampler.TokenRoutes> r = RouteSampler.sample(model, tokens, RoutingPolicy.parse("skip:1", 4), 1, 1, 3, () -> false);
        double kl = r.stream().mapToDouble(RouteSampler.TokenRoutes::meanKl).sum();
        assertTrue(kl > 1e-4, "skipping a layer of a random model changes its predictions");
        // with one deterministic path the ensemble is that path
        for (RouteSampler.TokenRoutes t : r) assertEquals(t.meanKl(), t.klEnsemble(), 1e-9);
    }

    @Test
    void loadStatisticsMatchHandCountedExamples() {
        // 4 experts; 6 tokens top-1 to experts 0,0,0,1,2,0 -> loads 4,1,1,0
        int[] first = {0, 0, 0, 1, 2, 0};
        int[][] assign = {{0}, {0}, {0}, {1}, {2}, {0}};
        double[][] probs = new double[6][];
        for (int t = 0; t < 6; t++) probs[t] = new double[] {0.25, 0.25, 0.25, 0.25};
        LoadBalance lb = LoadBalance.of(4, first, assign, probs, 1.0);
        assertArrayEquals(new int[] {4, 1, 1, 0}, lb.tokensPerExpert());
        // mean 1.5; deviations 2.5, -.5, -.5, -1.5 -> var (6.25+.25+.25+2.25)/4 = 2.25, std 1.5, cv 1
        assertEquals(1.0, lb.coefficientOfVariation(), 1e-12);
        assertEquals(4 / 1.5, lb.maxOverMean(), 1e-12);
        // capacity ceil(6/4) = 2: expert 0 is 2 over -> 2/6
        assertEquals(2.0 / 6, lb.overCapacity(), 1e-12);
        // f = (4/6, 1/6, 1/6, 0), P = 1/4 each: 4 * sum f P = 4 * 0.25 = 1 (the uniform-router value); top-1, so
        // the Hugging Face top-k loss and the Switch top-1 loss agree
        assertEquals(1.0, lb.auxLoss(), 1e-12);
        assertEquals(1.0, lb.switchTop1Loss(), 1e-12);
        LoadBalance balanced = LoadBalance.of(2, new int[] {0, 1}, new int[][] {{0}, {1}}, null, 1.0);
        assertEquals(0.0, balanced.coefficientOfVariation(), 0);
        assertEquals(0.0, balanced.overCapacity(), 0);
    }

    @Test
    void badPolicySpecsAreExplained() {
        assertEquals("'random:p=1.5': p must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> RoutingPolicy.parse("random:p=1.5", 4)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RoutingPolicy.parse("teleport", 4))
                .getMessage().startsWith("'teleport': unknown routing policy 'teleport'"));
        assertEquals("'keep:7': layer must be in 0..3, got 7", assertThrows(IllegalArgumentException.class,
                () -> RoutingPolicy.parse("keep:7", 4)).getMessage(), "layers are checked against the model as the spec is read");
    }
}
