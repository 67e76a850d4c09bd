package dev.glassbox.engine.model;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Finite;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.trace.TraceStep;

/**
 * Runs a decoder over a prompt and generates, as llama2.c's run.c does: position 0 forwards the first
 * prompt token (BOS), prompt tokens are forced while any remain, then the sampler picks. Each forward
 * becomes one {@link TraceStep} for the listener.
 */
public final class Generation {

    public record Settings(int newTokens, float temperature, float topP, int topK, long seed, boolean stopAtEos) {
        public Settings {
            if (newTokens < 0) {
                throw new IllegalArgumentException("number of new tokens must be >= 0, got " + newTokens);
            }
        }

        public static Settings greedy(int newTokens) {
            return new Settings(newTokens, 0f, 1f, 0, 42, true);
        }
    }

    public enum StopReason { STEPS, END_OF_SEQUENCE, CONTEXT_FULL, CANCELLED }

    /** @param tokens prompt ids followed by generated ids */
    public record Result(int[] tokens, int promptLength, StopReason stop, double tokensPerSecond) {
        public int[] generated() {
            return Arrays.copyOfRange(tokens, promptLength, tokens.length);
        }
    }

    /** Called with each new token as soon as it is chosen (previous token, new token). */
    @FunctionalInterface
    public interface TokenListener {
        TokenListener NONE = (prev, token) -> { };

        void onToken(int previous, int token);
    }

    private Generation() {
    }

    public static Result run(DecoderSession session, Tokenizer tokenizer, int[] prompt, Settings s,
                             TraceListener trace, TokenListener tokens, BooleanSupplier cancelled) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens (a decoder needs at least BOS)");
        }
        int capacity = session.capacity();
        if (prompt.length > capacity) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens but the context holds "
                    + capacity + "; shorten it or use a context method that extends the window");
        }
        Sampler sampler = null;
        long total = (long) prompt.length + s.newTokens(); // long: --steps may be as large as int allows
        int[] out = Arrays.copyOf(prompt, (int) Math.min(total, capacity + 1L));
        StopReason stop = StopReason.STEPS;
        // the prompt positions whose successor is forced run as one batched prefill, one block per call (so a cancel
        // is seen before each block, and a batching session sees it before each layer of the block: at most one layer
        // of work after it); the last prompt token, whose logits are sampled, runs in the loop below
        int forced = (int) Math.min(prompt.length - 1L, total - 1);
        // steps handed to the listener; a cancel is checked before each, as the token loop below checks it before
        // each forward (the rest of a block already computed is dropped)
        int[] delivered = {0};
        boolean[] stopped = {false};
        DecoderSession.StepSink sink = (p, t, captured) -> {
            if (stopped[0] || (stopped[0] = cancelled.getAsBoolean())) return;
            trace.onStep(new TraceStep(p, t, false, captured));
            delivered[0]++;
        };
        while (delivered[0] < forced && !stopped[0]) {
            int from = delivered[0];
            if (cancelled.getAsBoolean()) break;
            int n = Math.min(Math.max(1, session.prefillBlock()), forced - from);
            try {
                session.prefillCancellable(Arrays.copyOfRange(prompt, from, from + n), from, sink, cancelled);
            } catch (Finite.NonFiniteException e) {
                throw e.at(from);
            } catch (java.util.concurrent.CancellationException e) {
                break; // inside the block: the positions before it stand
            }
            if (delivered[0] != from + n && !stopped[0]) {
                throw new IllegalStateException("the session's prefill handed over " + (delivered[0] - from)
                        + " of " + n + " positions"); // a broken session, not a loop that never ends
            }
        }
        int pos = delivered[0];
        if (pos < forced) {
            return new Result(Arrays.copyOf(out, pos + 1), prompt.length, StopReason.CANCELLED, 0);
        }
        int token = prompt[pos];
        long start = 0;
        int timed = 0;
        while (pos < total - 1) {
            if (cancelled.getAsBoolean()) {
                stop = StopReason.CANCELLED;
                break;
            }
            if (pos >= capacity) {
                stop = StopReason.CONTEXT_FULL;
                break;
            }
            float[] logits;
            try {
                logits = session.forward(token, pos);
            } catch (Finite.NonFiniteException e) {
                throw e.at(pos);
            }
            trace.onStep(new TraceStep(pos, token, pos >= prompt.length, session.drainCaptured()));
            int next;
            if (pos < prompt.length - 1) {
                next = prompt[pos + 1];
            } else {
                if (sampler == null) {
                    sampler = new Sampler(logits.length, s.temperature(), s.topP(), s.topK(), s.seed());
                }
                next = sampler.sample(Finite.check(logits, "the logits", pos));
                if (start == 0) {
                    start = System.nanoTime();
                } else {
                    timed++;
                }
            }
            pos++;
            out[pos] = next;
            if (pos >= prompt.length) {
                tokens.onToken(token, next);
            }
            token = next;
            if (pos >= prompt.length && s.stopAtEos() && tokenizer != null
                    && (next == tokenizer.eos() || next == tokenizer.bos())) {
                stop = StopReason.END_OF_SEQUENCE;
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double tps = timed > 0 ? timed / seconds : 0;
        return new Result(Arrays.copyOf(out, pos + 1), prompt.length, stop, tps);
    }
}
