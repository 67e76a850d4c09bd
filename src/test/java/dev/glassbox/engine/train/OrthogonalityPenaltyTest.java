package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.analysis.heads.HeadSlices;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.analysis.heads.WeightKind;
import dev.glassbox.engine.analysis.heads.WeightOrthogonality;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.tensor.Parallel;

/** The ROOTS orthogonality penalty: exact gradient, the same value the head analysis measures, and its effect. */
class OrthogonalityPenaltyTest {

    /** Grouped queries (4 heads, 2 kv heads) so K/V count distinct kv heads, and W_O's column blocks are exercised. */
    private static TrainableLlama randomModel() {
        ModelShape s = new ModelShape(7, 16, 8, 2, 4, 2, 4, false, false, 1e-5f, 10000f);
        TrainableLlama m = new TrainableLlama(s, Parallel.SERIAL);
        Random r = new Random(31);
        for (Param p : m.params()) {
            float[] w = p.value();
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (r.nextGaussian() * 0.5);
            }
        }
        return m;
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        TrainableLlama m = randomModel();
        m.zeroGrad();
        double lambda = 0.3;
        double reported = OrthogonalityPenalty.addGradient(m, lambda);
        assertEquals(lambda * OrthogonalityPenalty.value(m), reported, 1e-9 * Math.abs(reported));
        for (Param p : m.params()) {
            double[] numeric = GradCheck.numeric(p.value(), () -> lambda * OrthogonalityPenalty.value(m));
            double err = GradCheck.relativeError(p.grad(), numeric);
            boolean attention = p.name().contains("self_attn");
            if (attention) {
                assertTrue(err < GradCheck.TOLERANCE, p.name() + ": relative error " + err);
            } else {
                for (float g : p.grad()) {
                    assertEquals(0f, g, p.name() + " is not penalised");
                }
            }
        }
    }

    @Test
    void equalsTheHeadAnalysisPenaltyOnTheSavedModel(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("m");
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.COPY), 2, 4, 16, 16, 2, 3, 5).withOut(out);
        o = new TrainOptions(o.data(), 2, 4, 2, 16, 0, false, true, 16, 2, o.lr(), 3, -1, 5, 0.1f, 1f, 3, 0, false,
                out, "test");
        TrainableLlama trained = new Trainer(o, Parallel.SERIAL, line -> { }).run().model();
        LlamaModel engine = (LlamaModel) ModelLoader.load(out, null).model();
        double analysis = 0;
        for (int l = 0; l < 2; l++) {
            HeadSlices s = HeadSlices.of(engine, l);
            for (WeightKind k : List.of(WeightKind.Q, WeightKind.K, WeightKind.V, WeightKind.O)) {
                analysis += WeightOrthogonality.penalty(s, k);
            }
        }
        double mine = OrthogonalityPenalty.value(trained);
        assertEquals(analysis, mine, 1e-6 * analysis);
    }

    /** Mean over layers, kinds Q, K, V, O and head pairs i != j of the subspace similarity ||U_i^T U_j||^2 / d. */
    private static double meanHeadSimilarity(Path dir) throws Exception {
        LlamaModel engine = (LlamaModel) ModelLoader.load(dir, null).model();
        List<Double> v = new ArrayList<>();
        for (int l = 0; l < engine.config().layers(); l++) {
            WeightOrthogonality.LayerSubspaces s = WeightOrthogonality.LayerSubspaces.of(HeadSlices.of(engine, l));
            for (WeightKind k : List.of(WeightKind.Q, WeightKind.K, WeightKind.V, WeightKind.O)) {
                HeadTable t = WeightOrthogonality.similarity(s, s, k);
                for (int i = 0; i < t.rows(); i++) {
                    for (int j = 0; j < t.columns(); j++) {
                        if (i != j) v.add(t.get(i, j));
                    }
                }
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void trainingWithThePenaltyMakesHeadsLessSimilar(@TempDir Path tmp) throws Exception {
        double[] sim = new double[2];
        double[] lambdas = {0, LAMBDA};
        for (int i = 0; i < 2; i++) {
            Path out = tmp.resolve("l" + i);
            TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.STORIES), 2, 4, 32, 32, 4, STEPS, 9).withOut(out)
                    .withRegime(Regime.PLAIN.withOrthogonality(lambdas[i]));
            new Trainer(o, Parallel.SERIAL, line -> { }).run();
            sim[i] = meanHeadSimilarity(out);
        }
        System.out.printf("head similarity lambda 0: %.4f, lambda %s: %.4f%n", sim[0], LAMBDA, sim[1]);
        assertTrue(sim[1] < 0.8 * sim[0], "lambda " + LAMBDA + ": " + sim[1] + " vs lambda 0: " + sim[0]);
    }

    private static final double LAMBDA = 1;
    private static final int STEPS = 60;

    @Test
    void negativeLambdaIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regime.PLAIN.withOrthogonality(-1));
        assertTrue(e.getMessage().contains("--orthogonality must be a finite number >= 0"), e.getMessage());
    }
}
