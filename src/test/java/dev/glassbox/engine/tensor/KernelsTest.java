package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The vectorised kernels against plain double-precision loops, on sizes with vector tails. */
class KernelsTest {
    private static final SplittableRandom RND = new SplittableRandom(7);

    private static float[] random(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (RND.nextGaussian() * scale);
        }
        return v;
    }

    @Test
    void kernelWarmUpRunsEveryKernelAndStopsWhenInterrupted() throws InterruptedException {
        long t0 = System.nanoTime();
        KernelWarmUp.run(20);
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "a 20 ms warm-up returns");
        Thread t = new Thread(() -> KernelWarmUp.run(600_000));
        t.start();
        t.interrupt();
        t.join(20_000);
        assertFalse(t.isAlive(), "an interrupted warm-up stops");
    }

    @Test
    void kernelWarmUpsF32MatrixIsMappedLikeAModelsWeightsWithTheSameProducts() {
        float[] w = random(5 * 40, 1);
        F32Tensor mapped = KernelWarmUp.mapped(w, 5, 40);
        F32Tensor heap = F32Tensor.of(w, 5, 40);
        assertTrue(mapped.data().isMapped(), "the warm-up's F32 weights are in a file mapping, where a model's are");
        float[] x = random(40, 1);
        for (int r = 0; r < 5; r++) {
            assertEquals(heap.dot(r, x, 0), mapped.dot(r, x, 0), 0f, "row " + r);
        }
    }

    @Test
    void vectorGeluMatchesTheErfDefinitionOnBothSignsAndTheTail() {
        int n = 16 * 40 + 7;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10f + 20f * i / (n - 1);
        }
        x[3] = 0f;
        x[4] = -0f;
        float[] y = x.clone();
        Kernels.geluExact(y, n);
        for (int i = 0; i < n; i++) {
            double expected = 0.5 * x[i] * (1 + Kernels.erf(x[i] / Math.sqrt(2)));
            assertEquals(expected, y[i], 1e-6 * Math.max(1, Math.abs(x[i])), "gelu(" + x[i] + ")");
        }
        assertEquals(0f, y[3]);
    }

    @Test
    void f32MatvecAndBlockMatmulMatchNaiveProducts() {
        // token counts below one vector (row-dot path) and above it (transposed tile path, with partial tiles)
        for (int count : new int[] {3, 16, 17, 70, 133}) {
            for (int[] shape : new int[][] {{7, 37}, {9, 16}, {33, 288}, {5, 3}, {66, 70}}) {
                int rows = shape[0];
                int cols = shape[1];
                float[] w = random(rows * cols, 1);
                F32Tensor t = F32Tensor.of(w, rows, cols);
                float[][] xs = new float[count][];
                float[][] outs = new float[count][rows];
                for (int k = 0; k < xs.length; k++) {
                    xs[k] = random(cols, 1);
                }
                for (Parallel p : new Parallel[] {Parallel.SERIAL, new Parallel(2)}) {
                    Kernels.matmul(t, xs, null, outs, xs.length, p);
                    for (int k = 0; k < xs.length; k++) {
                        float[] out = new float[rows];
                        Kernels.matvec(t, xs[k], out, p);
                        for (int r = 0; r < rows; r++) {
                            double e = 0;
                            for (int c = 0; c < cols; c++) {
                                e += (double) w[r * cols + c] * xs[k][c];
                            }
                            String where = " row " + r + " of " + rows + "x" + cols + ", token " + k + " of " + count;
                            assertEquals(e, out[r], 1e-4 * Math.sqrt(cols), "matvec" + where);
                            assertEquals(e, outs[k][r], 1e-4 * Math.sqrt(cols), "matmul" + where);
                        }
                    }
                    p.close();
                }
            }
        }
    }

    @Test
    void softmaxMatchesDefinition() {
        for (int n : new int[] {1, 5, 16, 37, 300}) {
            float[] x = random(n + 3, 4);
            float[] y = x.clone();
            Kernels.softmax(y, 3, n);
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[3 + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(x[3 + i] - max);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Math.exp(x[3 + i] - max) / sum, y[3 + i], 1e-6, "softmax " + i + " of " + n);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(x[i], y[i], "values before the offset are untouched");
            }
        }
    }

    @Test
    void swigluAndRmsnormMatchDefinitions() {
        int n = 45;
        float[] g = random(n, 3);
        float[] u = random(n, 1);
        float[] out = g.clone();
        Kernels.swiglu(out, u, n);
        for (int i = 0; i < n; i++) {
            double silu = g[i] / (1 + Math.exp(-g[i]));
            assertEquals(silu * u[i], out[i], 1e-5, "swiglu " + i);
        }
        float[] x = random(n, 2);
        float[] w = random(n, 1);
        float[] y = new float[n];
        Kernels.rmsnorm(y, x, w, n, 1e-5f);
        double ss = 0;
        for (float v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / n + 1e-5);
        for (int i = 0; i < n; i++) {
            assertEquals(w[i] * x[i] * scale, y[i], 1e-5, "rmsnorm " + i);
        }
    }

    private static double naiveDot(float[] a, int aOff, float[] b, int bOff, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += (double) a[aOff + i] * b[bOff + i];
        }
        return e;
    }

    /** Sum of |a_i b_i|: what bounds the difference between two summation orders of one dot product. */
    private static double naiveAbsDot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) a[ao + i] * b[bo + i]);
        }
        return s;
    }

    @Test
    void fusedMatvecsMatchSeparateProducts() {
        // row counts chosen so the pool's chunks straddle the boundaries between the matrices
        int cols = 37;
        float[] x = random(cols, 1);
        float[][] ws = {random(5 * cols, 1), random(3 * cols, 1), random(11 * cols, 1)};
        int[] rows = {5, 3, 11};
        F32Tensor a = F32Tensor.of(ws[0], 5, cols);
        F32Tensor b = F32Tensor.of(ws[1], 3, cols);
        F32Tensor c = F32Tensor.of(ws[2], 11, cols);
        for (Parallel p : new Parallel[] {Parallel.SERIAL, new Parallel(2), new Parallel(3)}) {
            float[][] three = {new float[5], new float[3], new float[11]};
            float[][] two = {new float[5], new float[3]};
            Kernels.matvec(x, p, a, three[0], b, three[1], c, three[2]);
            Kernels.matvec(x, p, a, two[0], b, two[1]);
            for (int m = 0; m < 3; m++) {
                for (int r = 0; r < rows[m]; r++) {
                    double e = naiveDot(ws[m], r * cols, x, 0, cols);
                    assertEquals(e, three[m][r], 1e-4, "three-way product, matrix " + m + " row " + r);
                    if (m < 2) {
                        assertEquals(e, two[m][r], 1e-4, "two-way product, matrix " + m + " row " + r);
                    }
                }
            }
            p.close();
        }
    }

    @Test
    void dotScoresAndMaxMatchNaiveLoops() {
        for (int width : new int[] {1, 15, 16, 17, 48, 64, 100, 128}) {
            int n = 9;
            float[] q = random(width + 2, 1);
            float[] rows = random(n * width + 3, 1);
            float[] dst = new float[n + 1];
            float max = Kernels.scores(q, 2, rows, 3, n, width, 0.5f, dst, 1);
            double expectedMax = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < n; t++) {
                double e = 0.5 * naiveDot(q, 2, rows, 3 + t * width, width);
                assertEquals(e, dst[1 + t], 1e-4, "score " + t + " at width " + width);
                // the same sums as dot (a head's register path included), so decode, prefill and the views agree; to
                // rounding, not bit for bit: the Vector API orders a lane sum one way interpreted and another compiled
                // (and by the vector width: 256 or 512 bits), and which method is compiled yet depends on what ran
                // before. Two orders of one sum differ by at most 2 (n - 1) u sum|q_i r_i| (Higham, eq. 3.5).
                float asDot = Kernels.dot(q, 2, rows, 3 + t * width, width) * 0.5f;
                double reorderBound = 2.0 * width * Math.ulp(1f) / 2 * 0.5 * naiveAbsDot(q, 2, rows, 3 + t * width, width);
                assertEquals(asDot, dst[1 + t], reorderBound + 2 * Math.ulp(asDot), "score " + t + " as dot");
                assertEquals(naiveDot(q, 2, rows, 3 + t * width, width), Kernels.dot(q, 2, rows, 3 + t * width, width),
                        1e-4, "dot at width " + width);
                expectedMax = Math.max(expectedMax, dst[1 + t]);
            }
            assertEquals(expectedMax, max, "running maximum at width " + width);
            assertEquals(expectedMax, Kernels.max(dst, 1, n), "vector maximum at width " + width);
        }
    }

    @Test
    void weightedSumMatchesNaiveLoop() {
        for (int width : new int[] {3, 16, 48, 64, 70, 136, 200}) {
            for (int n : new int[] {1, 3, 4, 9}) {
                float[] w = random(n + 1, 1);
                float[] rows = random(n * width + 2, 1);
                float[] out = new float[width + 5];
                Kernels.weightedSum(w, 1, n, rows, 2, width, out, 5);
                for (int j = 0; j < width; j++) {
                    double e = 0;
                    for (int t = 0; t < n; t++) {
                        e += (double) w[1 + t] * rows[2 + t * width + j];
                    }
                    assertEquals(e, out[5 + j], 1e-5, "column " + j + " of " + width + " over " + n + " rows");
                }
            }
        }
    }

    @Test
    void argmaxFindsTheFirstLargestValue() {
        for (int n : new int[] {1, 7, 16, 33, 32000}) {
            float[] x = random(n, 3);
            int expected = 0;
            for (int i = 1; i < n; i++) {
                if (x[i] > x[expected]) {
                    expected = i;
                }
            }
            assertEquals(expected, Kernels.argmax(x), "argmax of " + n + " values");
            if (n > 2) {
                x[n - 1] = x[expected]; // a tie later on: the first index wins
                assertEquals(expected, Kernels.argmax(x), "argmax with a tie, " + n + " values");
            }
        }
        assertEquals(2, Kernels.argmax(new float[] {-5f, -3f, -1f, -2f}), "all negative");
    }
}
