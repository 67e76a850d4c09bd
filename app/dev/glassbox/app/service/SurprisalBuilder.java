package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.analysis.NextTokenSummaries;
import dev.glassbox.engine.analysis.TokenSurprisal;

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
}
