package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The Q4_K prefill product on 8-bit activations ({@link Q4_KGemm}) against the scalar 8-bit reference
 * ({@link QuantGroups#dot8Reference}) bit for bit: token counts that fill a panel, end inside one and end after a
 * single token of one; a partial group of rows and row ranges inside groups; a NaN in one token's activations.
 */
class Q4_KGemmTest {
    private static float[][] tokens(Random r, int count, int cols) {
        float[][] xs = new float[count][cols];
        for (float[] x : xs) {
            for (int i = 0; i < cols; i++) x[i] = (float) (r.nextGaussian() * 2);
        }
        return xs;
    }

    private static void assertReference(QuantGroups g, float[][] xs, float[][] outs, int count, int from, int to,
                                        int rows, String what) {
        for (int t = 0; t < count; t++) {
            Q8_KActivations a = Q8_KActivations.of(xs[t], xs[t].length);
            for (int r = 0; r < rows; r++) {
                float want = r >= from && r < to ? g.dot8Reference(r, a) : -7f;
                assertEquals(want, outs[t][r], what + ": token " + t + ", row " + r);
            }
        }
    }

    @Test
    void equalsScalarReferenceAtEveryTail() {
        assumeTrue(Q4_KGemm.AVAILABLE, "no 512-bit short vectors: the integer prefill does not run here");
        Random r = new Random(3);
        int rows = 37;
        for (int cols : new int[] {256, 768}) {
            QuantGroups g = QuantGroups.held(KQuantKernelsTest.random(DType.Q4_K, rows, cols, r));
            assertTrue(g.q4Paired(), "Q4_K is repacked row-paired on this machine");
            for (int count : new int[] {64, 65, 100, 128}) {
                float[][] xs = tokens(r, count, cols);
                Q4_KGemm.Panels x = Q4_KGemm.Panels.of(xs, count, cols);
                for (int[] range : new int[][] {{0, rows}, {5, 21}, {16, 32}, {33, 37}}) {
                    float[][] outs = new float[count][rows];
                    for (float[] o : outs) Arrays.fill(o, -7f);
                    Q4_KGemm.multiply(g, x, count, outs, range[0], range[1]);
                    assertReference(g, xs, outs, count, range[0], range[1], rows,
                            cols + " columns, " + count + " tokens, rows " + Arrays.toString(range));
                }
            }
        }
    }

    /** Kernels.matmul takes the integer path from Q4_KGemm.FROM tokens on (so the model's prefill does), on one or two threads. */
    @Test
    void matmulRunsTheIntegerProductAndNaNStaysInItsToken() {
        assumeTrue(Q4_KGemm.AVAILABLE, "no 512-bit short vectors: the integer prefill does not run here");
        Random r = new Random(4);
        int rows = 48;
        int cols = 512;
        KQuantTensor w = KQuantKernelsTest.random(DType.Q4_K, rows, cols, r);
        QuantGroups g = QuantGroups.held(w);
        int count = Q4_KGemm.FROM + 3;
        float[][] xs = tokens(r, count, cols);
        xs[7][300] = Float.NaN; // token 7's second block: every row of token 7 is NaN, the others are untouched
        try (Parallel two = new Parallel(2)) {
            for (Parallel par : new Parallel[] {Parallel.SERIAL, two}) { // two threads: rows split, panels shared
                float[][] outs = new float[count][rows];
                Kernels.matmul(w, xs, null, outs, count, par);
                for (int t = 0; t < count; t++) {
                    Q8_KActivations a = Q8_KActivations.of(xs[t], cols);
                    for (int row = 0; row < rows; row++) {
                        assertEquals(g.dot8Reference(row, a), outs[t][row], "token " + t + ", row " + row);
                        assertEquals(t == 7, Float.isNaN(outs[t][row]), "token " + t + ", row " + row + ": " + outs[t][row]);
                    }
                }
            }
        }
    }

    /** Every q at 15, scales and mins at 63 and x_q at -127: a sub-block's short sums at their largest, still exact. */
    @Test
    void extremeQuantsDoNotOverflow() {
        assumeTrue(Q4_KGemm.AVAILABLE, "no 512-bit short vectors: the integer prefill does not run here");
        int cols = 256;
        byte[] raw = new byte[(int) DType.Q4_K.bytesFor(16L * cols)];
        Arrays.fill(raw, (byte) 0xFF);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < 16; blk++) {
            int at = blk * DType.Q4_K.blockBytes();
            b.putShort(at, Float.floatToFloat16(1f)).putShort(at + 2, Float.floatToFloat16(1f));
        }
        QuantGroups g = QuantGroups.held(Tensor.of(DType.Q4_K, java.lang.foreign.MemorySegment.ofArray(raw), 16, cols));
        for (float sign : new float[] {1f, -1f}) { // x_q all -127, then all +127 (q - 8 = 7 times 127)
            int count = 64;
            float[][] xs = new float[count][cols];
            for (float[] x : xs) Arrays.fill(x, sign);
            float[][] outs = new float[count][16];
            Q4_KGemm.multiply(g, Q4_KGemm.Panels.of(xs, count, cols), count, outs, 0, 16);
            assertReference(g, xs, outs, count, 0, 16, 16, "sign " + sign);
        }
    }
}
