package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SentencePoolingTest {
    private static final float[][] HIDDEN = {{3, 4}, {1, 0}, {-1, 2}};

    @Test
    void clsTakesTheFirstPositionAndMeanAveragesAll() {
        assertArrayEquals(new double[] {3, 4}, SentencePooling.CLS.pool(HIDDEN), 0);
        assertArrayEquals(new double[] {1, 2}, SentencePooling.MEAN.pool(HIDDEN), 1e-12);
    }

    @Test
    void embeddingsAreScaledToUnitLength() {
        assertArrayEquals(new double[] {0.6, 0.8}, SentencePooling.CLS.embed(HIDDEN), 1e-12);
        double s = Math.sqrt(5);
        assertArrayEquals(new double[] {1 / s, 2 / s}, SentencePooling.MEAN.embed(HIDDEN), 1e-12);
        assertArrayEquals(new double[] {0, 0}, SentencePooling.MEAN.embed(new float[][] {{0, 0}}), 0);
    }

    @Test
    void anEmptyStateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SentencePooling.CLS.pool(new float[0][]));
    }
}
