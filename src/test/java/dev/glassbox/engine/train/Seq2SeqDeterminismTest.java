package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/** Encoder-decoder training is a pure function of the seed, whatever the thread count. */
class Seq2SeqDeterminismTest {

    private static List<Double> losses(long seed, Parallel par) throws Exception {
        Seq2SeqData data = new Seq2SeqData(SyntheticTask.SORT);
        Seq2SeqOptions o = new Seq2SeqOptions(data, Seq2SeqOptions.shape(data, 16, 0, 1, 1, 2), 8, 3e-3f, 8, -1, seed,
                0.1f, 1f, 4, 8, null, "test");
        return new Seq2SeqTrainer(o, par, line -> { }).run().trainLosses();
    }

    @Test
    void sameSeedGivesIdenticalLossesOnOneOrTwoThreads() throws Exception {
        List<Double> a;
        try (Parallel two = new Parallel(2)) {
            a = losses(5, two);
        }
        assertEquals(a, losses(5, Parallel.SERIAL));
        assertNotEquals(a, losses(6, Parallel.SERIAL), "another seed, other losses");
    }
}
