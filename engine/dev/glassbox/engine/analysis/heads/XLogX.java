package dev.glassbox.engine.analysis.heads;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Σ x log x (nats) over the lanes of the Vector API ({@code VectorOperators.LOG}, compiled to the JDK's vector math
 * library on x86), with x = 0 adding nothing as in the limit: the entropies and Jensen-Shannon divergences of
 * attention rows, which take one logarithm per key and so dominate a long pattern's behaviour scores.
 */
final class XLogX {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private XLogX() {
    }

    /** Σ x[k] log x[k] over k in [0, n); x ≥ 0, or x > 0 throughout if {@code positive} (then a little faster). */
    static double sum(double[] x, int n, boolean positive) {
        DoubleVector acc = DoubleVector.zero(S);
        int k = 0;
        for (int upper = S.loopBound(n); k < upper; k += S.length()) {
            acc = term(DoubleVector.fromArray(S, x, k), acc, positive);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s += term(x[k]);
        }
        return s;
    }

    /**
     * Σ m log m over k in [0, n), m = ½(a[k] + b[k]): the same operations as {@link #sum} on the mean, so for a = b it
     * returns {@code sum(a, n, positive)} exactly.
     */
    static double sumOfMean(double[] a, double[] b, int n, boolean positive) {
        DoubleVector acc = DoubleVector.zero(S);
        int k = 0;
        for (int upper = S.loopBound(n); k < upper; k += S.length()) {
            acc = term(DoubleVector.fromArray(S, a, k).add(DoubleVector.fromArray(S, b, k)).mul(0.5), acc, positive);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s += term((a[k] + b[k]) * 0.5);
        }
        return s;
    }

    /**
     * acc + x log x per lane; unless every lane is known positive a zero lane takes the log of the smallest normal
     * double, finite, so 0 · log stays 0.
     */
    private static DoubleVector term(DoubleVector x, DoubleVector acc, boolean positive) {
        return x.fma((positive ? x : x.max(Double.MIN_NORMAL)).lanewise(VectorOperators.LOG), acc);
    }

    private static double term(double x) {
        return x > 0 ? x * Math.log(x) : 0;
    }
}
