package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Stop inside a training step (issue #23): the trainer asks Stop between the layers of its forward and backward
 * passes, so a Stop at any of those points ends the run without finishing the step, and the dropped step leaves no
 * trace: weights equal those after the last whole step, and the next run trains as usual.
 */
class TrainingCancelTest {
    static final int STEPS = 6;
    static final int WHOLE = 2;

    private static TrainOptions options() {
        return new TrainOptions(new TaskData(SyntheticTask.COPY), 2, 2, 2, 16, 0, false, false, 16, 4, 3e-3f, STEPS, 2,
                7, 0.1f, 1f, 2, 0, false, null, "test");
    }

    /** One layer; at dim 32 (32 x 128, 128 rows) its larger matrix products ask Stop inside, per tile of rows. */
    private static TrainOptions wide(int dim) {
        return new TrainOptions(new TaskData(SyntheticTask.COPY), 1, 2, 2, dim, 4 * dim, false, false, 32, 4,
                3e-3f, STEPS, 2, 7, 0.1f, 1f, 2, 0, false, null, "test");
    }

    /** How many times the model asks Stop inside one step (counted on the first step of a plain run). */
    private static int checksPerStep() throws Exception {
        return checksPerStep(options(), Parallel.SERIAL);
    }

    private static int checksPerStep(TrainOptions options, Parallel par) throws Exception {
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger step = new AtomicInteger();
        new Trainer(options, par, line -> { }).wrapStepCheck(c -> () -> {
            if (step.get() == 0) checks.incrementAndGet();
            return c.getAsBoolean();
        }).observe((p, m) -> step.set(p.step()), new TrainingControl()).run(1);
        return checks.get();
    }

    @Test
    void stopAtEveryPointOfAStepDropsThatStepAndKeepsTheLastWholeStepsWeights() throws Exception {
        int checks = checksPerStep();
        assertTrue(checks >= 2 * 2 * 2 + 2, "both passes ask Stop in each half of each layer, got " + checks);
        stopAtEach(options(), Parallel.SERIAL, checks, 1);
    }

    @Test
    void largeMatrixProductsAskStopInsideAndAStopThereStillDropsTheStep() throws Exception {
        int between = checksPerStep(wide(16), Parallel.SERIAL); // same layers, products too small to ask inside
        int checks = checksPerStep(wide(32), Parallel.SERIAL);
        assertTrue(checks >= between + 10, "the products ask Stop per tile of rows: " + checks + " checks a step against "
                + between + " between layers and products");
        stopAtEach(wide(32), Parallel.SERIAL, checks, checks / 4); // four or five points, most of them inside a product
    }

    @Test
    void stopWhileTheWeightsAreDrawnEndsBeforeTheNextParameterWithNoStep() throws Exception {
        // drawing a stories110M-shaped model takes seconds (CancelLatencyBenchmark): Stop is asked before each parameter
        TrainableLlama m = new TrainableLlama(options().shape(), Parallel.SERIAL);
        AtomicInteger checks = new AtomicInteger();
        assertTrue(m.initialise(7, () -> {
            checks.incrementAndGet();
            return false;
        }));
        assertEquals(m.params().size(), checks.get(), "one check per parameter");
        AtomicInteger asked = new AtomicInteger();
        assertFalse(new TrainableLlama(options().shape(), Parallel.SERIAL).initialise(7, () -> asked.incrementAndGet() >= 3));
        assertEquals(3, asked.get(), "stopped at the first check after the Stop");

        TrainingControl control = new TrainingControl();
        control.stop(); // Stop pressed while the trainer prepares
        AtomicInteger steps = new AtomicInteger();
        Trainer.Result r = new Trainer(options(), Parallel.SERIAL, line -> { })
                .observe((p, model) -> steps.incrementAndGet(), control).run();
        assertEquals(0, r.steps());
        assertEquals(0, steps.get(), "no step ran");
    }

    @Test
    void stopWhileTheWeightsAreAllocatedEndsBeforeTheNextArrayAndTheRunHasNoModel() throws Exception {
        // allocating a stories110M-shaped model's weights and gradients took ~230 ms with no check (CancelLatencyBenchmark)
        AtomicInteger checks = new AtomicInteger();
        TrainableLlama m = new TrainableLlama(options().shape(), Parallel.SERIAL, () -> {
            checks.incrementAndGet();
            return false;
        });
        assertEquals(2 * m.params().size(), checks.get(), "one check before each weight and each gradient array");
        AtomicInteger asked = new AtomicInteger();
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                () -> new TrainableLlama(options().shape(), Parallel.SERIAL, () -> asked.incrementAndGet() >= 3));
        assertEquals(3, asked.get(), "stopped at the first check after the Stop");

        TrainingControl control = new TrainingControl();
        control.stop(); // Stop pressed before the trainer allocates
        Trainer.Result r = new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, model) -> { }, control).run();
        assertEquals(0, r.steps());
        assertEquals(null, r.model(), "no weights were allocated");
        // the next run trains as usual
        assertEquals(WHOLE, new Trainer(options(), Parallel.SERIAL, line -> { }).run(WHOLE).steps());
    }

    /** Stops step WHOLE + 1 at check 1, 1 + every, ... of {@code checks}; each run must equal WHOLE whole steps. */
    private static void stopAtEach(TrainOptions options, Parallel par, int checks, int every) throws Exception {
        Trainer.Result whole = new Trainer(options, par, line -> { }).run(WHOLE);
        for (int at = 1; at <= checks; at += every) {
            TrainingControl control = new TrainingControl();
            AtomicInteger stepsDone = new AtomicInteger();
            AtomicInteger asked = new AtomicInteger();
            int stopAt = at;
            CountDownLatch ended = new CountDownLatch(1);
            CompletableFuture<Trainer.Result> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Trainer(options, par, line -> { }).wrapStepCheck(c -> () -> {
                        if (stepsDone.get() == WHOLE && asked.incrementAndGet() == stopAt) {
                            control.stop(); // Stop pressed at this point of step WHOLE + 1
                        }
                        return c.getAsBoolean();
                    }).observe((p, m) -> stepsDone.set(p.step()), control).run();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                } finally {
                    ended.countDown();
                }
            });
            assertTrue(ended.await(60, TimeUnit.SECONDS), "the trainer ends after Stop at check " + at);
            Trainer.Result r = run.get();
            assertEquals(WHOLE, r.steps(), "Stop at check " + at + " of " + checks);
            assertEquals(whole.trainLosses(), r.trainLosses());
            assertEquals(whole.trainLoss(), r.trainLoss(), 0.0, "the dropped step's loss is not reported");
            assertEquals(whole.valLoss(), r.valLoss(), 0.0, "the validation of the last whole step, no pass after Stop");
            List<Param> expected = whole.model().params();
            List<Param> actual = r.model().params();
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).value(), actual.get(i).value(),
                        expected.get(i).name() + " after Stop at check " + at);
            }
        }
        Trainer.Result next = new Trainer(options, par, line -> { }).observe((p, m) -> { }, new TrainingControl()).run();
        assertEquals(STEPS, next.steps(), "the next run trains to the end");
    }
}
