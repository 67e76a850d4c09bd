package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;

/** Little-endian bfloat16 matrix (the upper 16 bits of a float32); its row kernels are {@link HalfRows}'. */
public record BF16Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    public BF16Tensor {
        Tensor.checkShape(rows, cols, DType.BF16, data.byteSize());
    }

    @Override
    public DType dtype() { return DType.BF16; }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return HalfRows.dot(data, row, cols, x, xOff, true);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        HalfRows.readRow(data, row, cols, dst, dstOff, true);
    }
}
