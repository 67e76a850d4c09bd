package dev.glassbox.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked float32 product of prefill: {@code outs[t][outRow + r] = sum over k of W(r, k) * x_t[k]}
 * for tokens t < count, with the tokens given transposed in panels of {@link #PANEL} tokens (see
 * {@link #transpose}; padding zero). Vectors run over tokens, so nothing is summed horizontally: for each k the
 * micro-kernel broadcasts {@value #TILE_ROWS} weights and multiplies them into {@value #TILE_ROWS} rows x 2 vectors
 * of tokens held in registers. Eight accumulators: with the two token vectors and a broadcast they fit the 16
 * registers of AVX2 with room to spare, and measured at 89-94 GFLOP/s in L1 on one core of the build machine (its
 * FMA peak 95); tiles of 12 accumulators (6 x 2, 3 x 4) ran at 39-44, C2 spilling them. The k loop runs in slices of
 * {@value #KC}, and within a slice each panel of tokens (KC x 16 floats, 8 KiB, contiguous) stays in L1 while the
 * tiles go down the rows, the partial sums waiting in a small row-major buffer: the blocking of Goto and van de
 * Geijn, "Anatomy of high-performance matrix multiplication" (ACM TOMS 34(3), 2008), sec. 4-6, with the weights as
 * its packed A and the token panels as its packed B. (The tokens were first stored k by k, 512 tokens = 2 KiB
 * apart: a panel's lines then fell in two of L1's 64 sets and were evicted before the next tile read them.)
 * <p>
 * W is a heap tile read at {@code w[r * rowStep + k * kStep]}, so the same code multiplies a block of F32 rows
 * copied row-major (rowStep = cols, kStep = 1) and a group of dequantised Q8_0 rows stored column by column
 * (rowStep = 1, kStep = rows of the group); read from an array rather than a segment, the kernel ran about a
 * quarter faster.
 */
final class Gemm {
    static final int TILE_ROWS = 4;
    /** Rows a caller hands over at a time: 16 rows of 768 floats are 48 KiB, well inside L2. */
    static final int BLOCK_ROWS = 16;
    /** Columns per k slice: a token panel's slice is 128 x 16 x 4 bytes = 8 KiB (AVX2), a quarter of L1. */
    static final int KC = 128;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Tokens per panel: the micro-kernel's two vectors. */
    static final int PANEL = 2 * S.length();

    private Gemm() {
    }

    /** Token stride for {@code count} tokens: a whole number of panels. */
    static int stride(int count) {
        return (count + PANEL - 1) / PANEL * PANEL;
    }

    /**
     * The tokens packed panel by panel: {@code xt[(t / PANEL) * cols * PANEL + k * PANEL + t % PANEL] = xs[t][k]}
     * for t < count, k < cols, tokens past count zero up to {@code stride}, in this thread's {@link Scratch} buffer
     * (valid until its next call on this thread).
     */
    static float[] transpose(float[][] xs, int count, int cols, int stride) {
        float[] xt = Scratch.floats(Scratch.Slot.TOKENS, cols * stride);
        for (int t0 = 0; t0 < stride; t0 += PANEL) {
            int base = t0 * cols;
            for (int j = 0; j < PANEL; j++) {
                int t = t0 + j;
                if (t < count) {
                    float[] x = xs[t];
                    for (int k = 0; k < cols; k++) {
                        xt[base + k * PANEL + j] = x[k];
                    }
                } else {
                    for (int k = 0; k < cols; k++) {
                        xt[base + k * PANEL + j] = 0f;
                    }
                }
            }
        }
        return xt;
    }

    /**
     * The product for rows [0, rows) of W (see the class comment); rows [keepFrom, keepTo) of it are written to
     * {@code outs[t][outRow + r]} (the others are padding the caller drops).
     */
    static void multiply(float[] w, int rowStep, int kStep, int cols, int rows, int keepFrom, int keepTo,
                         float[] xt, int stride, int count, float[][] outs, int outRow) {
        int l = S.length();
        float[] acc = Scratch.floats(Scratch.Slot.SUMS, rows * stride);
        java.util.Arrays.fill(acc, 0, rows * stride, 0f);
        Tile tile = new Tile(w, rowStep, kStep, xt, cols, stride, acc);
        for (int k0 = 0; k0 < cols; k0 += KC) {
            int k1 = Math.min(cols, k0 + KC);
            int whole = rows / TILE_ROWS * TILE_ROWS;
            for (int t = 0; t < stride; t += PANEL) {
                for (int r = 0; r < whole; r += TILE_ROWS) {
                    tile.rows4x2(r, t, k0, k1);
                }
                for (int r = whole; r < rows; r++) {
                    tile.row1x1(r, t, k0, k1);
                    tile.row1x1(r, t + l, k0, k1);
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
    private record Tile(float[] w, int rowStep, int kStep, float[] xt, int cols, int stride, float[] acc) {

        // written out in full: a helper returning a vector that C2 leaves un-inlined boxes it (see Q8_0Tensor)
        void rows4x2(int r, int t, int k0, int k1) {
            int l = S.length();
            int b0 = r * rowStep;
            int b1 = b0 + rowStep;
            int b2 = b1 + rowStep;
            int b3 = b2 + rowStep;
            int c0 = r * stride + t;
            int c1 = c0 + stride;
            int c2 = c1 + stride;
            int c3 = c2 + stride;
            FloatVector a00 = FloatVector.fromArray(S, acc, c0), a01 = FloatVector.fromArray(S, acc, c0 + l);
            FloatVector a10 = FloatVector.fromArray(S, acc, c1), a11 = FloatVector.fromArray(S, acc, c1 + l);
            FloatVector a20 = FloatVector.fromArray(S, acc, c2), a21 = FloatVector.fromArray(S, acc, c2 + l);
            FloatVector a30 = FloatVector.fromArray(S, acc, c3), a31 = FloatVector.fromArray(S, acc, c3 + l);
            int xi = t * cols + k0 * PANEL;
            int o = k0 * kStep;
            for (int k = k0; k < k1; k++, xi += PANEL, o += kStep) {
                FloatVector x0 = FloatVector.fromArray(S, xt, xi);
                FloatVector x1 = FloatVector.fromArray(S, xt, xi + l);
                FloatVector v = FloatVector.broadcast(S, w[b0 + o]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[b1 + o]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[b2 + o]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[b3 + o]);
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
            int b = r * rowStep;
            int c = r * stride + t;
            FloatVector a = FloatVector.fromArray(S, acc, c);
            // t need not start a panel: its panel's base plus its place in the panel
            int xi = t / PANEL * PANEL * cols + k0 * PANEL + t % PANEL;
            int o = k0 * kStep;
            for (int k = k0; k < k1; k++, xi += PANEL, o += kStep) {
                a = FloatVector.fromArray(S, xt, xi).fma(FloatVector.broadcast(S, w[b + o]), a);
            }
            a.intoArray(acc, c);
        }
    }
}
