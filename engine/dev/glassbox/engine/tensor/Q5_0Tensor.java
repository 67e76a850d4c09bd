package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_0: blocks of 32 values, each block = f16 scale d, 4 bytes qh (bit j = fifth bit of value j, little
 * endian), 16 bytes qs (value j's low four bits in byte j's low nibble, value j+16's in its high nibble); value =
 * d * (q - 16) (ggml-quants.c {@code dequantize_row_q5_0}). llama-quantize writes it for a K-quant mix's matrices
 * whose rows are not whole 256-value super-blocks. {@link #dot} and {@link #readRow} read the blocks in place with
 * scalar code (the reference); the matrix products run on a copy repacked at load ({@link QuantGroups}: q - 16 as
 * signed bytes, one d per block of 32) where the machine has 256-bit vectors.
 */
public final class Q5_0Tensor implements Tensor {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 22;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final QuantGroups.Layout LAYOUT = new QuantGroups.Layout(BLOCK, BLOCK, false, false, false);

    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final QuantGroups groups;

    public Q5_0Tensor(MemorySegment data, int rows, int cols) {
        Tensor.checkShape(rows, cols, DType.Q5_0, data.byteSize());
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q5_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.groups = QuantGroups.of(LAYOUT, data, BLOCK_BYTES, rows, cols, this::split);
    }

    /** The stored blocks, as the file holds them. */
    public MemorySegment data() { return data; }

    @Override
    public int rows() { return rows; }

    @Override
    public int cols() { return cols; }

    @Override
    public DType dtype() { return DType.Q5_0; }

    /** The grouped copy the products run on, or null. */
    QuantGroups groups() {
        return groups;
    }

    private void split(long blk, QuantGroups.Parts p) {
        p.d = Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, blk));
        p.scale[0] = 1;
        int qh = data.get(LE_INT, blk + 2);
        for (int j = 0; j < 16; j++) {
            int q = data.get(ValueLayout.JAVA_BYTE, blk + 6 + j) & 0xFF;
            p.q[j] = (byte) (((q & 0x0F) | ((qh >>> j) << 4 & 0x10)) - 16);
            p.q[j + 16] = (byte) (((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16);
        }
    }

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
