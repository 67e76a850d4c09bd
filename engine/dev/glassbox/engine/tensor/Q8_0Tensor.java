package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q8_0: blocks of 32 values, each block = f16 scale d then 32 int8 q; value = d * q. The dot product
 * widens each block's int8 values to float32 and keeps the activations in float32.
 */
public record Q8_0Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    public Q8_0Tensor {
        Tensor.checkShape(rows, cols, DType.Q8_0, data.byteSize());
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
    }

    @Override
    public DType dtype() { return DType.Q8_0; }

    private float scale(long blk) {
        return Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, blk));
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        if (!Lanes.BLOCKS) {
            return dotScalar(base, x, xOff);
        }
        // Written out in one method, no helper returning a vector: a helper that C2 leaves un-inlined (its budget
        // spent on a large caller) boxes every vector it returns and runs many times slower.
        FloatVector acc = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            FloatVector s = FloatVector.zero(Lanes.F);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(Lanes.S8, data, blk + 2 + j, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, Lanes.F, 0);
                s = q.fma(FloatVector.fromArray(Lanes.F, x, xi + j), s);
            }
            acc = s.fma(FloatVector.broadcast(Lanes.F, scale(blk)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private float dotScalar(long base, float[] x, int xOff) {
        float sum = 0;
        for (int b = 0; b < cols / BLOCK; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float s = 0;
            int xi = xOff + b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                s += data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) * x[xi + j];
            }
            sum += scale(blk) * s;
        }
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        for (int b = 0; b < cols / BLOCK; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = scale(blk);
            int o = dstOff + b * BLOCK;
            if (Lanes.BLOCKS) {
                for (int j = 0; j < BLOCK; j += Lanes.L) {
                    Lanes.widen(Lanes.bytes(data, blk + 2 + j)).mul(d).intoArray(dst, o + j);
                }
            } else {
                for (int j = 0; j < BLOCK; j++) {
                    dst[o + j] = d * data.get(ValueLayout.JAVA_BYTE, blk + 2 + j);
                }
            }
        }
    }
}
