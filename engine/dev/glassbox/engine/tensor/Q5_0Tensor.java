package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_0: blocks of 32 values, each block = f16 scale d, 4 bytes qh (bit j = fifth bit of value j, little
 * endian), 16 bytes qs (value j's low four bits in byte j's low nibble, value j+16's in its high nibble); value =
 * d * (q - 16) (ggml-quants.c {@code dequantize_row_q5_0}). llama-quantize writes it for a K-quant mix's matrices
 * whose rows are not whole 256-value super-blocks. Scalar code: such matrices are the exception in a K-quant file.
 */
public record Q5_0Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 22;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    public Q5_0Tensor {
        Tensor.checkShape(rows, cols, DType.Q5_0, data.byteSize());
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q5_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
    }

    @Override
    public DType dtype() { return DType.Q5_0; }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        float sum = 0;
        for (int b = 0; b < cols / BLOCK; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int qh = data.get(LE_INT, blk + 2);
            int xi = xOff + b * BLOCK;
            float s = 0;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, blk + 6 + j) & 0xFF;
                s += (((q & 0x0F) | ((qh >>> j) << 4 & 0x10)) - 16) * x[xi + j]
                        + (((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16) * x[xi + j + 16];
            }
            sum += Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, blk)) * s;
        }
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        for (int b = 0; b < cols / BLOCK; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, blk));
            int qh = data.get(LE_INT, blk + 2);
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, blk + 6 + j) & 0xFF;
                dst[o + j] = d * (((q & 0x0F) | ((qh >>> j) << 4 & 0x10)) - 16);
                dst[o + j + 16] = d * (((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16);
            }
        }
    }
}
