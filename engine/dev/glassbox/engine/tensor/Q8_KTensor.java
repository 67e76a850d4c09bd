package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q8_K (292 bytes per 256 values): float32 d, 256 int8 quants, 16 int16 sums of 16 quants each (used only
 * by ggml's integer dot products, ignored here). value = d * q.
 */
public final class Q8_KTensor extends KQuantTensor {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Q8_KTensor(MemorySegment data, int rows, int cols) {
        super(DType.Q8_K, data, rows, cols);
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = data.get(LE_FLOAT, blk);
        for (int l = 0; l < QK; l++) {
            dst[off + l] = d * data.get(ValueLayout.JAVA_BYTE, blk + 4 + l);
        }
    }

    @Override
    float dotBlock(long blk, float[] x, int xi) {
        FloatVector s = FloatVector.zero(Lanes.F);
        for (int l = 0; l < QK; l += Lanes.L) {
            ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 4 + l, ByteOrder.LITTLE_ENDIAN);
            s = ((FloatVector) b.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xi + l), s);
        }
        return data.get(LE_FLOAT, blk) * s.reduceLanes(VectorOperators.ADD);
    }
}
