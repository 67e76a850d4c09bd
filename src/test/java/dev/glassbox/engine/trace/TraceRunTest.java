package dev.glassbox.engine.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.StubEncoder;
import dev.glassbox.testing.TinyLlama;

class TraceRunTest {
    private static final HookSelection PATTERNS = HookSelection.of("blocks.*.attn.pattern");

    /** Collects what a Flow subscriber is given, requesting one step at a time. */
    static final class Collector implements Flow.Subscriber<TraceStep> {
        final List<TraceStep> steps = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private Flow.Subscription sub;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            sub = s;
            s.request(1);
        }

        @Override
        public void onNext(TraceStep item) {
            steps.add(item);
            sub.request(1);
        }

        @Override
        public void onError(Throwable t) { done.completeExceptionally(t); }

        @Override
        public void onComplete() { done.complete(null); }
    }

    /** Daemon threads, so a stuck delivery can never keep the test JVM alive. */
    private static ExecutorService daemons() {
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "trace-run-test");
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void promptOnlyTraceHasOneStepPerPromptTokenAndSquarePatterns() {
        LoadedModel m = TinyLlama.loaded(1);
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "abc", PATTERNS, Generation.Settings.greedy(0)),
                TraceListener.NONE, () -> false);
        assertArrayEquals(m.tokenizer().encode("abc"), r.tokens());
        assertEquals(4, r.trace().length());
        assertEquals(4, r.promptLength());
        float[][][] p = r.trace().attentionPattern(2).orElseThrow();
        assertEquals(m.config().heads(), p.length);
        assertEquals(4, p[0].length);
        assertEquals(4, p[0][0].length);
        for (float[][] head : p) {
            for (int q = 0; q < 4; q++) {
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += head[q][k];
                    if (k > q) assertEquals(0f, head[q][k]);
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
    }

    @Test
    void generatedTokensMatchAPlainGenerationAndAreTracedToo() {
        LoadedModel m = TinyLlama.loaded(2);
        int[] prompt = m.tokenizer().encode("hi");
        Generation.Settings s = new Generation.Settings(5, 0f, 1f, 0, 42, false);
        Generation.Result plain = Generation.run(m.decoder().newSession(dev.glassbox.engine.trace.Capture.none(3)),
                m.tokenizer(), prompt, s, TraceListener.NONE, Generation.TokenListener.NONE, () -> false);
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "hi", PATTERNS, s), TraceListener.NONE, () -> false);
        assertArrayEquals(plain.tokens(), r.tokens());
        assertEquals(prompt.length + 5, r.trace().length());
        for (int i = 0; i < r.trace().length(); i++) {
            TraceStep st = r.trace().steps().get(i);
            assertEquals(i, st.position());
            assertEquals(i >= prompt.length, st.generated());
            assertEquals(i + 1, st.get(HookName.of(HookPoint.ATTN_PATTERN, 0)).orElseThrow().dim(1));
        }
    }

    @Test
    void publisherDeliversEveryStepInOrderThenCompletes() throws Exception {
        LoadedModel m = TinyLlama.loaded(3);
        ExecutorService ex = daemons();
        ExecutorService views = daemons();
        try (TracePublisher pub = new TracePublisher(views, 2)) { // tiny buffer: exercises back-pressure
            Collector a = new Collector();
            Collector b = new Collector();
            pub.subscribe(a);
            pub.subscribe(b);
            TraceRun.Result r = TraceRun.start(new TraceRun.Request(m, "streaming", PATTERNS,
                    Generation.Settings.greedy(6)), pub, ex, () -> false).get(60, TimeUnit.SECONDS);
            a.done.get(60, TimeUnit.SECONDS);
            b.done.get(60, TimeUnit.SECONDS);
            assertEquals(r.trace().steps(), a.steps);
            assertEquals(r.trace().steps(), b.steps);
            for (int i = 0; i < a.steps.size(); i++) {
                assertSame(r.trace().steps().get(i), a.steps.get(i));
            }
            assertTrue(pub.isClosed());
        } finally {
            ex.shutdownNow();
            views.shutdownNow();
        }
    }

    @Test
    void publisherReportsARunErrorToSubscribers() throws Exception {
        LoadedModel m = TinyLlama.loaded(3);
        ExecutorService ex = daemons();
        ExecutorService views = daemons();
        try {
            TracePublisher pub = new TracePublisher(views, 4);
            Collector c = new Collector();
            pub.subscribe(c);
            TraceRun.start(new TraceRun.Request(m, "  ", PATTERNS, Generation.Settings.greedy(1)), pub, ex, () -> false);
            Throwable t = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> c.done.get(60, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(IllegalArgumentException.class, t);
            assertTrue(t.getMessage().contains("prompt is empty"), t.getMessage());
        } finally {
            ex.shutdownNow();
            views.shutdownNow();
        }
    }

    @Test
    void cancellingStopsTheRunAndKeepsWhatWasTraced() {
        LoadedModel m = TinyLlama.loaded(4);
        AtomicBoolean cancel = new AtomicBoolean();
        TraceRecorder seen = new TraceRecorder();
        TraceListener l = step -> {
            seen.onStep(step);
            if (step.position() == 2) cancel.set(true);
        };
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "abcdef", PATTERNS, Generation.Settings.greedy(10)),
                l, cancel::get);
        assertEquals(Generation.StopReason.CANCELLED, r.stop());
        assertEquals(3, r.trace().length());
        assertEquals(r.trace(), seen.trace());
    }

    @Test
    void emptyAndOverlongPromptsAreRefusedSayingNothingRan() {
        LoadedModel m = TinyLlama.loaded(5);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> TraceRun.run(
                new TraceRun.Request(m, "", PATTERNS, Generation.Settings.greedy(0)), TraceListener.NONE, () -> false));
        assertTrue(empty.getMessage().contains("prompt is empty"), empty.getMessage());
        String longText = "a".repeat(m.config().contextLength());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> TraceRun.run(
                new TraceRun.Request(m, longText, PATTERNS, Generation.Settings.greedy(0)), TraceListener.NONE, () -> false));
        assertTrue(tooLong.getMessage().contains((m.config().contextLength() + 1) + " tokens"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().contains("nothing was traced"), tooLong.getMessage());
    }

    @Test
    void generationStopsAtTheContextEdgeWithEveryPositionTraced() {
        LoadedModel m = TinyLlama.loaded(6);
        int ctx = m.config().contextLength();
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "abc", PATTERNS,
                new Generation.Settings(100, 0f, 1f, 0, 1, false)), TraceListener.NONE, () -> false);
        assertEquals(Generation.StopReason.CONTEXT_FULL, r.stop());
        assertEquals(ctx, r.trace().length());
        assertEquals(ctx, r.trace().attentionPattern(0).orElseThrow()[0][ctx - 1].length);
    }

    @Test
    void encoderRunsOnceAndYieldsFullPatterns() {
        LoadedModel m = new LoadedModel("stub", Path.of("stub.onnx"), "test", new StubEncoder(),
                new TinyLlama.CharTokenizer());
        AtomicReference<TraceStep> streamed = new AtomicReference<>();
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "abcd", HookSelection.of("blocks.1.attn.pattern"),
                Generation.Settings.greedy(0)), streamed::set, () -> false);
        assertEquals(1, r.trace().length());
        assertSame(r.trace().steps().getFirst(), streamed.get());
        assertArrayEquals(m.tokenizer().encode("abcd"), r.tokens());
        assertFalse(r.trace().attentionPattern(0).isPresent());
        float[][][] p = r.trace().attentionPattern(1).orElseThrow();
        assertEquals(3, p.length);
        assertEquals(5, p[0].length);
        assertEquals(StubEncoder.pattern(1, 2, 3, 3, 5), p[2][3][3]);
        assertEquals(StubEncoder.pattern(1, 2, 3, 4, 5), p[2][3][4]);
    }

    @Test
    void recorderSnapshotsAreImmutable() {
        TraceRecorder rec = new TraceRecorder();
        rec.onStep(new TraceStep(0, 1, false, java.util.Map.of()));
        Trace first = rec.trace();
        rec.onStep(new TraceStep(1, 2, false, java.util.Map.of()));
        assertEquals(1, first.length());
        assertEquals(2, rec.trace().length());
        assertThrows(UnsupportedOperationException.class, () -> first.steps().add(null));
    }

}
