package dev.glassbox.engine.model;

import java.util.Map;

import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;

/** One sequence being decoded: a key/value cache and scratch buffers. Not thread-safe. */
public interface DecoderSession {

    /**
     * Forwards {@code token} at {@code position} (positions must come in order 0, 1, 2, ...) and returns
     * the next-token logits. The returned array is reused by the next call.
     */
    float[] forward(int token, int position);

    /** Forwards all {@code tokens} starting at {@code startPosition}; returns the logits after the last. */
    default float[] prefill(int[] tokens, int startPosition) {
        return prefill(tokens, startPosition, StepSink.NONE);
    }

    /**
     * {@link #prefill(int[], int)} handing each position's captured hooks to {@code steps}, in position order: the
     * same tensors, names and shapes as {@link #forward} then {@link #drainCaptured} give, position by position.
     * A session may batch positions, so a step arrives when the block holding it is done.
     */
    default float[] prefill(int[] tokens, int startPosition, StepSink steps) {
        return forwardEach(tokens, startPosition, steps, null, null);
    }

    /**
     * {@link #prefill(int[], int, StepSink)} that throws {@link java.util.concurrent.CancellationException} once
     * {@code cancelled} turns true: a session that batches checks it inside a block too (before each layer), so a
     * Cancel costs at most one layer of the block (a whole block of stories110M is 0.1-0.2 s of two cores). A
     * cancelled session is not used again.
     */
    default float[] prefillCancellable(int[] tokens, int startPosition, StepSink steps, java.util.function.BooleanSupplier cancelled) {
        return prefill(tokens, startPosition, steps);
    }

    /**
     * {@link #prefill(int[], int, StepSink)} that also hands every position's logits to {@code logits}, each before
     * that position's step (for a loss over the whole text at prefill speed), and stops as
     * {@link #prefillCancellable} does once {@code cancelled} (may be null: never) turns true.
     */
    default void prefill(int[] tokens, int startPosition, StepSink steps, LogitsSink logits,
                         java.util.function.BooleanSupplier cancelled) {
        forwardEach(tokens, startPosition, steps, java.util.Objects.requireNonNull(logits, "logits"), cancelled);
    }

    /**
     * The token-by-token prefill: each position forwarded, its logits to {@code every} (when not null), then its
     * step; {@code cancelled} (when not null) asked before each position.
     */
    private float[] forwardEach(int[] tokens, int startPosition, StepSink steps, LogitsSink every,
                                java.util.function.BooleanSupplier cancelled) {
        float[] logits = null;
        for (int i = 0; i < tokens.length; i++) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("cancelled at position " + (startPosition + i));
            }
            logits = forward(tokens[i], startPosition + i);
            if (every != null) every.after(startPosition + i, logits);
            steps.forwarded(startPosition + i, tokens[i], drainCaptured());
        }
        return logits;
    }

    /** Receives the next-token logits after each prefilled position, in order (the array is reused afterwards). */
    @FunctionalInterface
    interface LogitsSink {
        void after(int position, float[] logits);
    }

    /**
     * Positions {@link #prefill} computes together (1: token by token). A caller that checks Cancel between prefill
     * calls hands over this many at a time, so a Cancel costs at most one block of work.
     */
    default int prefillBlock() {
        return 1;
    }

    /** Receives the captured step of each prefilled position (every position, an empty map when nothing is captured). */
    @FunctionalInterface
    interface StepSink {
        StepSink NONE = (position, token, captured) -> { };

        void forwarded(int position, int token, Map<HookName, Captured> captured);
    }

    /** What the last forward captured (empty when nothing was selected); ownership passes to the caller. */
    Map<HookName, Captured> drainCaptured();

    /** Maximum positions this session's cache holds. */
    int capacity();
}
