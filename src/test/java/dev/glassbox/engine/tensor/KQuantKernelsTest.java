package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The K-quant kernels (vector dot, matvec over row ranges, batched matmul) against each type's scalar reference
 * decoder ({@link KQuantTensor#readBlock}, itself checked bit for bit against llama.cpp in KQuantGgufParityTest),
 * on random blocks with sane super-block scales.
 */
public class KQuantKernelsTest {
    private static final int ROWS = 7;

    /** Byte offsets of each type's f16 super-block scales (Q8_K: its float32 scale at 0). */
    private static int[] halfScales(DType d) {
        return switch (d) {
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            case Q8_K -> new int[] {};
            default -> throw new IllegalArgumentException(d + " is not a K-quant");
        };
    }

    /** Random blocks, every quant and sub-block scale bit random, super-block scales small and finite. */
    public static KQuantTensor random(DType d, int rows, int cols, Random r) {
        byte[] raw = new byte[(int) d.bytesFor((long) rows * cols)];
        r.nextBytes(raw);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < raw.length / d.blockBytes(); blk++) {
            int at = blk * d.blockBytes();
            for (int off : halfScales(d)) {
                b.putShort(at + off, Float.floatToFloat16((float) (r.nextDouble() * 0.02)));
            }
            if (d == DType.Q8_K) {
                b.putFloat(at, (float) (r.nextDouble() * 0.02));
            }
        }
        return (KQuantTensor) Tensor.of(d, MemorySegment.ofArray(raw), rows, cols);
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** Row {@code row} (decoded by the reference) times x in double, and the sum of |terms| for the tolerance. */
    private static double[] reference(Tensor t, int row, float[] x, int xOff) {
        float[] w = t.row(row);
        double sum = 0;
        double mag = 0;
        for (int i = 0; i < w.length; i++) {
            sum += (double) w[i] * x[xOff + i];
            mag += Math.abs((double) w[i] * x[xOff + i]);
        }
        return new double[] {sum, mag};
    }

    private static void assertClose(double[] ref, float got, String what) {
        assertTrue(Float.isFinite(got), what + " is " + got);
        assertEquals(ref[0], got, 1e-5 * ref[1] + 1e-30, what);
    }

    /**
     * Kernels.matvec (decode) of every row: on 8-bit activations where the grouped copy has them, equal bit for bit
     * to the 8-bit kernel on the whole range (KQuant8BitTest checks that kernel), else the float reference.
     */
    private static void assertDecodeProduct(Tensor t, float[] x, float[] got, String what) {
        QuantGroups g = QuantGroups.held(t);
        float[] want = new float[t.rows()];
        if (g != null && g.int8()) {
            g.matvec(Q8_KActivations.of(x, t.cols()), want, 0, t.rows());
        }
        for (int row = 0; row < t.rows(); row++) {
            if (g != null && g.int8()) {
                assertEquals(want[row], got[row], what + " row " + row + " (8-bit activations)");
            } else {
                assertClose(reference(t, row, x, 0), got[row], what + " row " + row);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void dotMatchesScalarDecoder(DType d) {
        Random r = new Random(100 + d.ordinal());
        for (int cols : new int[] {256, 768}) {
            KQuantTensor t = random(d, ROWS, cols, r);
            int xOff = 9;
            float[] x = gaussian(r, xOff + cols);
            for (int row = 0; row < ROWS; row++) {
                assertClose(reference(t, row, x, xOff), t.dot(row, x, xOff), d + " dot, cols " + cols + ", row " + row);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void matvecWritesExactlyItsRowRange(DType d) {
        Random r = new Random(200 + d.ordinal());
        KQuantTensor t = random(d, ROWS, 512, r);
        float[] x = gaussian(r, 512);
        float[] out = new float[ROWS];
        java.util.Arrays.fill(out, -7f);
        t.matvec(x, out, 2, 5);
        for (int row = 0; row < ROWS; row++) {
            if (row >= 2 && row < 5) {
                assertClose(reference(t, row, x, 0), out[row], d + " matvec row " + row);
            } else {
                assertEquals(-7f, out[row], d + " row " + row + " lies outside [2, 5) and must stay untouched");
            }
        }
        float[] all = new float[ROWS];
        try (Parallel p = new Parallel(2)) {
            Kernels.matvec(t, x, all, p);
        }
        assertDecodeProduct(t, x, all, d + " Kernels.matvec");
    }

    /** Both batched forms: a few tokens (fused dot per token) and many (each row decoded once), on a partial range. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void matmulMatchesScalarDecoder(DType d) {
        Random r = new Random(300 + d.ordinal());
        KQuantTensor t = random(d, ROWS, 256, r);
        for (int count : new int[] {2, 9}) {
            float[][] xs = new float[count][];
            float[][] outs = new float[count][ROWS];
            for (int k = 0; k < count; k++) {
                xs[k] = gaussian(r, 256);
                java.util.Arrays.fill(outs[k], -7f);
            }
            t.matmul(xs, outs, count, 1, 6);
            for (int k = 0; k < count; k++) {
                assertEquals(-7f, outs[k][0], "row 0 is outside [1, 6)");
                assertEquals(-7f, outs[k][6], "row 6 is outside [1, 6)");
                for (int row = 1; row < 6; row++) {
                    assertClose(reference(t, row, xs[k], 0), outs[k][row], d + " matmul of " + count + ", token " + k + ", row " + row);
                }
            }
            float[][] viaKernels = new float[count][ROWS];
            float[] bias = gaussian(r, ROWS);
            try (Parallel p = new Parallel(2)) {
                Kernels.matmul(t, xs, bias, viaKernels, count, p);
            }
            for (int k = 0; k < count; k++) {
                for (int row = 0; row < ROWS; row++) {
                    double[] ref = reference(t, row, xs[k], 0);
                    assertClose(new double[] {ref[0] + bias[row], ref[1] + Math.abs(bias[row])}, viaKernels[k][row],
                            d + " Kernels.matmul of " + count + ", token " + k + ", row " + row);
                }
            }
        }
    }

    /**
     * The grouped copy (16 rows side by side, {@link QuantGroups}) on 37 rows: two whole groups and a partial one,
     * row ranges starting and ending inside groups, the pool's split on group boundaries, and prefill's dequantised
     * tiles (Kernels.matmul with a vector's worth of tokens or more). Q5_0 (blocks of 32, not a K-quant) shares
     * the copy; its readRow is checked against ggml's layout in QuantizedKernelsTest.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q5_0"})
    void groupedProductsMatchScalarDecoder(DType d) {
        Random r = new Random(400 + d.ordinal());
        int rows = 37;
        int cols = d == DType.Q5_0 ? 288 : 512;
        Tensor t = d == DType.Q5_0 ? QuantizedKernelsTest.tensor(d, QuantizedKernelsTest.randomData(d, rows, cols, r), rows, cols)
                : random(d, rows, cols, r);
        QuantGroups groups = QuantGroups.held(t);
        assertEquals(QuantGroups.AVAILABLE, groups != null, d + " is repacked exactly where the kernels run");
        float[] x = gaussian(r, cols);
        for (int[] range : new int[][] {{0, rows}, {5, 21}, {16, 32}, {17, 18}, {33, 37}}) {
            if (groups == null) {
                break; // the in-place kernels' ranges: matvecWritesExactlyItsRowRange
            }
            float[] out = new float[rows];
            java.util.Arrays.fill(out, -7f);
            groups.matvec(x, out, range[0], range[1]);
            for (int row = 0; row < rows; row++) {
                if (row >= range[0] && row < range[1]) {
                    assertClose(reference(t, row, x, 0), out[row], d + " matvec " + java.util.Arrays.toString(range) + " row " + row);
                } else {
                    assertEquals(-7f, out[row], d + " row " + row + " lies outside " + java.util.Arrays.toString(range));
                }
            }
        }
        for (int threads : new int[] {1, 2, 3}) {
            float[] all = new float[rows];
            try (Parallel p = new Parallel(threads)) {
                Kernels.matvec(t, x, all, p);
            }
            assertDecodeProduct(t, x, all, d + " Kernels.matvec, " + threads + " threads");
        }
        for (int count : new int[] {3, 8, 13}) {
            float[][] xs = new float[count][];
            for (int k = 0; k < count; k++) {
                xs[k] = gaussian(r, cols);
            }
            float[][] outs = new float[count][rows];
            try (Parallel p = new Parallel(2)) {
                Kernels.matmul(t, xs, null, outs, count, p);
            }
            for (int k = 0; k < count; k++) {
                for (int row = 0; row < rows; row++) {
                    assertClose(reference(t, row, xs[k], 0), outs[k][row], d + " Kernels.matmul of " + count + ", token " + k + ", row " + row);
                }
            }
        }
    }

    /** Hand-set fields decode to the values the ggml layouts define. */
    @Test
    void handBuiltBlocksDecodeAsTheLayoutsSay() {
        // Q4_K: d = 0.5, dmin = 0.25; sub-block 1: scale 3, min 2 (bytes 1 and 5); sub-block 5: scale 1 + 16 (low
        // nibble of byte 9, top bits of byte 1), min 2 (high nibble of byte 9, top bits of byte 5 = 0)
        byte[] q4 = new byte[144];
        ByteBuffer.wrap(q4).order(ByteOrder.LITTLE_ENDIAN).putShort(0, Float.floatToFloat16(0.5f))
                .putShort(2, Float.floatToFloat16(0.25f));
        q4[4 + 1] = 3 | 0x40;
        q4[4 + 5] = 2;
        q4[4 + 9] = 0x21;
        q4[16 + 5] = (byte) 0x9A;            // value 5 (sub-block 0, scale 0, min 0): nibble 0xA; value 37: nibble 9
        q4[16 + 64 + 3] = 0x27;              // value 131 (sub-block 4, all zero): 7; value 163 (sub-block 5): 2
        float[] v = new Q4_KTensor(MemorySegment.ofArray(q4), 1, 256).row(0);
        assertEquals(0f, v[5]);
        assertEquals(0.5f * 3 * 9 - 0.25f * 2, v[37]);
        assertEquals(0f, v[131]);
        assertEquals(0.5f * 17 * 2 - 0.25f * 2, v[163]);
        // Q6_K: d = 2, scale of sub-block 9 (values 144..159) = -3; value 150 = ql low nibble 5 | qh bits 2 << 4
        byte[] q6 = new byte[210];
        ByteBuffer.wrap(q6).order(ByteOrder.LITTLE_ENDIAN).putShort(208, Float.floatToFloat16(2f));
        q6[192 + 9] = -3;
        q6[64 + 22] = 5;                     // half 1, l = 22: value 128 + 22 = 150
        q6[128 + 32 + 22] = 2;               // its bits 0-1 of qh
        float[] w = new Q6_KTensor(MemorySegment.ofArray(q6), 1, 256).row(0);
        assertEquals(2f * -3 * ((5 | 2 << 4) - 32), w[150]);
    }

    @Test
    void rowsOfPartialSuperBlocksAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(DType.Q4_K, MemorySegment.ofArray(new byte[144 * 4]), 2, 384));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }
}
