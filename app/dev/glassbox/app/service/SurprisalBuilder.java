package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.analysis.NextTokenSummaries;
import dev.glassbox.engine.analysis.TokenSurprisal;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.TokenChips;

/**
 * Per-token surprisal of a finished decoder run, from the predictions the run summarised as it went
 * ({@link NextTokenSummaries}): position i-1's prediction scores token i (no second forward pass).
 */
public final class SurprisalBuilder {
    private SurprisalBuilder() {
    }

    /** Empty for encoders, runs without predictions, or a single token. */
    public static Optional<TokenSurprisal.Result> build(RunOutcome out) {
        List<NextTokenSummaries.Prediction> predictions = out.predictions();
        if (predictions.isEmpty() || out.tokens().length < 2) {
            return Optional.empty();
        }
        List<TokenSurprisal.Scored> scored = new ArrayList<>(predictions.size());
        for (NextTokenSummaries.Prediction p : predictions) {
            scored.add(new TokenSurprisal.Scored(p.position() + 1, p.next(), p.nextLogProb()));
        }
        return Optional.of(new TokenSurprisal.Result(scored));
    }

    /**
     * What the model expected at each token before reading it, by token position (position i-1's prediction, the
     * entropy turned from nats into bits); empty where {@link #build} is.
     */
    public static List<TokenChips.Expected> expected(RunOutcome out, Tokenizer tok) {
        List<NextTokenSummaries.Prediction> predictions = out.predictions();
        List<TokenChips.Expected> expected = new ArrayList<>(java.util.Collections.nCopies(out.tokens().length, null));
        for (NextTokenSummaries.Prediction p : predictions) {
            int at = p.position() + 1;
            if (at >= expected.size()) {
                continue;
            }
            List<String> tokens = new ArrayList<>(p.top().size());
            double[] probabilities = new double[p.top().size()];
            for (int k = 0; k < probabilities.length; k++) {
                tokens.add(tok.display(p.top().get(k).token()));
                probabilities[k] = p.top().get(k).probability();
            }
            expected.set(at, new TokenChips.Expected(p.entropy() / Math.log(2), tokens, probabilities));
        }
        return predictions.isEmpty() ? List.of() : expected;
    }
}
