package dev.glassbox.engine.analysis;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.trace.Capture;

/**
 * Per-token log-probabilities of a text under a decoder. A text longer than the context window is scored in
 * windows of {@code context} tokens advanced by half a window (the strided evaluation of the Hugging Face
 * perplexity guide): each window scores only the tokens its predecessor did not, so every token after the
 * first window is predicted from at least context/2 tokens of history.
 */
public final class Perplexity {

    /** logProbs[i] = ln p(tokens[i+1] | history), nats. */
    public record Result(float[] logProbs, int context) {
        public double meanNll() {
            double s = 0;
            for (float l : logProbs) s -= l;
            return s / Math.max(1, logProbs.length);
        }

        public double perplexity() { return Math.exp(meanNll()); }

        /** The chain-rule log-probability of the scored tokens, nats. */
        public double sequenceLogProb() {
            double s = 0;
            for (float l : logProbs) s += l;
            return s;
        }
    }

    private Perplexity() {
    }

    public static Result score(DecoderModel model, int[] tokens, int context, BooleanSupplier cancelled) {
        if (tokens.length < 2) throw new IllegalArgumentException("need at least two tokens to score, got " + tokens.length);
        int ctx = Math.min(context, model.config().contextLength());
        if (ctx < 2) throw new IllegalArgumentException("context must be >= 2 tokens, got " + context);
        float[] out = new float[tokens.length - 1];
        int stride = Math.max(1, ctx / 2);
        int scoredUpTo = 0; // tokens[1..scoredUpTo] already have a log-prob
        for (int start = 0; scoredUpTo < tokens.length - 1; start += stride) {
            int end = Math.min(tokens.length, start + ctx);
            DecoderSession s = model.newSession(Capture.none(model.config().layers()));
            for (int t = start; t < end - 1; t++) {
                if (cancelled.getAsBoolean()) throw new CancellationException("cancelled at token " + t);
                float[] logits = FirstNonFinite.check(model, tokens, start, t, s.forward(tokens[t], t - start));
                if (t + 1 > scoredUpTo) {
                    out[t] = (float) Softmax.logProb(logits, tokens[t + 1]);
                }
            }
            scoredUpTo = end - 1;
        }
        return new Result(out, ctx);
    }
}
