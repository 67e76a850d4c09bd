package dev.glassbox.engine.train;

import java.util.OptionalDouble;

/**
 * One finished training step, as a {@link TrainingListener} sees it.
 *
 * @param step            steps done so far (1-based: the first step reports 1)
 * @param steps           the run's total (--steps)
 * @param trainLoss       this step's mean cross-entropy on its batch, in nats
 * @param validationLoss  mean loss on the held-out batches, present only on evaluation steps
 * @param lr              the learning rate this step used (warm-up + cosine schedule)
 * @param gradNorm        global L2 norm of the gradient before clipping
 * @param tokensPerSecond training tokens per wall-clock second since this run (or resume) started
 * @param etaSeconds      estimated seconds until {@code steps} at the current rate
 * @param balanceLoss     this step's load-balancing loss (BalanceLoss.topK) (alpha included), present when the run trains one
 * @param orthogonality   this step's ROOTS orthogonality penalty (with lambda), present when the run has one
 */
public record TrainingProgress(int step, int steps, double trainLoss, OptionalDouble validationLoss, double lr,
                               double gradNorm, double tokensPerSecond, double etaSeconds, OptionalDouble balanceLoss,
                               OptionalDouble orthogonality) {

    /** A step of a run without balance loss or orthogonality penalty. */
    public TrainingProgress(int step, int steps, double trainLoss, OptionalDouble validationLoss, double lr,
                            double gradNorm, double tokensPerSecond, double etaSeconds) {
        this(step, steps, trainLoss, validationLoss, lr, gradNorm, tokensPerSecond, etaSeconds, OptionalDouble.empty(),
                OptionalDouble.empty());
    }
}
