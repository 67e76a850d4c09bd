package dev.glassbox.engine.train;

import java.util.Random;

/** Random token batches for the trainer's tests. */
final class TokenBatch {
    private TokenBatch() {
    }

    /**
     * {inputs, targets}: {@code n} random ids below {@code vocab} each; with {@code ignoreEvery} > 0 every
     * {@code ignoreEvery}-th target is {@link CrossEntropy#IGNORE} (drawing nothing).
     */
    static int[][] random(Random r, int n, int vocab, int ignoreEvery) {
        int[] in = new int[n];
        int[] tg = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(vocab);
            tg[i] = ignoreEvery > 0 && i % ignoreEvery == ignoreEvery - 1 ? CrossEntropy.IGNORE : r.nextInt(vocab);
        }
        return new int[][] {in, tg};
    }
}
