package dev.glassbox.engine.search;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Trains candidates and measures their decode time. {@link TrainerEvaluator} uses the project's Trainer and engine;
 * tests hand the search a cheap fake. Called from several worker threads at once (one candidate each).
 */
public interface Evaluator {

    /**
     * What one call of {@link #train} did.
     *
     * @param steps     steps the candidate has trained in total after the call
     * @param rungEnded the call reached its target step (else it was stopped) and measured {@code valLoss}
     * @param losses    the training loss of each step this call ran
     * @param restarted training started again from step 0 (the saved state did not match the record)
     * @param seconds   wall time of this call's training
     */
    record Trained(int steps, boolean rungEnded, double valLoss, List<Double> losses, boolean restarted, long parameters,
                   double flopsPerToken, double seconds) {
    }

    /**
     * Trains {@code c} from its {@code steps} (continuing its saved state) up to step {@code toStep} of a schedule of
     * {@code totalSteps}, stopping early (and keeping what it did) when {@code stop} turns true.
     */
    Trained train(Candidate c, int toStep, int totalSteps, BooleanSupplier stop) throws IOException;

    /** Median wall time of one decode step of the candidate's trained model, in milliseconds. */
    double latencyMs(Candidate c) throws IOException;
}
