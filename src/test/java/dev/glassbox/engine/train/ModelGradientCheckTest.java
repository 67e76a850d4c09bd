package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/** The whole model's loss gradient against central finite differences for every parameter of a tiny config. */
class ModelGradientCheckTest {

    private static ModelShape shape(String variant) {
        return switch (variant) {
            case "untied-gqa" -> new ModelShape(11, 8, 12, 2, 2, 1, 6, false, false, 1e-5f, 10000f);
            case "tied" -> new ModelShape(11, 8, 12, 2, 2, 2, 6, false, true, 1e-5f, 10000f);
            case "attention-only" -> new ModelShape(11, 8, 0, 2, 2, 2, 6, true, false, 1e-5f, 10000f);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"untied-gqa", "tied", "attention-only"})
    void everyParameterGradientMatchesFiniteDifferences(String variant) {
        GradCheck.everyParameter(shape(variant),
                (p, analytic, numeric) -> GradCheck.assertClose(variant + " " + p.name(), analytic, numeric));
    }

    @Test
    void sameSeedGivesIdenticalLossesAndThreadCountDoesNotMatter() throws Exception {
        TaskData data = new TaskData(SyntheticTask.SORT);
        TrainOptions o = TrainOptions.of(data, 2, 2, 16, 24, 4, 12, 7);
        List<Double> a;
        List<Double> b;
        List<Double> c;
        try (Parallel two = new Parallel(2)) {
            a = new Trainer(o, two, line -> { }).run().trainLosses();
            b = new Trainer(o, two, line -> { }).run().trainLosses();
        }
        c = new Trainer(o, Parallel.SERIAL, line -> { }).run().trainLosses();
        assertEquals(a, b);
        assertEquals(a, c);
        List<Double> other = new Trainer(TrainOptions.of(data, 2, 2, 16, 24, 4, 12, 8), Parallel.SERIAL, line -> { })
                .run().trainLosses();
        assertTrue(!a.equals(other), "a different seed gives different losses");
    }
}
