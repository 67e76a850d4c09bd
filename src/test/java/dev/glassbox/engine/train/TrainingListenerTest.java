package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/** The structured progress listener and the cooperative pause / resume / stop of {@link Trainer}, with exact step counts. */
class TrainingListenerTest {
    static final int STEPS = 12;
    static final int EVAL_EVERY = 4;

    private static TrainOptions options() {
        return new TrainOptions(new TaskData(SyntheticTask.COPY), 1, 2, 2, 16, 0, false, false, 16, 4, 3e-3f, STEPS, 2,
                7, 0.1f, 1f, EVAL_EVERY, 0, false, null, "test");
    }

    private static Trainer.Result uninterrupted() throws Exception {
        return new Trainer(options(), Parallel.SERIAL, line -> { }).run();
    }

    @Test
    void everyStepIsReportedWithItsLossScheduleAndValidation() throws Exception {
        List<TrainingProgress> seen = new ArrayList<>();
        List<String> log = new ArrayList<>();
        Trainer.Result r = new Trainer(options(), Parallel.SERIAL, log::add)
                .observe((p, m) -> seen.add(p), new TrainingControl()).run();
        assertEquals(STEPS, seen.size());
        LrSchedule schedule = new LrSchedule(3e-3f, 3e-4f, 2, STEPS);
        for (int i = 0; i < STEPS; i++) {
            TrainingProgress p = seen.get(i);
            assertEquals(i + 1, p.step());
            assertEquals(STEPS, p.steps());
            assertEquals(r.trainLosses().get(i), p.trainLoss(), 0.0, "step " + (i + 1));
            assertEquals(schedule.at(i), p.lr(), 0.0);
            assertEquals((i + 1) % EVAL_EVERY == 0, p.validationLoss().isPresent(), "validation at step " + (i + 1));
            assertTrue(p.gradNorm() > 0 && p.tokensPerSecond() > 0 && p.etaSeconds() >= 0);
        }
        assertEquals(0.0, seen.getLast().etaSeconds(), 0.0);
        assertEquals(r.valLoss(), seen.getLast().validationLoss().orElseThrow(), 0.0);
        // the CLI's progress line still comes out, one per evaluation
        assertEquals(STEPS / EVAL_EVERY, log.stream().filter(l -> l.startsWith("step ")).count());
    }

