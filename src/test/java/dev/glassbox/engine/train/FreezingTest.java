package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.tensor.Parallel;

/** Fine-tuning from --init with full, partial and progressive (ULMFiT) freezing. */
class FreezingTest {
    @TempDir
    static Path tmp;
    static Path base;
    static Map<String, float[]> before;

    private static TrainOptions options(int steps, Path out) {
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.REVERSE), 3, 2, 16, 24, 4, steps, 5);
        return new TrainOptions(o.data(), 3, 2, 2, 16, 0, false, false, 24, 4, o.lr(), steps, 1, 5, 0.1f, 1f, steps, 0,
                false, out, "test");
    }

    @BeforeAll
    static void trainBase() throws Exception {
        base = tmp.resolve("base");
        new Trainer(options(3, base), Parallel.SERIAL, line -> { }).run();
        before = values(Checkpoint.read(base, Parallel.SERIAL).model());
    }

    private static Map<String, float[]> values(TrainableLlama m) {
        Map<String, float[]> v = new LinkedHashMap<>();
        for (Param p : m.params()) {
            v.put(p.name(), p.value().clone());
        }
        return v;
    }

    private static TrainableLlama fineTune(Freezing f, int steps, Path out) throws Exception {
        TrainOptions o = options(steps, out).withRegime(Regime.PLAIN.withFreezing(f).withInit(base));
        return new Trainer(o, Parallel.SERIAL, line -> { }).run().model();
    }

    /** The groups whose parameters changed, asserting the others are bit-identical. */
    private static Set<String> changedGroups(TrainableLlama m) {
        Set<String> changed = new java.util.TreeSet<>();
        for (Param p : m.params()) {
            float[] old = before.get(p.name());
            if (!java.util.Arrays.equals(old, p.value())) {
                changed.add(Freezing.groupOf(p.name()));
            }
        }
        return changed;
    }

    @Test
    void fullFineTuningChangesEveryGroup() throws Exception {
        assertEquals(Set.of("0", "1", "2", "embeddings", "head"), changedGroups(fineTune(Freezing.NONE, 2, null)));
    }

    @Test
    void partiallyFrozenWeightsAreBitIdenticalAndTheirAdamStateUntouched() throws Exception {
        Path out = tmp.resolve("partial");
        TrainableLlama m = fineTune(Freezing.parse("0,embeddings"), 3, out);
        assertEquals(Set.of("1", "2", "head"), changedGroups(m));
        for (Param p : m.params()) {
            String g = Freezing.groupOf(p.name());
            if (g.equals("0") || g.equals("embeddings")) {
                assertArrayEquals(before.get(p.name()), p.value(), p.name());
            }
        }
        AdamW opt = AdamW.standard(m.params());
        Checkpoint.readOptimizer(out, opt);
        List<Param> ps = m.params();
        for (int i = 0; i < ps.size(); i++) {
            String g = Freezing.groupOf(ps.get(i).name());
            boolean frozen = g.equals("0") || g.equals("embeddings");
            boolean zero = allZero(opt.firstMoments()[i]) && allZero(opt.secondMoments()[i]);
            assertEquals(frozen, zero, ps.get(i).name() + " moments");
        }
    }

    private static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0f) return false;
        }
        return true;
    }

    @Test
    void progressiveUnfreezingOpensOneGroupEveryKStepsFromTheTop() throws Exception {
        Freezing f = Freezing.parse("progressive:2");
        assertEquals(Set.of("head"), changedGroups(fineTune(f, 2, null)));
        assertEquals(Set.of("head", "2"), changedGroups(fineTune(f, 4, null)));
        assertEquals(Set.of("head", "2", "1", "0"), changedGroups(fineTune(f, 8, null)));
        assertEquals(Set.of("head", "2", "1", "0", "embeddings"), changedGroups(fineTune(f, 9, null)));
    }

    @Test
    void badFreezeSpecsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Freezing.parse("0,top"));
        assertTrue(e.getMessage().contains("'top' is not a block index"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Freezing.parse("progressive:0"));
        assertTrue(e.getMessage().contains("'progressive:0': K must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fineTune(Freezing.parse("7"), 1, null));
        assertTrue(e.getMessage().contains("layer 7 outside the model's layers 0..2"), e.getMessage());
        assertFalse(Freezing.parse("none") instanceof Freezing.Partial);
    }
}
