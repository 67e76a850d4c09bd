package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javafx.concurrent.Worker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.testing.TinyLlama2c;

class RunServiceTest {
    private static LoadedModel model;

    @BeforeAll
    static void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        Path dir = Files.createTempDirectory("glassbox-run");
        model = ModelLoader.load(TinyLlama2c.write(dir, 3), null);
    }

    /** Task state may only be read on the FX thread. */
    private static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    @Test
    void stepsArriveOffTheFxThreadAndCancelStopsBetweenTokens() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        AtomicInteger onFxThread = new AtomicInteger();
        RunTask[] task = new RunTask[1];
        int[] prompt = model.tokenizer().encode("the cat");
        Generation.Settings s = new Generation.Settings(40, 0f, 0.9f, 0, 42, false);
        java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
        task[0] = fx(() -> new RunService().start(new RunRequest(model, prompt, s), live -> {
            if (javafx.application.Platform.isFxApplicationThread()) {
                onFxThread.incrementAndGet();
            }
            try {
                assigned.await(); // a warm engine can reach step 6 before start() has returned the task
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (seen.incrementAndGet() == 6) {
                task[0].cancel(false);
            }
        }));
        assigned.countDown();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(() -> task[0].getState()) == Worker.State.CANCELLED);
        Thread.sleep(200); // let a wrongly continuing run show itself
        assertEquals(0, onFxThread.get(), "engine work never runs on the FX thread");
        assertTrue(seen.get() <= 7, "the run stopped within one token of the cancel, saw " + seen.get());
    }

    @Test
    void aFinishedRunHoldsEveryStepOfTheTrace() throws Exception {
        int[] prompt = model.tokenizer().encode("the mat");
        Generation.Settings s = new Generation.Settings(5, 0f, 0.9f, 0, 42, false);
        RunTask t = fx(() -> new RunService().start(new RunRequest(model, prompt, s), live -> { }));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(() -> t.getState()) == Worker.State.SUCCEEDED);
        RunOutcome out = fx(t::getValue);
        assertEquals(prompt.length + 5, out.tokens().length);
        assertEquals(out.tokens().length - 1, out.trace().length(), "one step per forwarded position");
        float[][][] p = out.trace().attentionPattern(1).orElseThrow();
        assertEquals(TinyLlama2c.HEADS, p.length);
        for (float[][] head : p) {
            for (int q = 0; q < head.length; q++) {
                float sum = 0;
                for (float v : head[q]) sum += v;
                assertEquals(1f, sum, 1e-4, "attention rows are distributions");
            }
        }
    }
}
