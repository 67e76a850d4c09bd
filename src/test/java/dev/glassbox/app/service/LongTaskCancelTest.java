package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.routing.LayerSkipScan;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Cancel stops the engine work of every long workspace task, not only the task's state: each task below is
 * cancelled at its first progress report, its work must end (a latch it counts down, waited generously) having
 * reported at most one more step, and the next request on the engine thread then runs to the end. Progress counts
 * are real (n of m, rising to m), and a task queued behind cancelled work says what it waits for.
 */
class LongTaskCancelTest {
    private static LoadedModel model;
    private static final String TEXT = "the cat sat on the mat the cat sat on the mat the cat sat on the mat the cat";

    @BeforeAll
    static void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        model = ModelLoader.load(TinyLlama2c.write(Files.createTempDirectory("glassbox-cancel"), 7), null);
    }

    private static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    /** A long task's engine work: it calls {@code step} at each unit it reports (head, token, layer, position). */
    @FunctionalInterface
    interface Job {
        Object run(AnalysisService.Progress p, Runnable step) throws Exception;
    }

    private static List<Job> jobs() {
        int[] ids = model.tokenizer().encode(TEXT);
        LlamaModel llama = (LlamaModel) model.model();
        return List.of(
                (p, step) -> HeadsAnalysis.analyse(model, HeadsAnalysis.inputTokens(model, TEXT), HeadSet.empty(),
                        progressCalling(p, step), partial -> { }),
                (p, step) -> ContextLab.run(llama, model.tokenizer(), ids,
                        List.of(ContextPolicy.parse("full", 64), ContextPolicy.parse("window:W=4", 64)),
                        new ContextLab.PasskeySettings(new int[0], 1), (stage, done, total) -> step.run(), p),
                (p, step) -> LayerSkipScan.run(model.decoder(), ids, 42L, 3, p, l -> step.run()),
                (p, step) -> TraceRun.run(new TraceRun.Request(model, TEXT, HookSelection.ALL,
                        new Generation.Settings(30, 0f, 0.9f, 0, 42, false)), s -> step.run(), p));
    }

    private static AnalysisService.Progress progressCalling(AnalysisService.Progress p, Runnable step) {
        return new AnalysisService.Progress() {
            @Override
            public void update(String message, double done, double total) {
                p.update(message, done, total);
                if (done > 0) step.run();
            }

            @Override
            public boolean cancelled() { return p.cancelled(); }
        };
    }

    @Test
    void cancelStopsTheEngineWorkOfEveryLongTaskAndTheNextRequestRuns() throws Exception {
        AnalysisService service = new AnalysisService();
        List<Job> jobs = jobs();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            String label = "job " + i;
            CountDownLatch ended = new CountDownLatch(1);
            AtomicInteger steps = new AtomicInteger();
            AtomicInteger stepsAtCancel = new AtomicInteger(-1);
            AtomicReference<Throwable> how = new AtomicReference<>();
            AtomicReference<Task<Object>> task = new AtomicReference<>();
            CountDownLatch assigned = new CountDownLatch(1);
            task.set(fx(() -> service.start(label, p -> {
                try {
                    assigned.await();
                    return job.run(p, () -> {
                        int n = steps.incrementAndGet();
                        if (n == 1) {
                            stepsAtCancel.set(n);
                            task.get().cancel(false); // Cancel pressed at the first report
                        }
                    });
                } catch (Throwable t) {
                    how.set(t);
                    throw t;
                } finally {
                    ended.countDown();
                }
            })));
            assigned.countDown();
            assertTrue(ended.await(60, TimeUnit.SECONDS), "job " + i + "'s engine work ended after the cancel");
            assertEquals(1, stepsAtCancel.get(), "job " + i + " reported progress");
            assertTrue(steps.get() <= stepsAtCancel.get() + 1, "job " + i + " stopped within a step of the cancel: "
                    + steps.get() + " steps");
            assertTrue(how.get() == null || how.get() instanceof CancellationException, "job " + i + ": " + how.get());
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> fx(() -> task.get().getState()) == Worker.State.CANCELLED);
            // the engine thread is free: the next request runs to its end
            Task<String> next = fx(() -> service.start("next", p -> "ran"));
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(next::getState) == Worker.State.SUCCEEDED);
            assertEquals("ran", fx(next::getValue));
        }
    }

    @Test
    void headsProgressCountsEveryHeadUpToTheTotal() throws Exception {
        List<double[]> counts = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger partials = new AtomicInteger();
        Task<HeadsAnalysis.Result> t = fx(() -> new AnalysisService().start("heads", p -> HeadsAnalysis.analyse(model,
                HeadsAnalysis.inputTokens(model, TEXT), HeadSet.empty(), new AnalysisService.Progress() {
                    @Override
                    public void update(String message, double done, double total) {
                        counts.add(new double[] {done, total});
                        messages.add(message);
                    }

                    @Override
                    public boolean cancelled() { return p.cancelled(); }
                }, partial -> partials.incrementAndGet())));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(t::getState) == Worker.State.SUCCEEDED);
        int heads = TinyLlama2c.LAYERS * TinyLlama2c.HEADS;
        String ablating = I18n.text("heads.ablatingHeads");
        List<double[]> ablation = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            if (messages.get(i).startsWith(ablating + ": ")) ablation.add(counts.get(i));
        }
        assertEquals(heads + 1, ablation.size(), "0, then each head");
        // the stages before it count too, each from 0 (weights, capture, scores, probe)
        assertEquals(4, counts.stream().filter(c -> c[0] == 0).count() - 1, messages.toString());
        assertTrue(messages.getFirst().startsWith(I18n.text("heads.stageWeights", heads) + ": 0 "), messages.getFirst());
        for (int n = 0; n <= heads; n++) {
            assertEquals(n, ablation.get(n)[0]);
            assertEquals(heads, ablation.get(n)[1]);
        }
        assertEquals(I18n.text("progress.count", I18n.text("heads.ablatingHeads"), 0, heads),
                messages.get(counts.indexOf(ablation.get(0))));
        assertTrue(messages.getLast().startsWith(I18n.text("heads.ablatingHeads") + ": " + heads + " "), messages.getLast());
        assertEquals(TinyLlama2c.LAYERS, partials.get(), "behaviour scores in, then each layer but the last");
    }

    @Test
    void aTaskQueuedBehindCancelledWorkSaysWhatItWaitsFor() throws Exception {
        AnalysisService service = new AnalysisService();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Object> slow = fx(() -> service.start("Slow work", p -> {
            running.countDown();
            release.await(30, TimeUnit.SECONDS); // work that has not reached its next cancel check yet
            return null;
        }));
        assertTrue(running.await(30, TimeUnit.SECONDS));
        Task<String> queued = fx(() -> service.start("queued", p -> "ran"));
        assertEquals(I18n.text("engine.waiting", "Slow work"), fx(queued::getMessage));
        fx(() -> slow.cancel(false));
        Task<String> second = fx(() -> service.start("second", p -> "ran"));
        assertEquals(I18n.text("engine.waitingStop", "Slow work"), fx(second::getMessage));
        release.countDown();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> fx(second::getState) == Worker.State.SUCCEEDED);
        assertEquals("ran", fx(queued::getValue));
    }
}
