package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A read-only 2-D weight matrix of {@code rows x cols} (out x in), stored row-major in some {@link DType}.
 * Matrix-vector products go through {@link #dot}, which reads quantized rows block by block without
 * dequantising the whole tensor.
 */
public sealed interface Tensor permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, Q5_0Tensor, KQuantTensor {
    int rows();

    int cols();

    DType dtype();

    /** Dot product of row {@code row} with {@code x[xOff .. xOff + cols)}. */
    float dot(int row, float[] x, int xOff);

    /** Writes row {@code row}, dequantised, to {@code dst[dstOff .. dstOff + cols)}. */
    void readRow(int row, float[] dst, int dstOff);

    /** Bytes of weight data (what one full matrix-vector product streams from memory). */
    default long byteSize() {
        return dtype().bytesFor((long) rows() * cols());
    }

    /** Dequantises one row into a new array. */
    default float[] row(int row) {
        float[] out = new float[cols()];
        readRow(row, out, 0);
        return out;
    }

    /** Dequantises the whole tensor (for analysis and tests, never on the decode path). */
    default float[] toFloatArray() {
        float[] out = new float[Math.multiplyExact(rows(), cols())];
        for (int r = 0; r < rows(); r++) {
            readRow(r, out, r * cols());
        }
        return out;
    }

    /** The {@code rows x cols} matrix of type {@code type} stored in {@code data} (GGUF's block layouts for the quantized types). */
    static Tensor of(DType type, MemorySegment data, int rows, int cols) {
        return switch (type) {
            case F32 -> new F32Tensor(data, rows, cols);
            case F16 -> new F16Tensor(data, rows, cols);
            case BF16 -> new BF16Tensor(data, rows, cols);
            case Q8_0 -> Q8_0Tensor.fromBlocks(data, rows, cols);
            case Q4_0 -> new Q4_0Tensor(data, rows, cols);
            case Q5_0 -> new Q5_0Tensor(data, rows, cols);
            case Q2_K -> new Q2_KTensor(data, rows, cols);
            case Q3_K -> new Q3_KTensor(data, rows, cols);
            case Q4_K -> new Q4_KTensor(data, rows, cols);
            case Q5_K -> new Q5_KTensor(data, rows, cols);
            case Q6_K -> new Q6_KTensor(data, rows, cols);
            case Q8_K -> new Q8_KTensor(data, rows, cols);
        };
    }

    static void checkShape(int rows, int cols, DType type, long available) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor shape must be positive, got " + rows + " x " + cols);
        }
        long need = type.bytesFor((long) rows * cols);
        if (need > available) {
            throw new IllegalArgumentException("tensor " + rows + " x " + cols + " " + type + " needs " + need
                    + " bytes but only " + available + " are available");
        }
    }
}
