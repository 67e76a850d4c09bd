package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** {@link Softmax#topK} against a full sort of the vocabulary (the order it replaces), ties and all. */
class SoftmaxTopKTest {

    private static int[] sortedIds(float[] logits) {
        Comparator<Integer> order = (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b);
        return IntStream.range(0, logits.length).boxed().sorted(order).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void picksTheSameTokensInTheSameOrderAsAFullSort() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int vocab = 1 + rnd.nextInt(300);
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                // few distinct values, so ties (broken by the lower id) are common
                logits[i] = trial % 2 == 0 ? rnd.nextInt(7) - 3 : (float) rnd.nextGaussian();
            }
            int k = rnd.nextInt(vocab + 3);
            int[] expected = Arrays.copyOf(sortedIds(logits), Math.min(k, vocab));
            TokenProbability[] got = Softmax.topK(logits, k);
            assertEquals(expected.length, got.length);
            double lse = Softmax.logSumExp(logits);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i].token(), "rank " + i + " of trial " + trial);
                assertEquals(Math.exp(logits[expected[i]] - lse), got[i].probability(), 1e-12);
            }
        }
    }

    @Test
    void zeroOrNegativeKGivesNothing() {
        assertEquals(0, Softmax.topK(new float[] {1, 2, 3}, 0).length);
        assertEquals(0, Softmax.topK(new float[] {1, 2, 3}, -1).length);
    }
}
