package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Q4_K and Q6_K products on 8-bit activations ({@link Q8_KActivations}, {@link QuantGroups#matvec(Q8_KActivations,
 * float[], int, int)}): ggml's activation rounding, the vector kernels against their scalar reference bit for bit,
 * and both against the file's dequantised weights times x within the activation-rounding bound.
 */
class KQuant8BitTest {
    private static float[] gaussian(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    @Test
    void activationsAreGgmlsQ8K() {
        Random r = new Random(1);
        float[] x = gaussian(r, 512, 3);
        x[300] = -20f; // block 1's largest magnitude is negative: ggml keeps its sign in d, so it still maps to -127
        Q8_KActivations a = Q8_KActivations.of(x, 512);
        for (int b = 0; b < 2; b++) {
            float max = 0;
            for (int j = 256 * b; j < 256 * b + 256; j++) {
                max = Math.abs(x[j]) > Math.abs(max) ? x[j] : max;
            }
            float iscale = -127f / max;
            assertEquals(1 / iscale, a.d[b], "block " + b + " scale");
            for (int j = 256 * b; j < 256 * b + 256; j++) {
                float v = iscale * x[j];
                int want = (int) Math.floor(v + 0.5f);
                if (v + 0.5f == want && want % 2 != 0) {
                    want--; // a tie rounds to even, as ggml's nearest_int
                }
                assertEquals(Math.min(127, want), a.q[j], "q[" + j + "]");
                assertTrue(Math.abs(x[j] - a.d[b] * a.q[j]) <= Math.abs(a.d[b]) * 0.5001f, "x[" + j + "] within d/2");
            }
        }
        assertEquals(-127, a.q[300]);
        assertTrue(a.d[1] > 0, "d = max / -127 carries the sign");
        for (int s = 0; s < 32; s++) {
            int sum = 0;
            for (int j = 16 * s; j < 16 * s + 16; j++) sum += a.q[j];
            assertEquals(sum, a.bsums[s], "bsums[" + s + "]");
        }
    }

    /**
     * The vector quantiser against ggml's scalar loop (quantize_row_q8_K_ref, rint for nearest_int) on its hard cases:
     * exact ties (max 127, so v = -x), the largest magnitude twice with both signs (the first keeps its sign), an
     * infinity, and random blocks; q, d, bsums and the pairs equal bit for bit.
     */
    @Test
    void vectorQuantiserEqualsGgmlsScalarLoop() {
        Random r = new Random(5);
        int cols = 1536;
        float[] x = gaussian(r, cols, 4);
        for (int j = 0; j < 256; j++) {
            x[j] = (j % 2 == 0 ? 1 : -1) * ((j % 127) + 0.5f); // block 0: every value a tie
        }
        x[3] = 127f;
        x[256 + 7] = -30f; // block 1: -30 first, +30 later: max = -30
        x[256 + 200] = 30f;
        x[512 + 100] = Float.POSITIVE_INFINITY; // block 2 non-finite
        Q8_KActivations a = Q8_KActivations.of(x, cols);
        for (int b = 0; b < cols / 256; b++) {
            float max = 0;
            float amax = 0;
            boolean finite = true;
            for (int j = 256 * b; j < 256 * b + 256; j++) {
                float ax = Math.abs(x[j]);
                finite &= Float.isFinite(ax);
                if (ax > amax) {
                    amax = ax;
                    max = x[j];
                }
            }
            if (!finite) {
                assertTrue(Float.isNaN(a.d[b]), "block " + b);
                continue;
            }
            float iscale = -127f / max;
            assertEquals(1 / iscale, a.d[b], "block " + b + " d");
            for (int s = 16 * b; s < 16 * b + 16; s++) {
                int sum = 0;
                for (int j = 16 * s; j < 16 * s + 16; j++) {
                    int want = Math.min(127, (int) Math.rint(iscale * x[j]));
                    assertEquals(want, a.q[j], "q[" + j + "]");
                    sum += want;
                }
                assertEquals(sum, a.bsums[s], "bsums[" + s + "]");
            }
        }
        assertEquals(-127, a.q[256 + 7]);
        assertEquals(127, a.q[256 + 200]);
        for (int m = 0; a.pairs != null && m < cols / 2; m++) {
            assertEquals(a.q[2 * m], (short) a.pairs[m], "pairs[" + m + "] low");
            assertEquals(a.q[2 * m + 1], a.pairs[m] >> 16, "pairs[" + m + "] high");
        }
    }

    @Test
    void zeroBlockIsZeroAndNonFiniteBlockIsNaN() {
        float[] x = new float[512];
        x[400] = Float.NaN;
        Q8_KActivations a = Q8_KActivations.of(x, 512);
        assertEquals(0f, a.d[0]);
        assertTrue(Float.isNaN(a.d[1]), "a NaN input must not vanish in the rounding");
        assertThrows(IllegalArgumentException.class, () -> Q8_KActivations.of(new float[300], 300));
    }

    /** 37 rows (two whole groups and a partial one), ranges inside groups: kernel == scalar reference, bit for bit. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void kernelEqualsScalarReference(DType d) {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        Random r = new Random(10 + d.ordinal());
        int rows = 37;
        int cols = 768;
        QuantGroups g = QuantGroups.held(KQuantKernelsTest.random(d, rows, cols, r));
        assertTrue(g.int8(), d + " decodes on 8-bit activations");
        Q8_KActivations a = Q8_KActivations.of(gaussian(r, cols, 2), cols);
        rangesEqualReference(d, g, a, rows, new int[][] {{0, rows}, {5, 21}, {16, 32}, {33, 37}});
    }

    /** Each row range through the kernel equals the scalar reference bit for bit; rows outside it stay untouched. */
    private static void rangesEqualReference(DType d, QuantGroups g, Q8_KActivations a, int rows, int[][] ranges) {
        for (int[] range : ranges) {
            float[] out = new float[rows];
            Arrays.fill(out, -7f);
            g.matvec(a, out, range[0], range[1]);
            for (int row = 0; row < rows; row++) {
                float want = row >= range[0] && row < range[1] ? g.dot8Reference(row, a) : -7f;
                assertEquals(want, out[row], d + " row " + row + " of range " + Arrays.toString(range));
            }
        }
    }

    /**
     * The 512-bit kernels take whole groups two at a time from an even group (the two are stored side by side):
     * 85 rows (five groups and a partial sixth), ranges starting and ending on odd and even groups and inside groups,
     * so pairs, lone groups and split groups all run; kernel == scalar reference bit for bit, rows outside untouched.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void groupPairsAtEveryAlignmentEqualReference(DType d) {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        Random r = new Random(50 + d.ordinal());
        int rows = 85;
        int cols = 512;
        QuantGroups g = QuantGroups.held(KQuantKernelsTest.random(d, rows, cols, r));
        Q8_KActivations a = Q8_KActivations.of(gaussian(r, cols, 2), cols);
        rangesEqualReference(d, g, a, rows, new int[][] {{0, 85}, {16, 85}, {16, 64}, {16, 80}, {32, 80}, {0, 48},
                {7, 70}, {48, 85}, {64, 85}, {3, 12}});
    }

    /**
     * Fused products over the pool (rows split in units of two groups for the paired kernels, one for Q5_0): K-quants
     * mixed with each other and with Q5_0, row counts that do and do not end on two groups (784 = 49 groups), 1-3
     * threads; every row equals its own product on one thread bit for bit, however the split fell.
     */
    @Test
    void fusedProductsOverThePoolEqualSerialOnes() {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        Random r = new Random(60);
        int cols = 512;
        Tensor a = KQuantKernelsTest.random(DType.Q4_K, 784, cols, r);
        Tensor b = KQuantKernelsTest.random(DType.Q6_K, 768, cols, r);
        Tensor c = QuantizedKernelsTest.tensor(DType.Q5_0, QuantizedKernelsTest.randomData(DType.Q5_0, 96, cols, r), 96, cols);
        float[] x = gaussian(r, cols, 1);
        Tensor[][] sets = {{a, b}, {b, a}, {b, a, c}, {a, c, b}, {c, b, a}};
        for (Tensor[] set : sets) {
            float[][] want = new float[set.length][];
            for (int m = 0; m < set.length; m++) {
                want[m] = new float[set[m].rows()];
                Kernels.matvec(set[m], x, want[m], Parallel.SERIAL);
            }
            for (int threads = 1; threads <= 3; threads++) {
                try (Parallel p = new Parallel(threads)) {
                    float[][] got = new float[set.length][];
                    for (int m = 0; m < set.length; m++) {
                        got[m] = new float[set[m].rows()];
                    }
                    if (set.length == 2) {
                        Kernels.matvec(x, p, set[0], got[0], set[1], got[1]);
                    } else {
                        Kernels.matvec(x, p, set[0], got[0], set[1], got[1], set[2], got[2]);
                    }
                    for (int m = 0; m < set.length; m++) {
                        assertArrayEquals(want[m], got[m], set[m].dtype() + " " + set[m].rows() + " rows, matrix " + m
                                + " of " + set.length + ", " + threads + " threads");
                    }
                }
            }
        }
    }

    /**
     * Widths of one, two and eight super-blocks (the 512-bit kernels read x_q 16 columns at a time from a padded copy,
     * so the last 16 columns are the tail), 19 rows (a group and a partial one): kernel == scalar reference bit for bit;
     * a NaN in x makes every row's product NaN (its block's scale is NaN), in the nibble and the byte kernel alike.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void kernelEqualsReferenceAtEveryWidthAndPropagatesNaN(DType d) {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        Random r = new Random(30 + d.ordinal());
        int rows = 19;
        for (int cols : new int[] {256, 512, 2048}) {
            QuantGroups g = QuantGroups.held(KQuantKernelsTest.random(d, rows, cols, r));
            float[] x = gaussian(r, cols, 1.5);
            Q8_KActivations a = Q8_KActivations.of(x, cols);
            float[] out = new float[rows];
            g.matvec(a, out, 0, rows);
            for (int row = 0; row < rows; row++) {
                assertEquals(g.dot8Reference(row, a), out[row], d + " " + cols + " columns, row " + row);
            }
            x[cols - 1] = Float.NaN; // the last column: the tail of the last 16
            g.matvec(Q8_KActivations.of(x, cols), out, 0, rows);
            for (int row = 0; row < rows; row++) {
                assertTrue(Float.isNaN(out[row]), d + " " + cols + " columns, row " + row + " with a NaN in x: " + out[row]);
            }
        }
    }

    /**
     * Extreme integers: every q at its largest magnitude (Q4_K 15, Q5_K 31, Q6_K -32) and x_q at -127 everywhere, the sums
     * closest to a short lane's overflow; integer parts are exact, so the kernel still equals its reference.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void extremeQuantsDoNotOverflow(DType d) {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        int cols = 256;
        byte[] raw = new byte[(int) d.bytesFor(16L * cols)];
        boolean q6 = d == DType.Q6_K;
        Arrays.fill(raw, q6 ? 0 : (byte) 0xFF); // Q4_K/Q5_K: q 15/31, scales and mins 63; Q6_K: q -32
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < 16; blk++) {
            int at = blk * d.blockBytes();
            if (!q6) {
                b.putShort(at, Float.floatToFloat16(1f)).putShort(at + 2, Float.floatToFloat16(1f));
            } else {
                Arrays.fill(raw, at + 192, at + 208, (byte) -128);
                b.putShort(at + 208, Float.floatToFloat16(1f));
            }
        }
        QuantGroups g = QuantGroups.held(Tensor.of(d, java.lang.foreign.MemorySegment.ofArray(raw), 16, cols));
        float[] x = new float[cols];
        Arrays.fill(x, 1f); // every x_q = -127
        Q8_KActivations a = Q8_KActivations.of(x, cols);
        assertEquals(-127, a.q[0]);
        float[] out = new float[16];
        g.matvec(a, out, 0, 16);
        // d · dx · Σ scale · q · x_q − dmin · dx · Σ min · x_q, with d = dmin = 1
        float dx = a.d[0];
        int qmax = d == DType.Q4_K ? 15 : 31;
        double want = q6 ? dx * (-128.0 * -32 * -127 * 256) : dx * (63.0 * qmax * -127 * 256) - dx * (63.0 * -127 * 256);
        for (int row = 0; row < 16; row++) {
            assertEquals(g.dot8Reference(row, a), out[row], d + " row " + row);
            assertEquals(want, out[row], Math.abs(want) * 1e-6, d + " row " + row + " against the closed form");
        }
    }

    /**
     * Against the file's dequantised weights times x (double): the only difference beyond float rounding is x's
     * rounding, at most |d_b| / 2 per value, so |error| ≤ Σ_b |d_b| / 2 · Σ_{j in b} |w_j| (plus 1e-5 of Σ |w x|).
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void withinActivationRoundingOfDequantisedProduct(DType d) {
        assumeTrue(QuantGroups.AVAILABLE, "no 256-bit vectors: the grouped kernels do not run here");
        Random r = new Random(20 + d.ordinal());
        int rows = 40;
        int cols = 512;
        KQuantTensor t = KQuantKernelsTest.random(d, rows, cols, r);
        float[] x = gaussian(r, cols, 1);
        Q8_KActivations a = Q8_KActivations.of(x, cols);
        float[] out = new float[rows];
        QuantGroups.held(t).matvec(a, out, 0, rows);
        double worst = 0;
        for (int row = 0; row < rows; row++) {
            float[] w = t.row(row);
            double exact = 0;
            double mag = 0;
            double bound = 0;
            for (int j = 0; j < cols; j++) {
                exact += (double) w[j] * x[j];
                mag += Math.abs((double) w[j] * x[j]);
                bound += Math.abs(a.d[j / 256]) / 2 * Math.abs(w[j]);
            }
            double err = Math.abs(out[row] - exact);
            assertTrue(err <= bound + 1e-5 * mag, d + " row " + row + ": error " + err + " over the bound " + bound);
            worst = Math.max(worst, err / bound);
        }
        assertTrue(worst > 0.001, "the rounding shows (error/bound " + worst + "): the product really used 8-bit x");
    }
}
