package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.tensor.Parallel;

/** Encoder-decoder training is a pure function of the seed, whatever the thread count, and resumes exactly. */
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

    @Test
    void anInterruptedRunResumedFromItsCheckpointEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Seq2SeqData data = new Seq2SeqData(SyntheticTask.REVERSE);
        Seq2SeqOptions o = new Seq2SeqOptions(data, Seq2SeqOptions.shape(data, 16, 0, 1, 1, 2), 8, 3e-3f, 8, -1, 3,
                0.1f, 1f, 4, 8, null, "test");
        Seq2SeqTrainer.Result whole = new Seq2SeqTrainer(o, Parallel.SERIAL, line -> { }).run();

        Seq2SeqOptions saved = o.withOut(dir.resolve("ckpt")).withResume(true, 0);
        Seq2SeqTrainer.Result first = new Seq2SeqTrainer(saved, Parallel.SERIAL, line -> { }).run(3, () -> false);
        assertEquals(3, first.steps());
        assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve(Checkpoint.OPTIMIZER_FILE)), "optimizer state saved");
        List<String> log = new ArrayList<>();
        Seq2SeqTrainer.Result rest = new Seq2SeqTrainer(saved, Parallel.SERIAL, log::add).run();
        assertTrue(log.contains("resuming " + dir.resolve("ckpt") + " at step 3"), log.toString());
        assertEquals(8, rest.steps());
        List<Double> joined = new ArrayList<>(first.trainLosses());
        joined.addAll(rest.trainLosses());
        assertEquals(whole.trainLosses(), joined, "losses of the resumed run continue the uninterrupted run's exactly");
        for (int i = 0; i < whole.model().params().size(); i++) {
            assertArrayEquals(whole.model().params().get(i).value(), rest.model().params().get(i).value(),
                    whole.model().params().get(i).name());
        }
    }

    @Test
    void resumingRefusesACheckpointOfAnotherShape(@TempDir Path dir) throws Exception {
        Seq2SeqData data = new Seq2SeqData(SyntheticTask.REVERSE);
        Seq2SeqOptions small = new Seq2SeqOptions(data, Seq2SeqOptions.shape(data, 16, 0, 1, 1, 2), 4, 3e-3f, 2, -1, 3,
                0.1f, 1f, 1, 8, dir, "test");
        new Seq2SeqTrainer(small, Parallel.SERIAL, line -> { }).run();
        Seq2SeqOptions wider = new Seq2SeqOptions(data, Seq2SeqOptions.shape(data, 32, 0, 1, 1, 2), 4, 3e-3f, 4, -1, 3,
                0.1f, 1f, 1, 8, dir, "test").withResume(true, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Seq2SeqTrainer(wider, Parallel.SERIAL, line -> { }).run());
        assertTrue(e.getMessage().contains("differs from the requested"), e.getMessage());
    }
}
