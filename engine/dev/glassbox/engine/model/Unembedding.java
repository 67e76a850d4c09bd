package dev.glassbox.engine.model;

import dev.glassbox.engine.tensor.Parallel;

/**
 * A model whose residual stream can be read out as next-token logits: its final norm followed by its
 * unembedding matrix. The logit lens (nostalgebraist 2020) applies this to intermediate layers.
 */
public interface Unembedding {

    /** Logits over the vocabulary for one residual-stream vector of length {@code dim}; a new array. */
    float[] unembed(float[] residual);

    /**
     * {@code logits[t] = unembed(residuals[t])} for rows t < count, into the given rows (each of the vocabulary's
     * length; a null row is made, so a caller that does not know the vocabulary's size passes nulls once and reuses
     * the rows). This default reads them one at a time; a model overrides it with one matrix-matrix product, so the
     * unembedding matrix is read once for all the rows rather than once a row.
     */
    default void unembed(float[][] residuals, int count, float[][] logits) {
        for (int t = 0; t < count; t++) {
            float[] l = unembed(residuals[t]);
            if (logits[t] == null) {
                logits[t] = l;
            } else {
                System.arraycopy(l, 0, logits[t], 0, l.length);
            }
        }
    }

    /** The threads its products run on; a reader of many rows of logits may split its own work over them too. */
    default Parallel parallel() {
        return Parallel.SERIAL;
    }
}
