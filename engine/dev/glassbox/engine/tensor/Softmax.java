package dev.glassbox.engine.tensor;

import java.util.Arrays;

/**
 * Softmax, log-softmax and top-k in double precision, for analysis, routing and training: with the float vector kernel
 * {@link Kernels#softmax(float[], int, int, float)} the engine's only softmax.
 */
public final class Softmax {
    private Softmax() {
    }

    /** log(sum(exp(logits))), shifted by the maximum so large logits do not overflow. */
    public static double logSumExp(float[] logits) {
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

    /** ln softmax(logits)[target]. */
    public static double logProb(float[] logits, int target) {
        if (target < 0 || target >= logits.length) {
            throw new IllegalArgumentException("token " + target + " outside the " + logits.length + " logits");
        }
        return logits[target] - logSumExp(logits);
    }

    /** softmax(logits). */
    public static double[] probabilities(float[] logits) {
        double lse = logSumExp(logits);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - lse);
        }
        return p;
    }

    /** The {@code k} most probable tokens, most probable first (ties by lower id). */
    public static TokenProbability[] topK(float[] logits, int k) {
        double lse = logSumExp(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int n = Math.min(k, logits.length);
        TokenProbability[] out = new TokenProbability[n];
        for (int i = 0; i < n; i++) {
            int t = order[i];
            out[i] = new TokenProbability(t, Math.exp(logits[t] - lse));
        }
        return out;
    }

    /** dst[off .. off+logits.length) = softmax(logits), accumulated in double. */
    public static void into(float[] logits, float[] dst, int off) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        for (int i = 0; i < logits.length; i++) dst[off + i] = (float) (Math.exp(logits[i] - max) / sum);
    }

    /** In-place softmax of p[0 .. n), in double. */
    public static void inPlace(double[] p, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, p[j]);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(p[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) p[j] /= sum;
    }

    /**
     * In-place softmax of x[off .. off+n) with scalar {@code Math.exp} and a double sum, for the trainer: the same bits
     * on every run, so a resumed training run continues exactly. The vector kernel {@link Kernels#softmax} is faster but
     * its exp may differ in the last bit between interpreted and compiled code.
     */
    public static void inPlace(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) max = Math.max(max, x[i]);
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = off; i < off + n; i++) x[i] *= inv;
    }
}
