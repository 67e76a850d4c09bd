package dev.glassbox.engine.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BalanceLossTest {

    /**
     * 2 tokens, 4 experts, top-2: token 0 -> (0, 1), token 1 -> (0, 2); router probabilities
     * (.4, .3, .2, .1) and (.5, .1, .3, .1), mean P = (.45, .2, .25, .1).
     * Hugging Face top-k: f = (2/2, 1/2, 1/2, 0) = (1, .5, .5, 0); 4 * (.45 + .1 + .125) = 2.7.
     * Switch top-1: f = (1, 0, 0, 0); 4 * .45 = 1.8.
     */
    @Test
    void topKAndFirstChoiceLossesMatchAHandComputedExample() {
        int[][] assign = {{0, 1}, {0, 2}};
        double[][] probs = {{.4, .3, .2, .1}, {.5, .1, .3, .1}};
        assertArrayEquals(new double[] {1, .5, .5, 0}, BalanceLoss.dispatchShares(4, assign), 1e-12);
        BalanceLoss.RouterProbabilities p = (t, e) -> probs[t][e];
        assertArrayEquals(new double[] {.45, .2, .25, .1}, BalanceLoss.meanProbability(4, 2, p), 1e-12);
        assertEquals(2.7, BalanceLoss.topK(4, assign, p), 1e-12);
        assertEquals(1.8, BalanceLoss.firstChoice(4, new int[] {0, 0}, p), 1e-12);
        LoadBalance b = LoadBalance.of(4, new int[] {0, 0}, assign, probs, 1.0);
        assertEquals(2.7, b.auxLoss(), 1e-12);
        assertEquals(1.8, b.switchTop1Loss(), 1e-12);
    }

    @Test
    void aUniformRouterGivesKForTopKAndOneForTopOne() {
        // 4 tokens over 4 experts, top-2 in a perfect rotation, uniform probabilities
        int[][] assign = {{0, 1}, {1, 2}, {2, 3}, {3, 0}};
        BalanceLoss.RouterProbabilities uniform = (t, e) -> .25;
        assertEquals(2.0, BalanceLoss.topK(4, assign, uniform), 1e-12);
        assertEquals(1.0, BalanceLoss.firstChoice(4, new int[] {0, 1, 2, 3}, uniform), 1e-12);
    }
}
