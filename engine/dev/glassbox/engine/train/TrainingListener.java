package dev.glassbox.engine.train;

/**
 * Receives every finished training step on the training thread, between steps (so it may read the model
 * through {@code model}, but must return quickly; hand anything slow to another thread).
 */
@FunctionalInterface
public interface TrainingListener {
    TrainingListener NONE = (p, m) -> { };

    void step(TrainingProgress progress, ModelAccess model);

    /** Read access to the model being trained, valid only during the callback. */
    interface ModelAccess {
        /** Attention probabilities on one row of tokens: [layer][head][query][key], query rows of length query + 1. */
        float[][][][] attention(int[] tokens);

        /** The model itself (for saving a checkpoint between steps). */
        TrainableLlama model();
    }
}
