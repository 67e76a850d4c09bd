package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each dtype's vectorised dot() and readRow() against a scalar reference decoder written here from the ggml
 * block layouts, on random data of awkward sizes and with a non-zero activation offset.
 */
class QuantizedKernelsTest {
    private static final int ROWS = 3;

    /** Random raw bytes of a valid {@code rows x cols} tensor of this dtype (finite values only). */
    static byte[] randomData(DType d, int rows, int cols, Random r) {
        int n = rows * cols;
        ByteBuffer b = ByteBuffer.allocate((int) d.bytesFor(n)).order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case F32 -> { for (int i = 0; i < n; i++) b.putFloat((float) r.nextGaussian()); }
            case F16 -> { for (int i = 0; i < n; i++) b.putShort(Float.floatToFloat16((float) r.nextGaussian() * (i % 7 == 0 ? 1e-5f : 1f))); }
            case BF16 -> { for (int i = 0; i < n; i++) b.putShort((short) (Float.floatToRawIntBits((float) r.nextGaussian()) >>> 16)); }
            case Q8_0, Q4_0, Q5_0 -> {
                for (int blk = 0; blk < n / 32; blk++) {
                    b.putShort(Float.floatToFloat16((float) (r.nextDouble() * 0.1 - 0.05)));
                    byte[] q = new byte[d == DType.Q8_0 ? 32 : d == DType.Q5_0 ? 20 : 16]; // Q5_0: qh then qs
                    r.nextBytes(q);
                    b.put(q);
                }
            }
        }
        return b.array();
    }

    /** Scalar reference dequantisation straight from the ggml layouts. */
    static double[] reference(DType d, byte[] raw, int n) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[n];
        switch (d) {
            case F32 -> { for (int i = 0; i < n; i++) v[i] = b.getFloat(4 * i); }
            case F16 -> { for (int i = 0; i < n; i++) v[i] = Float.float16ToFloat(b.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat(b.getShort(2 * i) << 16); }
            case Q8_0 -> {
                for (int blk = 0; blk < n / 32; blk++) {
                    double s = Float.float16ToFloat(b.getShort(34 * blk));
                    for (int j = 0; j < 32; j++) v[32 * blk + j] = s * b.get(34 * blk + 2 + j);
                }
            }
            case Q5_0 -> {
                // ggml dequantize_row_q5_0: bit j of the little-endian qh is the fifth bit of value j
                for (int blk = 0; blk < n / 32; blk++) {
                    double s = Float.float16ToFloat(b.getShort(22 * blk));
                    long qh = b.getInt(22 * blk + 2) & 0xFFFFFFFFL;
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(22 * blk + 6 + j) & 0xFF;
                        v[32 * blk + j] = s * ((q & 15) + 16 * ((qh >> j) & 1) - 16);
                        v[32 * blk + j + 16] = s * ((q >> 4) + 16 * ((qh >> (j + 16)) & 1) - 16);
                    }
                }
            }
            case Q4_0 -> {
                for (int blk = 0; blk < n / 32; blk++) {
                    double s = Float.float16ToFloat(b.getShort(18 * blk));
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(18 * blk + 2 + j) & 0xFF;
                        v[32 * blk + j] = s * ((q & 15) - 8);
                        v[32 * blk + j + 16] = s * ((q >> 4) - 8);
                    }
                }
            }
        }
        return v;
    }

    static Tensor tensor(DType d, byte[] raw, int rows, int cols) {
        return Tensor.of(d, MemorySegment.ofArray(raw), rows, cols);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // K-quants: KQuantKernelsTest
    void dotAndReadRowMatchScalarReference(DType d) {
        Random r = new Random(42 + d.ordinal());
        int[] sizes = d.blockSize() == 1 ? new int[] {1, 7, 15, 16, 17, 33, 100, 257, 1000}
                : new int[] {32, 64, 96, 160, 288, 1024};
        for (int cols : sizes) {
            byte[] raw = randomData(d, ROWS, cols, r);
            Tensor t = tensor(d, raw, ROWS, cols);
            double[] w = reference(d, raw, ROWS * cols);
            int xOff = 5;
            float[] x = new float[xOff + cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            for (int row = 0; row < ROWS; row++) {
                double ref = 0;
                double mag = 0;
                for (int i = 0; i < cols; i++) {
                    ref += w[row * cols + i] * x[xOff + i];
                    mag += Math.abs(w[row * cols + i] * x[xOff + i]);
                }
                float got = t.dot(row, x, xOff);
                assertEquals(ref, got, 2e-6 * mag + 1e-30, d + " dot, cols " + cols + ", row " + row);
                float[] dst = new float[cols + 3];
                t.readRow(row, dst, 3);
                for (int i = 0; i < cols; i++) {
                    assertEquals((float) w[row * cols + i], dst[3 + i], d + " readRow, cols " + cols + ", index " + i);
                }
            }
        }
    }

    @Test
    void everyHalfPrecisionBitPatternWidensExactly() {
        int n = 1 << 16;
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putShort((short) i);
        float[] got = new F16Tensor(MemorySegment.ofArray(b.array()), 1, n).row(0);
        for (int i = 0; i < n; i++) {
            float want = Float.float16ToFloat((short) i);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]),
                    String.format("half 0x%04x: want %s got %s", i, want, got[i]));
        }
        float[] bf = new BF16Tensor(MemorySegment.ofArray(b.array()), 1, n).row(0);
        for (int i = 0; i < n; i++) {
            assertTrue(Float.floatToRawIntBits(bf[i]) == i << 16, String.format("bf16 0x%04x", i));
        }
    }
}
