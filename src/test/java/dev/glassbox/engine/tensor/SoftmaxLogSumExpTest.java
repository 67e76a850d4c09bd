package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link Softmax#logSumExp} in vector lanes against the definition one value at a time in double precision. */
class SoftmaxLogSumExpTest {

    /** log Σ exp(x_i), shifted by the maximum, one value at a time (the loop the lanes replace). */
    private static double reference(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    @Test
    void equalsTheDefinitionAtEveryLengthAndScale() {
        Random rnd = new Random(11);
        // lengths around the lane counts (tails of every size) up to a vocabulary; scales from flat to one-hot-like
        int[] lengths = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 32000};
        for (int n : lengths) {
            for (double scale : new double[] {0.01, 1, 30, 300}) {
                float[] logits = new float[n];
                for (int i = 0; i < n; i++) {
                    logits[i] = (float) (rnd.nextGaussian() * scale + 5);
                }
                // the maximum in the scalar tail, then in the lanes
                logits[n - 1] += (float) (10 * scale);
                double expected = reference(logits);
                assertEquals(expected, Softmax.logSumExp(logits), 1e-13 * Math.max(1, Math.abs(expected)),
                        "n " + n + ", scale " + scale);
                logits[n - 1] -= (float) (10 * scale);
                logits[0] += (float) (10 * scale);
                expected = reference(logits);
                assertEquals(expected, Softmax.logSumExp(logits), 1e-13 * Math.max(1, Math.abs(expected)),
                        "n " + n + ", scale " + scale + ", maximum first");
            }
        }
    }

    @Test
    void keepsTheEdgeCasesOfTheDefinition() {
        float[] masked = new float[40];
        java.util.Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        masked[21] = 2.5f;
        assertEquals(2.5, Softmax.logSumExp(masked), 0, "-inf entries add nothing");
        float[] huge = {1e30f, 1e30f, -1e30f, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        assertEquals(1e30f + Math.log(2), Softmax.logSumExp(huge), 1e17, "no overflow");
        float[] withNaN = new float[33];
        withNaN[20] = Float.NaN;
        assertTrue(Double.isNaN(Softmax.logSumExp(withNaN)), "NaN propagates as in the definition");
        assertEquals(Math.log(33), Softmax.logSumExp(new float[33]), 1e-15);
    }
}
