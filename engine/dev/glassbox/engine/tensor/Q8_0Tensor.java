package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
        // Two independent accumulators, one per alternate block: the scale FMA of one block no longer waits on
        // the previous block's, which bounded this loop by FMA latency rather than by loads.
        FloatVector acc0 = FloatVector.zero(Lanes.F);
        FloatVector acc1 = FloatVector.zero(Lanes.F);
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long blk = base + (long) b * BLOCK_BYTES;
            acc0 = block(blk, x, xOff + b * BLOCK).fma(FloatVector.broadcast(Lanes.F, scale(blk)), acc0);
            long next = blk + BLOCK_BYTES;
            acc1 = block(next, x, xOff + (b + 1) * BLOCK).fma(FloatVector.broadcast(Lanes.F, scale(next)), acc1);
        }
        if (b < blocks) {
            long blk = base + (long) b * BLOCK_BYTES;
            acc0 = block(blk, x, xOff + b * BLOCK).fma(FloatVector.broadcast(Lanes.F, scale(blk)), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** The unscaled lane sums of one block: q[j] * x[j] folded into one vector. */
    private FloatVector block(long blk, float[] x, int xi) {
        FloatVector s = Lanes.widen(Lanes.bytes(data, blk + 2)).mul(FloatVector.fromArray(Lanes.F, x, xi));
        for (int j = Lanes.L; j < BLOCK; j += Lanes.L) {
            s = Lanes.widen(Lanes.bytes(data, blk + 2 + j)).fma(FloatVector.fromArray(Lanes.F, x, xi + j), s);
        }
        return s;
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
