package dev.glassbox.engine.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;

/** Route hooks read back into hops, and per-layer load counted by hand. */
class ExpertRoutesTest {

    private static Tensor m(int rows, int cols) {
        return dev.glassbox.engine.tensor.F32Tensor.of(new float[rows * cols], rows, cols);
    }

    private static ExpertMlp moe(int experts, int k, boolean learned) {
        Tensor[] w = new Tensor[experts];
        Tensor[] d = new Tensor[experts];
        for (int e = 0; e < experts; e++) {
            w[e] = m(4, 2);
            d[e] = m(2, 4);
        }
        return new ExpertMlp(learned ? m(experts, 2) : null, w, d, w, learned ? ExpertRouter.Kind.TOPK : ExpertRouter.Kind.HASH, k);
    }

    @Test
    void aRouteCaptureReadsBackAsExpertsByWeight() {
        // router probs (.1, .6, .3), experts 1 and 2 chosen with renormalised weights .667 and .333
        Captured c = new Captured(HookName.of(HookPoint.ROUTE, 0), new int[] {2, 3},
                new float[] {.1f, .6f, .3f, 0f, 2f / 3, 1f / 3});
        ExpertRoutes.Hop h = ExpertRoutes.hop(c);
        assertArrayEquals(new int[] {1, 2}, h.experts());
        assertEquals(1, h.first());
        assertArrayEquals(new float[] {2f / 3, 1f / 3}, h.weights());
        assertArrayEquals(new float[] {.1f, .6f, .3f}, h.probs());
    }

    @Test
    void loadMatchesAHandCountedExample() {
        // layer 0 dense, layer 1: four tokens, top-2 of 3 experts
        ExpertMlp[] layers = {null, moe(3, 2, true)};
        float[] p = {.5f, .3f, .2f};
        List<ExpertRoutes.Hop[]> routes = List.of(
                new ExpertRoutes.Hop[] {null, new ExpertRoutes.Hop(new int[] {0, 1}, new float[] {.6f, .4f}, p)},
                new ExpertRoutes.Hop[] {null, new ExpertRoutes.Hop(new int[] {0, 2}, new float[] {.7f, .3f}, p)},
                new ExpertRoutes.Hop[] {null, new ExpertRoutes.Hop(new int[] {1, 0}, new float[] {.5f, .5f}, p)},
                new ExpertRoutes.Hop[] {null, new ExpertRoutes.Hop(new int[] {0, 1}, new float[] {.6f, .4f}, p)});
        List<ExpertRoutes.LayerLoad> loads = ExpertRoutes.load(layers, routes, 1.0);
        assertEquals(1, loads.size());
        assertEquals(1, loads.get(0).layer());
        LoadBalance b = loads.get(0).balance();
        // assignments: expert 0 four times, expert 1 three times, expert 2 once; 8 in all, mean 8/3
        assertArrayEquals(new int[] {4, 3, 1}, b.tokensPerExpert());
        double mean = 8 / 3.0;
        double sd = Math.sqrt(((4 - mean) * (4 - mean) + (3 - mean) * (3 - mean) + (1 - mean) * (1 - mean)) / 3);
        assertEquals(sd / mean, b.coefficientOfVariation(), 1e-12);
        assertEquals(4 / mean, b.maxOverMean(), 1e-12);
        // capacity ceil(8/3) = 3: expert 0 is one over, so 1 of 8 assignments overflows
        assertEquals(1 / 8.0, b.overCapacity(), 1e-12);
        // Hugging Face top-k: f = loads / tokens = (4/4, 3/4, 1/4); P = (.5, .3, .2):
        // 3 * (.5 + .225 + .05) = 2.325
        assertEquals(2.325, b.auxLoss(), 1e-6);
        // Switch top-1: first choices 0, 0, 1, 0 -> f = (.75, .25, 0): 3 * (.375 + .075) = 1.35
        assertEquals(1.35, b.switchTop1Loss(), 1e-6);
    }

    @Test
    void hashRoutersHaveNoSwitchLoss() {
        ExpertMlp[] layers = {moe(2, 1, false)};
        ExpertRoutes.Hop[] only = {new ExpertRoutes.Hop(new int[] {1}, new float[] {1f}, new float[] {0f, 1f})};
        List<ExpertRoutes.Hop[]> routes = List.<ExpertRoutes.Hop[]>of(only);
        LoadBalance b = ExpertRoutes.load(layers, routes, 1.0).get(0).balance();
        assertArrayEquals(new int[] {0, 1}, b.tokensPerExpert());
        assertTrue(Double.isNaN(b.auxLoss()) && Double.isNaN(b.switchTop1Loss()));
    }
}
