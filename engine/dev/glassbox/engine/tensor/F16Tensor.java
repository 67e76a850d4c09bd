package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian IEEE half-precision matrix; its row kernels are {@link HalfRows}'. */
public record F16Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public F16Tensor {
        Tensor.checkShape(rows, cols, DType.F16, data.byteSize());
    }

    @Override
    public DType dtype() { return DType.F16; }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return HalfRows.dot(data, row, cols, x, xOff, false);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        HalfRows.readRow(data, row, cols, dst, dstOff, false);
    }
}
