package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked float32 product of prefill: {@code outs[t][outRow + r] = sum over k of W(r, k) * x_t[k]}
 * for tokens t < count, with the tokens given transposed ({@code xt[k * stride + t]}, stride a multiple of the
 * vector length, padding zero). Vectors run over tokens, so nothing is summed horizontally: for each k the
 * micro-kernel broadcasts {@value #TILE_ROWS} weights and multiplies them into {@value #TILE_ROWS} rows x 2 vectors
 * of tokens held in registers. Eight accumulators: with the two token vectors and a broadcast they fit the 16
 * registers of AVX2 with room to spare, and measured at 89-94 GFLOP/s in L1 on one core of the build machine (its
 * FMA peak 95); tiles of 12 accumulators (6 x 2, 3 x 4) ran at 39-44, C2 spilling them. The k loop runs in slices of
 * {@value #KC}, so the slice of {@code xt} every tile reads stays in L1 while the tiles go down the rows, and the
 * partial sums wait in a small row-major buffer: the blocking of Goto and van de Geijn, "Anatomy of
 * high-performance matrix multiplication" (ACM TOMS 34(3), 2008), sec. 4-6, with the weights as its packed A.
 * <p>
 * W is read from a segment as little-endian floats at element {@code r * rowStep + k * kStep}, so the same code
 * multiplies a row-major F32 tensor (rowStep = cols, kStep = 1) and a block of dequantised Q8_0 rows stored
 * column by column (rowStep = 1, kStep = rows of the block).
 */
final class Gemm {
    static final int TILE_ROWS = 4;
    /** Rows a caller hands over at a time: 16 rows of 768 floats are 48 KiB, well inside L2. */
    static final int BLOCK_ROWS = 16;
    /** Columns per k slice: 128 x 32 tokens x 4 bytes = 16 KiB of xt, half an L1 data cache. */
    static final int KC = 128;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Gemm() {
    }

    /** Token stride for {@code count} tokens: a whole number of vectors. */
    static int stride(int count) {
        return (count + S.length() - 1) / S.length() * S.length();
    }

    /**
     * {@code xt[k * stride + t] = xs[t][k]} for t < count, k < cols, the columns past count zero, in this thread's
     * {@link Scratch} buffer (valid until its next call on this thread).
     */
    static float[] transpose(float[][] xs, int count, int cols, int stride) {
        float[] xt = Scratch.floats(Scratch.Slot.TOKENS, cols * stride);
        if (count < stride) {
            for (int k = 0; k < cols; k++) {
                java.util.Arrays.fill(xt, k * stride + count, (k + 1) * stride, 0f);
            }
        }
        for (int t0 = 0; t0 < count; t0 += 16) {
            int t1 = Math.min(count, t0 + 16);
            for (int k = 0; k < cols; k++) {
                int o = k * stride;
                for (int t = t0; t < t1; t++) {
                    xt[o + t] = xs[t][k];
                }
            }
        }
        return xt;
    }

    /**
     * The product for rows [0, rows) of W (see the class comment); rows [keepFrom, keepTo) of it are written to
     * {@code outs[t][outRow + r]} (the others are padding the caller drops).
     */
    static void multiply(MemorySegment w, long rowStep, long kStep, int cols, int rows, int keepFrom, int keepTo,
                         float[] xt, int stride, int count, float[][] outs, int outRow) {
        int l = S.length();
        float[] acc = Scratch.floats(Scratch.Slot.SUMS, rows * stride);
        java.util.Arrays.fill(acc, 0, rows * stride, 0f);
        Tile tile = new Tile(w, rowStep * Float.BYTES, kStep * Float.BYTES, xt, stride, acc);
        for (int k0 = 0; k0 < cols; k0 += KC) {
            int k1 = Math.min(cols, k0 + KC);
            int r = 0;
            for (; r + TILE_ROWS <= rows; r += TILE_ROWS) {
                int t = 0;
                for (; t + 2 * l <= stride; t += 2 * l) {
                    tile.rows4x2(r, t, k0, k1);
                }
                for (; t < stride; t += l) {
                    for (int i = 0; i < TILE_ROWS; i++) {
                        tile.row1x1(r + i, t, k0, k1);
                    }
                }
            }
            for (; r < rows; r++) {
                for (int t = 0; t < stride; t += l) {
                    tile.row1x1(r, t, k0, k1);
                }
            }
        }
        for (int r = keepFrom; r < keepTo; r++) {
            for (int t = 0; t < count; t++) {
                outs[t][outRow + r] = acc[r * stride + t];
            }
        }
    }

    /** The arguments of one product, shared by its micro-kernel calls; {@code acc[r * stride + t]} the sums. */
    private record Tile(MemorySegment w, long rowBytes, long kBytes, float[] xt, int stride, float[] acc) {

        // written out in full: a helper returning a vector that C2 leaves un-inlined boxes it (see Q8_0Tensor)
        void rows4x2(int r, int t, int k0, int k1) {
            int l = S.length();
            long b0 = r * rowBytes;
            long b1 = b0 + rowBytes;
            long b2 = b1 + rowBytes;
            long b3 = b2 + rowBytes;
            int c0 = r * stride + t;
            int c1 = c0 + stride;
            int c2 = c1 + stride;
            int c3 = c2 + stride;
            FloatVector a00 = FloatVector.fromArray(S, acc, c0), a01 = FloatVector.fromArray(S, acc, c0 + l);
            FloatVector a10 = FloatVector.fromArray(S, acc, c1), a11 = FloatVector.fromArray(S, acc, c1 + l);
            FloatVector a20 = FloatVector.fromArray(S, acc, c2), a21 = FloatVector.fromArray(S, acc, c2 + l);
            FloatVector a30 = FloatVector.fromArray(S, acc, c3), a31 = FloatVector.fromArray(S, acc, c3 + l);
            int xi = k0 * stride + t;
            long o = k0 * kBytes;
            for (int k = k0; k < k1; k++, xi += stride, o += kBytes) {
                FloatVector x0 = FloatVector.fromArray(S, xt, xi);
                FloatVector x1 = FloatVector.fromArray(S, xt, xi + l);
                FloatVector v = FloatVector.broadcast(S, w.get(LE, b0 + o));
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w.get(LE, b1 + o));
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w.get(LE, b2 + o));
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w.get(LE, b3 + o));
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
            }
            a00.intoArray(acc, c0);
            a01.intoArray(acc, c0 + l);
            a10.intoArray(acc, c1);
            a11.intoArray(acc, c1 + l);
            a20.intoArray(acc, c2);
            a21.intoArray(acc, c2 + l);
            a30.intoArray(acc, c3);
            a31.intoArray(acc, c3 + l);
        }

        void row1x1(int r, int t, int k0, int k1) {
            long b = r * rowBytes;
            int c = r * stride + t;
            FloatVector a = FloatVector.fromArray(S, acc, c);
            int xi = k0 * stride + t;
            long o = k0 * kBytes;
            for (int k = k0; k < k1; k++, xi += stride, o += kBytes) {
                a = FloatVector.fromArray(S, xt, xi).fma(FloatVector.broadcast(S, w.get(LE, b + o)), a);
            }
            a.intoArray(acc, c);
        }
    }
}
