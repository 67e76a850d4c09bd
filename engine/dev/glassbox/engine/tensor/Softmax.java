package dev.glassbox.engine.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax, log-softmax and top-k in double precision, for analysis, routing and training: with the float vector kernel
 * {@link Kernels#softmax(float[], int, int, float)} the engine's only softmax.
 */
public final class Softmax {
    private Softmax() {
    }

    /** Double lanes of the exponentials below, and float lanes as many (half the width) to widen from. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Null where no float shape has half the double width (then one value at a time). */
    private static final VectorSpecies<Float> F = halfWidth();

    private static VectorSpecies<Float> halfWidth() {
        try {
            return VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * log(sum(exp(logits))), shifted by the maximum so large logits do not overflow; the exponentials in double
     * lanes ({@code VectorOperators.EXP}, the JDK's vector math library on x86): the loss of a head ablation takes
     * one per vocabulary entry and position, 590 M on the stories110M shape at 128 tokens, ~3 CPU s with
     * {@link Math#exp} one at a time.
     */
    public static double logSumExp(float[] logits) {
        int n = logits.length;
        double max = Kernels.max(logits, 0, n); // a NaN is skipped here and propagates through the sum below
        int upper = F == null ? 0 : F.loopBound(n);
        int i;
        DoubleVector shift = DoubleVector.broadcast(D, max);
        DoubleVector acc = DoubleVector.zero(D);
        for (i = 0; i < upper; i += F.length()) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, logits, i).convertShape(VectorOperators.F2D, D, 0);
            acc = acc.add(v.sub(shift).lanewise(VectorOperators.EXP));
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * log-sum-exp and the entropy H = -sum p ln p (nats; Shannon 1948) of softmax(logits), from one pass of
     * exponentials: with e_i = exp(x_i - max) and S = sum e_i, lse = max + ln S and H = ln S - sum e_i (x_i - max) / S.
     */
    public static Spread spread(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double weighted = 0;
        for (float v : logits) {
            double d = v - max;
            double e = Math.exp(d);
            sum += e;
            weighted += e * d;
        }
        double lnSum = Math.log(sum);
        return new Spread(max + lnSum, lnSum - weighted / sum);
    }

    /** What {@link #spread} returns: log(sum(exp(logits))) and the distribution's entropy in nats. */
    public record Spread(double logSumExp, double entropy) {
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

    /**
     * The {@code k} most probable tokens, most probable first (ties by lower id). One pass keeping the best k in
     * order (the logit lens asks this of a 32k vocabulary per layer per token: sorting it all cost more than the lens).
     */
    public static TokenProbability[] topK(float[] logits, int k) {
        return topK(logits, k, logSumExp(logits));
    }

    /** {@link #topK(float[], int)} with the logits' {@link #logSumExp} already known. */
    public static TokenProbability[] topK(float[] logits, int k, double logSumExp) {
        int[] best = topIds(logits, k);
        TokenProbability[] out = new TokenProbability[best.length];
        for (int i = 0; i < best.length; i++) {
            out[i] = new TokenProbability(best[i], Math.exp(logits[best[i]] - logSumExp));
        }
        return out;
    }

    /**
     * Ids of the {@code k} largest logits, largest first ({@link Float#compare} order, ties by lower id): one pass
     * keeping the best k in order.
     */
    public static int[] topIds(float[] logits, int k) {
        int n = Math.max(0, Math.min(k, logits.length));
        int[] best = new int[n];
        int size = 0;
        for (int i = 0; i < logits.length && n > 0; i++) {
            if (size == n && !ranksBefore(logits, i, best[n - 1])) {
                continue;
            }
            int j = size < n ? size++ : n - 1;
            while (j > 0 && ranksBefore(logits, i, best[j - 1])) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return best;
    }

    /** Whether token {@code a} ranks before {@code b}: the higher logit ({@link Float#compare} order), ties by lower id. */
    private static boolean ranksBefore(float[] logits, int a, int b) {
        int c = Float.compare(logits[a], logits[b]);
        return c != 0 ? c > 0 : a < b;
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
