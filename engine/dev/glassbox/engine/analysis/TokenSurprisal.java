package dev.glassbox.engine.analysis;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.trace.Capture;

/**
 * How surprised a decoder is by each token of a sequence: p(x_i | x_<i), its surprisal -log p (Shannon
 * 1948) in nats and bits, and the sequence log-probability by the chain rule,
 * log p(x_1..x_n | x_0) = sum_i log p(x_i | x_<i). The first token (BOS) is the condition, not scored.
 */
public final class TokenSurprisal {
    private static final double LN2 = Math.log(2);

    /** The score of the token at {@code position}, predicted from the tokens before it. */
    public record Scored(int position, int token, double logProb) {
        public double probability() { return Math.exp(logProb); }

        public double nats() { return -logProb; }

        public double bits() { return -logProb / LN2; }
    }

    /** Per-token scores (positions 1..n-1) and their chain-rule sum. */
    public record Result(List<Scored> tokens) {
        public Result {
            tokens = List.copyOf(tokens);
        }

        /** log p(sequence | first token) in nats: the sum of the per-token log-probabilities. */
        public double logProb() {
            double s = 0;
            for (Scored t : tokens) {
                s += t.logProb();
            }
            return s;
        }

        public double bits() { return -logProb() / LN2; }

        /** Mean surprisal per scored token, in bits. */
        public double meanBits() { return tokens.isEmpty() ? 0 : bits() / tokens.size(); }

        /** exp(mean nats): the perplexity of the scored tokens. */
        public double perplexity() { return tokens.isEmpty() ? 1 : Math.exp(-logProb() / tokens.size()); }
    }

    private TokenSurprisal() {
    }

    /** Scores {@code ids} with one fresh session of {@code model} (one forward per token but the last). */
    public static Result score(DecoderModel model, int[] ids) {
        if (ids.length < 2) {
            throw new IllegalArgumentException("scoring needs at least two tokens (a condition and one to score), got "
                    + ids.length);
        }
        DecoderSession session = model.newSession(Capture.none(model.config().layers()));
        if (ids.length - 1 > session.capacity()) {
            throw new IllegalArgumentException("the sequence has " + ids.length + " tokens but the context holds "
                    + session.capacity());
        }
        List<Scored> out = new ArrayList<>(ids.length - 1);
        for (int i = 1; i < ids.length; i++) {
            float[] logits = session.forward(ids[i - 1], i - 1);
            out.add(new Scored(i, ids[i], logProb(logits, ids[i])));
        }
        return new Result(out);
    }

    /** log softmax(logits)[token], in double precision. */
    public static double logProb(float[] logits, int token) {
        return Softmax.logProb(logits, token);
    }
}
