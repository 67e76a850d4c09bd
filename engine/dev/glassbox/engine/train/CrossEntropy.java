package dev.glassbox.engine.train;

import dev.glassbox.engine.tensor.Softmax;

/**
 * Softmax cross-entropy averaged over the positions whose target is not {@link #IGNORE}. The forward
 * turns the logits into probabilities in place (they are what the backward needs).
 */
final class CrossEntropy {
    static final int IGNORE = -1;

    private CrossEntropy() {
    }

    /** Returns the mean loss in nats; {@code probs} is [n, vocab] logits in, probabilities out. */
    static double forward(float[] probs, float[] losses, int[] targets, int n, int vocab) {
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int o = i * vocab;
            Softmax.inPlace(probs, o, vocab);
            int t = targets[i];
            if (t == IGNORE) {
                losses[i] = 0f;
                continue;
            }
            losses[i] = (float) -Math.log(Math.max(probs[o + t], 1e-30f));
            total += losses[i];
            count++;
        }
        return count == 0 ? 0 : total / count;
    }

    static int counted(int[] targets, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != IGNORE) c++;
        }
        return c;
    }

    /** dLogits = (p - onehot(target)) / count, zero on ignored positions. */
    static void backward(float[] dLogits, float[] probs, int[] targets, int n, int vocab) {
        int count = counted(targets, n);
        float scale = count == 0 ? 0f : 1f / count;
        for (int i = 0; i < n; i++) {
            int o = i * vocab;
            int t = targets[i];
            for (int v = 0; v < vocab; v++) {
                dLogits[o + v] = t == IGNORE ? 0f : (probs[o + v] - (v == t ? 1f : 0f)) * scale;
            }
        }
    }
}