    private static double uninterruptedValidationAt(int step) throws Exception {
        List<TrainingProgress> seen = new ArrayList<>();
        new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> seen.add(p), new TrainingControl()).run();
        return seen.get(step - 1).validationLoss().orElseThrow();
    }

    @Test
    void stopDuringAStepEndsTheRunAfterThatStep() throws Exception {
        TrainingControl c = new TrainingControl();
        List<Integer> steps = new ArrayList<>();
        Trainer.Result r = new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> {
            steps.add(p.step());
            if (p.step() == 5) {
                c.stop();
            }
        }, c).run();
        assertEquals(List.of(1, 2, 3, 4, 5), steps);
        assertEquals(5, r.steps());
        assertEquals(uninterrupted().trainLosses().subList(0, 5), r.trainLosses());
        assertEquals(uninterruptedValidationAt(EVAL_EVERY), r.valLoss(), 0.0,
                "a stopped run reports the latest validation measured, without another pass after Stop");
    }

    @Test
    void pauseWaitsAfterTheStepAndResumeContinuesTheSameRun() throws Exception {
        TrainingControl c = new TrainingControl();
        List<Integer> steps = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Trainer.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> {
                    steps.add(p.step());
                    if (p.step() == 3) {
                        c.pause();
                    }
                    if (p.step() == 7) {
                        c.stop();
                    }
                }, c).run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitPaused(c);
        assertEquals(List.of(1, 2, 3), List.copyOf(steps), "nothing runs while paused");
        assertFalse(run.isDone());
        c.resume();
        Trainer.Result r = run.get(60, TimeUnit.SECONDS);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), steps);
        assertEquals(7, r.steps());
        assertEquals(uninterrupted().trainLosses().subList(0, 7), r.trainLosses(), "pausing does not change the arithmetic");
    }

    @Test
    void stopWhilePausedEndsTheRunWithoutAnotherStep() throws Exception {
        TrainingControl c = new TrainingControl();
        CompletableFuture<Trainer.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> {
                    if (p.step() == 2) {
                        c.pause();
                    }
                }, c).run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitPaused(c);
        c.stop();
        assertEquals(2, run.get(60, TimeUnit.SECONDS).steps());
    }

    @Test
    void actionsRunOnTheTrainingThreadBetweenStepsEvenWhilePaused() throws Exception {
        TrainingControl c = new TrainingControl();
        List<Integer> steps = java.util.Collections.synchronizedList(new ArrayList<>());
        String[] trainerThread = new String[1];
        CompletableFuture<Trainer.Result> run = CompletableFuture.supplyAsync(() -> {
            trainerThread[0] = Thread.currentThread().getName();
            try {
                return new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> {
                    steps.add(p.step());
                    if (p.step() == 4) {
                        c.pause();
                    }
                }, c).run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitPaused(c);
        CompletableFuture<String> action = new CompletableFuture<>();
        c.betweenSteps(() -> action.complete(Thread.currentThread().getName() + " after " + steps.size()));
        assertEquals(trainerThread[0] + " after 4", action.get(60, TimeUnit.SECONDS));
        assertTrue(c.paused(), "still paused after the action");
        c.resume();
        assertEquals(STEPS, run.get(60, TimeUnit.SECONDS).steps());
    }

    @Test
    void attentionProbeReadsTheCurrentModelsCausalRows() throws Exception {
        int[] probe = new TaskData(SyntheticTask.COPY).validation(1, 16).getFirst().inputs();
        float[][][][][] last = new float[1][][][][];
        Trainer.Result r = new Trainer(options(), Parallel.SERIAL, line -> { })
                .observe((p, m) -> last[0] = m.attention(probe), new TrainingControl()).run();
        float[][][][] att = last[0];
        assertEquals(1, att.length);
        assertEquals(2, att[0].length);
        assertEquals(16, att[0][0].length);
        float[][][][] again = AttentionProbe.read(r.model(), probe);
        for (int h = 0; h < 2; h++) {
            for (int q = 0; q < 16; q++) {
                assertEquals(q + 1, att[0][h][q].length);
                double sum = 0;
                for (int k = 0; k <= q; k++) {
                    sum += att[0][h][q][k];
                    assertEquals(again[0][h][q][k], att[0][h][q][k], 1e-6f);
                }
                assertEquals(1.0, sum, 1e-5, "softmax row " + q);
            }
        }
        assertEquals(r.trainLosses().size(), STEPS, "probing between steps does not disturb training");
        assertEquals(uninterrupted().trainLosses(), r.trainLosses());
    }

    @Test
    void balanceLossAndOrthogonalityAreReportedOnlyWhenTheRunHasThem() throws Exception {
        List<TrainingProgress> plain = new ArrayList<>();
        new Trainer(options(), Parallel.SERIAL, line -> { }).observe((p, m) -> plain.add(p), new TrainingControl()).run();
        assertTrue(plain.stream().allMatch(p -> p.balanceLoss().isEmpty() && p.orthogonality().isEmpty()));

        TrainOptions extras = options().withRouting(RoutingDesign.experts(4, 2, dev.glassbox.engine.model.ExpertRouter.Kind.TOPK, 0.01f))
                .withRegime(Regime.PLAIN.withOrthogonality(0.01));
        List<TrainingProgress> seen = new ArrayList<>();
        List<String> log = new ArrayList<>();
        new Trainer(extras, Parallel.SERIAL, log::add).observe((p, m) -> seen.add(p), new TrainingControl()).run();
        assertEquals(STEPS, seen.size());
        List<String> lines = log.stream().filter(l -> l.startsWith("step ")).toList();
        assertEquals(STEPS / EVAL_EVERY, lines.size());
        for (TrainingProgress p : seen) {
            assertTrue(p.balanceLoss().orElseThrow() > 0 && p.orthogonality().orElseThrow() > 0, "step " + p.step());
        }
        // on evaluation steps the structured values are the ones the CLI's progress line prints
        for (int i = 0; i < lines.size(); i++) {
            TrainingProgress p = seen.get((i + 1) * EVAL_EVERY - 1);
            String line = lines.get(i);
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, "  balance %.4f", p.balanceLoss().getAsDouble())), line);
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, "  orth %.4f", p.orthogonality().getAsDouble())), line);
        }
    }

    /** Polls the control until the trainer is parked (bounded, so a broken pause fails instead of hanging). */
    private static void awaitPaused(TrainingControl c) throws InterruptedException {
        for (int i = 0; i < 6000 && !c.paused(); i++) {
            Thread.sleep(10);
        }
        assertTrue(c.paused(), "the trainer did not park after pause()");
    }
}
