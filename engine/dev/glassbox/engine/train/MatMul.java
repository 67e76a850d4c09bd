package dev.glassbox.engine.train;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three matrix products of a linear layer y = x W^T (nn.Linear layout, W is [out, in]), all reduced to
 * one Vector API kernel C[n, m] (+)= A[n, k] B[k, m] that vectorises over m and broadcasts A: no horizontal
 * sums, so every output element is summed over k in a fixed order by one thread and results do not depend
 * on the thread count or on whether the code is interpreted or compiled.
 */
final class MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Butterfly partners i ^ half for half = L/2, L/4, ..., 1. */
    private static final VectorShuffle<Float>[] BUTTERFLY = butterflies();
    /** Multiply-adds between two asks of a product's cancel check: a tenth of a millisecond of one core or less. */
    static final long CHECK_EVERY_FMAS = 1L << 18;
    static final BooleanSupplier NEVER = () -> false;

    private MatMul() {
    }

    /** y[n, out] = x[n, in] W[out, in]^T; {@code cancelled} is asked as {@link #product} says. */
    static void forward(float[] y, float[] x, float[] w, int n, int in, int out, Parallel par, BooleanSupplier cancelled) {
        float[] wt = transpose(w, out, in, par);
        product(y, x, wt, n, in, out, false, Shape.FULL, par, cancelled);
    }

    /** dx[n, in] += dy[n, out] W[out, in]. */
    static void backwardInput(float[] dx, float[] dy, float[] w, int n, int in, int out, Parallel par,
                              BooleanSupplier cancelled) {
        product(dx, dy, w, n, out, in, true, Shape.FULL, par, cancelled);
    }

    /** dW[out, in] += dy[n, out]^T x[n, in]. */
    static void backwardWeight(float[] dw, float[] dy, float[] x, int n, int in, int out, Parallel par,
                               BooleanSupplier cancelled) {
        float[] dyt = transpose(dy, n, out, par);
        product(dw, dyt, x, out, n, in, true, Shape.FULL, par, cancelled);
    }

    /** a[rows, cols] to [cols, rows]. */
    static float[] transpose(float[] a, int rows, int cols, Parallel par) {
        float[] t = new float[rows * cols];
        par.forRange(cols, (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int r = 0; r < rows; r++) {
                    t[c * rows + r] = a[r * cols + c];
                }
            }
        });
        return t;
    }

    /** Which part of a product is non-zero, so causal attention skips the masked half. */
    enum Shape {
        /** Every term. */
        FULL,
        /** A is lower triangular (A[i, kk] = 0 for kk > i): sum kk <= i. */
        LOWER_A,
        /** A is upper triangular (A[i, kk] = 0 for kk < i): sum kk >= i. */
        UPPER_A,
        /** Only C[i, j] with j <= i is wanted (the rest is left untouched). */
        LOWER_C
    }

    /** C[n, m] = (or +=) A[n, k] B[k, m], four rows of A per tile, split over the pool by row tiles. */
    static void product(float[] c, float[] a, float[] b, int n, int k, int m, boolean accumulate, Parallel par) {
        product(c, a, b, n, k, m, accumulate, Shape.FULL, par);
    }

    static void product(float[] c, float[] a, float[] b, int n, int k, int m, boolean accumulate, Shape shape, Parallel par) {
        product(c, a, b, n, k, m, accumulate, shape, par, NEVER);
    }

    /**
     * {@link #product} that asks {@code cancelled} (from every thread of the pool) after each tile of rows holding
     * about {@link #CHECK_EVERY_FMAS} multiply-adds, so a large training product stops within a fraction of a
     * millisecond of work, and throws {@link CancellationException} when it says yes; {@code c} is then partly
     * written. Products smaller than that never ask.
     */
    static void product(float[] c, float[] a, float[] b, int n, int k, int m, boolean accumulate, Shape shape, Parallel par,
                        BooleanSupplier cancelled) {
        long tileFmas = 4L * k * m;
        int checkEvery = (int) Math.max(1, Math.min(Integer.MAX_VALUE, CHECK_EVERY_FMAS / Math.max(1, tileFmas)));
        par.forRange((n + 3) / 4, (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                if ((blk + 1) % checkEvery == 0 && cancelled.getAsBoolean()) {
                    throw new CancellationException("cancelled inside a matrix product");
                }
                int i0 = blk * 4;
                int kFrom = shape == Shape.UPPER_A ? i0 : 0;
                int kTo = shape == Shape.LOWER_A ? Math.min(k, i0 + 4) : k;
                int mTo = shape == Shape.LOWER_C ? Math.min(m, i0 + 4) : m;
                if (i0 + 4 > n) {
                    for (int i = i0; i < n; i++) {
                        row(c, a, b, i, k, m, kFrom, kTo, mTo, accumulate);
                    }
                    continue;
                }
                int a0 = i0 * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                int c0 = i0 * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
                for (int j = 0; j < mTo; j += L) {
                    VectorMask<Float> mask = S.indexInRange(j, mTo);
                    FloatVector s0, s1, s2, s3;
                    if (accumulate) {
                        s0 = FloatVector.fromArray(S, c, c0 + j, mask);
                        s1 = FloatVector.fromArray(S, c, c1 + j, mask);
                        s2 = FloatVector.fromArray(S, c, c2 + j, mask);
                        s3 = FloatVector.fromArray(S, c, c3 + j, mask);
                    } else {
                        s0 = FloatVector.zero(S);
                        s1 = s0;
                        s2 = s0;
                        s3 = s0;
                    }
                    for (int kk = kFrom; kk < kTo; kk++) {
                        FloatVector bv = FloatVector.fromArray(S, b, kk * m + j, mask);
                        s0 = bv.fma(FloatVector.broadcast(S, a[a0 + kk]), s0);
                        s1 = bv.fma(FloatVector.broadcast(S, a[a1 + kk]), s1);
                        s2 = bv.fma(FloatVector.broadcast(S, a[a2 + kk]), s2);
                        s3 = bv.fma(FloatVector.broadcast(S, a[a3 + kk]), s3);
                    }
                    s0.intoArray(c, c0 + j, mask);
                    s1.intoArray(c, c1 + j, mask);
                    s2.intoArray(c, c2 + j, mask);
                    s3.intoArray(c, c3 + j, mask);
                }
            }
        });
    }

    private static void row(float[] c, float[] a, float[] b, int i, int k, int m, int kFrom, int kTo, int mTo,
                            boolean accumulate) {
        for (int j = 0; j < mTo; j += L) {
            VectorMask<Float> mask = S.indexInRange(j, mTo);
            FloatVector s = accumulate ? FloatVector.fromArray(S, c, i * m + j, mask) : FloatVector.zero(S);
            for (int kk = kFrom; kk < kTo; kk++) {
                s = FloatVector.fromArray(S, b, kk * m + j, mask).fma(FloatVector.broadcast(S, a[i * k + kk]), s);
            }
            s.intoArray(c, i * m + j, mask);
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterflies() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            int half = L >> (s + 1);
            out[s] = VectorShuffle.fromOp(S, i -> i ^ half);
        }
        return out;
    }

    /**
     * Sum of the lanes in a fixed pairwise order. reduceLanes(ADD) may associate differently in compiled and
     * interpreted code, which would make same-seed runs differ in the last bits.
     */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> s : BUTTERFLY) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** dst[dOff + i] += a * src[sOff + i]. */
    static void axpy(float[] dst, int dOff, float a, float[] src, int sOff, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, src, sOff + i, m).fma(va, FloatVector.fromArray(S, dst, dOff + i, m)).intoArray(dst, dOff + i, m);
        }
    }
}
