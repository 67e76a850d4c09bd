package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.routing.Path;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Mixture-of-experts MLPs and random routing against central finite differences. Expert choice is discrete, so
 * the loss is only piecewise smooth: an element whose +-h perturbation changes any token's experts is left out
 * (the finite difference would measure the jump, not the gradient), and the test asserts such flips are rare.
 */
class RoutingGradientCheckTest {
    private static final int BATCH = 2, SEQ = 6;

    private static ModelShape shape(RoutingDesign r, int layers) {
        return new ModelShape(11, 8, 12, layers, 2, 1, SEQ, false, false, 1e-5f, 10000f, BlockDesign.LLAMA, r,
                ContextTraining.FULL);
    }

    private static TrainableLlama randomModel(ModelShape s, Parallel par) {
        TrainableLlama m = new TrainableLlama(s, par);
        GradCheck.enlarge(m.params(), new Random(11));
        return m;
    }

    private static int[][] data(int vocab) {
        return TokenBatch.random(new Random(5), BATCH * SEQ, vocab, 5);
    }

    /** Checks every parameter; {@code routes} fingerprints the discrete choices of the last forward. */
    private static void check(TrainableLlama m, int[] in, int[] tg, Supplier<String> routes, String what) {
        DoubleSupplier loss = () -> m.forward(in, tg, BATCH, SEQ) + m.balanceLoss();
        loss.getAsDouble();
        String base = routes.get();
        m.zeroGrad();
        m.backward(tg);
        int flipped = 0, total = 0;
        for (Param p : m.params()) {
            float[] analytic = p.grad().clone();
            float[] x = p.value();
            List<Float> a = new ArrayList<>();
            List<Double> num = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                float keep = x[i];
                x[i] = (float) (keep + GradCheck.H);
                double up = loss.getAsDouble();
                boolean same = routes.get().equals(base);
                x[i] = (float) (keep - GradCheck.H);
                double down = loss.getAsDouble();
                same &= routes.get().equals(base);
                x[i] = keep;
                total++;
                if (!same) {
                    flipped++;
                    continue;
                }
                a.add(analytic[i]);
                num.add((up - down) / (2 * GradCheck.H));
            }
            float[] af = new float[a.size()];
            for (int i = 0; i < af.length; i++) af[i] = a.get(i);
            GradCheck.assertClose(what + " " + p.name(), af, num.stream().mapToDouble(Double::doubleValue).toArray());
        }
        assertTrue(flipped < total / 20, what + ": " + flipped + " of " + total + " perturbations changed an expert choice");
    }

    private static String experts(TrainableLlama m) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < m.shape().layers(); l++) sb.append(Arrays.deepToString(m.experts(l)));
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"top1", "top2", "hash", "random"})
    void mixtureOfExpertsGradientsMatchFiniteDifferences(String variant) {
        RoutingDesign r = switch (variant) {
            case "top1" -> RoutingDesign.experts(3, 1, ExpertRouter.Kind.TOPK, 0.1f);
            case "top2" -> RoutingDesign.experts(3, 2, ExpertRouter.Kind.TOPK, 0.1f);
            case "hash" -> RoutingDesign.experts(3, 1, ExpertRouter.Kind.HASH, 0f);
            default -> RoutingDesign.experts(3, 1, ExpertRouter.Kind.RANDOM, 0f);
        };
        try (Parallel par = new Parallel(2)) {
            TrainableLlama m = randomModel(shape(r, 2), par);
            m.setRouting(null, 3);
            int[][] d = data(11);
            check(m, d[0], d[1], () -> experts(m), variant);
        }
    }

    /**
     * Two experts, hand-set router: token 1's logits (ln 3, 0) -> p = (.75, .25), token 2's (0, ln 3) -> (.25, .75).
     */
    private static TrainableLlama handRouted(int topK, Parallel par) {
        ModelShape s = new ModelShape(5, 2, 4, 1, 1, 1, 2, false, false, 1e-5f, 10000f, BlockDesign.LLAMA,
                RoutingDesign.experts(2, topK, ExpertRouter.Kind.TOPK, 0.5f), ContextTraining.FULL);
        TrainableLlama m = new TrainableLlama(s, par);
        m.initialise(1);
        var p = m.paramsByName();
        // zero attention, so the MLP input is the normed embedding; embeddings e_1 = (1, 0), e_2 = (0, 1)
        Arrays.fill(p.get("model.layers.0.self_attn.o_proj.weight").value(), 0f);
        float[] emb = p.get("model.embed_tokens.weight").value();
        Arrays.fill(emb, 0f);
        emb[2] = 1f;
        emb[5] = 1f;
        float ln3 = (float) Math.log(3);
        // RMSNorm of (1, 0) is (sqrt 2, 0) up to eps: scale the router so the logits are exactly ln 3
        float k = (float) (ln3 / Math.sqrt(2 / (1 + 2e-5)));
        float[] g = p.get("model.layers.0.block_sparse_moe.gate.weight").value();
        g[0] = k; g[1] = 0; g[2] = 0; g[3] = k;
        return m;
    }

    @Test
    void balanceLossIsAlphaTimesExpertsTimesSumOfFiTimesPi() {
        try (Parallel par = Parallel.SERIAL) {
            TrainableLlama m = handRouted(1, par);
            m.forward(new int[] {1, 2}, null, 1, 2);
            // first choices: token 1 -> expert 0, token 2 -> expert 1: f = (.5, .5); P = (.5, .5); E sum f P = 1
            assertArrayEquals(new int[] {0}, m.experts(0)[0]);
            assertArrayEquals(new int[] {1}, m.experts(0)[1]);
            assertEquals(0.5 * 2 * (0.5 * 0.5 + 0.5 * 0.5), m.balanceLoss(), 1e-6);
            m.forward(new int[] {1, 1}, null, 1, 2);
            // both to expert 0: f = (1, 0), P = (.75, .25): 0.5 * 2 * .75
            assertEquals(0.75, m.balanceLoss(), 1e-6);
        }
    }

    @Test
    void topTwoBalanceLossCountsBothChoicesAsHuggingFaceDoes() {
        try (Parallel par = Parallel.SERIAL) {
            TrainableLlama m = handRouted(2, par);
            m.forward(new int[] {1, 1}, null, 1, 2);
            // top-2 of 2: both tokens go to both experts, f = (1, 1) (sums to k = 2); P = (.75, .25):
            // alpha E sum f P = 0.5 * 2 * (.75 + .25) = 1; counting first choices only would give 0.5 * 2 * .75 = .75
            assertEquals(1.0, m.balanceLoss(), 1e-6);
        }
    }

    @Test
    void hashRoutingSendsATokenIdToTheSameExpertEveryTime() {
        try (Parallel par = Parallel.SERIAL) {
            TrainableLlama m = randomModel(shape(RoutingDesign.experts(4, 1, ExpertRouter.Kind.HASH, 0f), 2), par);
            int[] in = {3, 7, 3, 9, 7, 3, 1, 3, 9, 7, 3, 2};
            m.forward(in, null, BATCH, SEQ);
            for (int l = 0; l < 2; l++) {
                int[][] e = m.experts(l);
                for (int i = 0; i < in.length; i++) {
                    for (int j = 0; j < in.length; j++) {
                        if (in[i] == in[j]) assertEquals(e[i][0], e[j][0], "layer " + l + " token " + in[i]);
                    }
                    assertEquals(new ExpertRouter.Hash(4, l).route(in[i], null).experts()[0], e[i][0]);
                }
            }
        }
    }

    @Test
    void randomRoutingGradientsMatchFiniteDifferencesOnAFixedPath() {
        try (Parallel par = new Parallel(2)) {
            TrainableLlama m = randomModel(shape(RoutingDesign.randomRouting(0.5f), 3), par);
            // row 0 runs layers 0 and 2 (skips 1), row 1 runs only layer 1
            m.setRouting(new Path[] {new Path(new boolean[] {true, false, true}), new Path(new boolean[] {false, true, false})}, 0);
            int[][] d = data(11);
            check(m, d[0], d[1], () -> "", "random routing");
            // layer 1 sees only row 1, so its gradients differ from a dense pass
            m.setRouting(null, 0);
            m.forward(d[0], d[1], BATCH, SEQ);
            double routed = m.paramsByName().get("model.layers.1.self_attn.q_proj.weight").grad()[0];
            m.zeroGrad();
            m.backward(d[1]);
            assertNotEquals(routed, m.paramsByName().get("model.layers.1.self_attn.q_proj.weight").grad()[0]);
        }
    }

    @Test
    void randomRoutingPathsAreSeededPerStepAndSkipLayersAtTheRate() {
        Path[] a = RandomRouting.paths(0.3, 7, 12, 4, 6);
        assertArrayEquals(a, RandomRouting.paths(0.3, 7, 12, 4, 6));
        assertEquals(null, RandomRouting.paths(0, 7, 12, 4, 6));
        int skipped = 0, total = 0;
        for (int step = 0; step < 400; step++) {
            for (Path p : RandomRouting.paths(0.3, 7, step, 4, 6)) {
                assertTrue(p.runs(0), "layer 0 always runs");
                for (int l = 0; l < 6; l++) {
                    total++;
                    if (!p.runs(l)) skipped++;
                }
            }
        }
        assertTrue(skipped > 0.1 * total && skipped < 0.5 * total, skipped + " of " + total + " layer visits skipped");
    }

    @Test
    void badRoutingOptionsAreRefusedWithTheAllowedRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> RoutingDesign.experts(4, 5, ExpertRouter.Kind.TOPK, 0f));
        assertTrue(e.getMessage().contains("1..4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoutingDesign.experts(4, 2, ExpertRouter.Kind.HASH, 0f));
        assertThrows(IllegalArgumentException.class, () -> RoutingDesign.experts(1, 1, ExpertRouter.Kind.TOPK, 0f));
        assertThrows(IllegalArgumentException.class, () -> RoutingDesign.randomRouting(1f));
        assertThrows(IllegalArgumentException.class, () -> new RoutingDesign(4, 1, ExpertRouter.Kind.TOPK, 0f, 0.2f));
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(11, 8, 0, 2, 2, 2, 6, true, false, 1e-5f, 1e4f,
                BlockDesign.LLAMA, RoutingDesign.experts(2, 1, ExpertRouter.Kind.TOPK, 0f), ContextTraining.FULL));
    }
}
