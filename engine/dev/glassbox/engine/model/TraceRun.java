package dev.glassbox.engine.model;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.trace.TracePublisher;
import dev.glassbox.engine.trace.TraceRecorder;
import dev.glassbox.engine.trace.TraceStep;


/**
 * Runs a model on a prompt while capturing hooks, streaming each {@link TraceStep} to a listener and
 * recording the whole {@link Trace}. A decoder forwards every prompt token and every generated token (one
 * step per position, so a pattern assembles to [heads, T, T]); an encoder runs once and yields one step
 * whose patterns are already [heads, T, T].
 */
public final class TraceRun {

    /**
     * @param storePatterns keep a decoder's patterns in an {@link dev.glassbox.engine.trace.AttentionStore} (memory
     *                      linear in the positions; {@link Trace#attentionPattern} reads them) rather than as rows in
     *                      every step
     */
    public record Request(LoadedModel model, String prompt, HookSelection hooks, Generation.Settings settings,
                          boolean storePatterns) {
        public Request {
            if (model == null || prompt == null || hooks == null || settings == null) {
                throw new IllegalArgumentException("a trace request needs a model, a prompt, hooks and settings");
            }
        }

        /** A request whose steps keep the pattern rows. */
        public Request(LoadedModel model, String prompt, HookSelection hooks, Generation.Settings settings) {
            this(model, prompt, hooks, settings, false);
        }

        /** This request with the patterns kept in a store. */
        public Request storingPatterns() {
            return new Request(model, prompt, hooks, settings, true);
        }
    }

    /**
     * @param tokens the ids of the traced positions (prompt then generated) in position order
     * @param promptLength how many of {@code tokens} came from the prompt
     */
    public record Result(Trace trace, int[] tokens, int promptLength, Generation.StopReason stop) {
        public Result {
            tokens = tokens.clone();
        }

        @Override
        public int[] tokens() { return tokens.clone(); }
    }

    private TraceRun() {
    }

    /** Runs on the calling thread; {@code listener} sees each step as soon as it is captured. */
    public static Result run(Request request, TraceListener listener, BooleanSupplier cancelled) {
        LoadedModel m = request.model();
        if (m.tokenizer() == null) {
            throw new IllegalArgumentException(m.name() + " has no tokenizer; a trace needs one to turn the prompt into tokens");
        }
        if (request.prompt().isBlank()) {
            throw new IllegalArgumentException("the prompt is empty: there is nothing to trace, so no run was started;"
                    + " give the text whose internals you want to see");
        }
        int[] ids = m.tokenizer().encode(request.prompt());
        int capacity = m.config().contextLength();
        if (ids.length > capacity) {
            throw new IllegalArgumentException("the prompt is " + ids.length + " tokens but " + m.name()
                    + "'s context holds " + capacity + " positions; nothing was traced, shorten the prompt");
        }
        TraceRecorder recorder = new TraceRecorder();
        TraceListener both = step -> {
            recorder.onStep(step);
            listener.onStep(step);
        };
        return switch (m.model()) {
            case DecoderModel d -> runDecoder(d, ids, request, both, recorder, cancelled);
            case EncoderModel e -> runEncoder(e, ids, request, both, recorder, cancelled);
            case Seq2SeqModel s -> throw new IllegalArgumentException(m.name() + " is an encoder-decoder: 'generate' decodes it and"
                    + " the explorer shows its encoder, decoder and cross-attention maps");
        };
    }

    /**
     * Runs on {@code executor}, publishing steps to {@code publisher} (subscribe before calling) and closing
     * it when the run ends: normally, or with the run's error.
     */
    public static CompletableFuture<Result> start(Request request, TracePublisher publisher, Executor executor,
                                                  BooleanSupplier cancelled) {
        return CompletableFuture.supplyAsync(() -> run(request, publisher, cancelled), executor)
                .whenComplete((result, error) -> {
                    if (error != null) {
                        publisher.fail(error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                                ? c.getCause() : error);
                    } else {
                        publisher.close();
                    }
                });
    }

    private static Result runDecoder(DecoderModel model, int[] prompt, Request r, TraceListener listener,
                                     TraceRecorder recorder, BooleanSupplier cancelled) {
        int layers = model.config().layers();
        Capture capture = new Capture(r.hooks(), layers);
        if (r.storePatterns()) capture.storingPatterns();
        DecoderSession session = model.newSession(capture);
        recorder.attention(capture.attention().orElse(null));
        Generation.Result g = Generation.run(session, r.model().tokenizer(), prompt, r.settings(), listener,
                Generation.TokenListener.NONE, cancelled);
        int[] tokens = g.tokens();
        // Generation forwards every token but the last (it only needs that one's successor when it samples);
        // a trace wants the internals at the last position too.
        int last = tokens.length - 1;
        Generation.StopReason stop = g.stop();
        if (stop != Generation.StopReason.CANCELLED && stop != Generation.StopReason.CONTEXT_FULL
                && last < session.capacity()) {
            session.forward(tokens[last], last);
            listener.onStep(new TraceStep(last, tokens[last], last >= g.promptLength(), session.drainCaptured()));
        }
        Trace trace = recorder.trace();
        return new Result(trace, trace.tokens(), Math.min(g.promptLength(), trace.length()), stop);
    }

    private static Result runEncoder(EncoderModel model, int[] ids, Request r, TraceListener listener,
                                     TraceRecorder recorder, BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            return new Result(recorder.trace(), new int[0], 0, Generation.StopReason.CANCELLED);
        }
        Capture capture = new Capture(r.hooks(), model.config().layers());
        model.encode(ids, null, capture);
        Map<HookName, Captured> captured = capture.drain();
        // one step covers all positions; it is labelled with the first token
        listener.onStep(new TraceStep(0, ids[0], false, captured));
        return new Result(recorder.trace(), ids, ids.length, Generation.StopReason.STEPS);
    }
}
