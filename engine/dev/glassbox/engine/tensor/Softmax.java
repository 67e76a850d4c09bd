package dev.glassbox.engine.tensor;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax, log-softmax and top-k: the one home of softmax in the engine. In-place float forms with vector lanes for
 * inference kernels; double-precision forms for analysis, routing and training.
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

    /** In-place numerically stable softmax of x[off .. off+n). */
    public static void inPlace(float[] x, int off, int n) {
        inPlace(x, off, n, Kernels.max(x, off, n));
    }

    /** Softmax of x[off .. off+n) in place, given their maximum {@code max} (subtracted for stability). */
    public static void inPlace(float[] x, int off, int n, float max) {
        int upper = Lanes.F.loopBound(n);
        int i;
        FloatVector vsum = FloatVector.zero(Lanes.F);
        for (i = 0; i < upper; i += Lanes.F.length()) {
            FloatVector e = FloatVector.fromArray(Lanes.F, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            vsum = vsum.add(e);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (i = 0; i < upper; i += Lanes.F.length()) {
            FloatVector.fromArray(Lanes.F, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= inv;
        }
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
}
