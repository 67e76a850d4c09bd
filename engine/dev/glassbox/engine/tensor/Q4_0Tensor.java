package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_0: blocks of 32 values, each block = f16 scale d then 16 bytes; byte j holds value j in its low
 * nibble and value j+16 in its high nibble; value = d * (nibble - 8). The dot product unpacks nibbles a vector
 * at a time and keeps the activations in float32.
 */
public record Q4_0Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 18;

    public Q4_0Tensor {
        Tensor.checkShape(rows, cols, DType.Q4_0, data.byteSize());
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q4_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
    }

    @Override
    public DType dtype() { return DType.Q4_0; }

    private float scale(long blk) {
        return Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, blk));
    }

    /** Low nibbles minus 8 (values j of the block). */
    private static FloatVector low(ByteVector q) {
        return Lanes.widen(q.and((byte) 0x0F).sub((byte) 8));
    }

    /** High nibbles minus 8 (values j + 16 of the block). */
    private static FloatVector high(ByteVector q) {
        return Lanes.widen(q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8));
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        if (!Lanes.BLOCKS) {
            return dotScalar(base, x, xOff);
        }
        // written out without vector-returning helpers, as in Q8_0Tensor.dot (un-inlined helpers box vectors)
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            FloatVector s = FloatVector.zero(Lanes.F);
            for (int j = 0; j < 16; j += Lanes.L) {
                ByteVector q = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 2 + j, ByteOrder.LITTLE_ENDIAN);
                FloatVector lo = (FloatVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Lanes.F, 0);
                s = lo.fma(FloatVector.fromArray(Lanes.F, x, xi + j), s);
                s = hi.fma(FloatVector.fromArray(Lanes.F, x, xi + 16 + j), s);
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
            for (int j = 0; j < 16; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) & 0xFF;
                s += ((q & 0x0F) - 8) * x[xi + j] + ((q >>> 4) - 8) * x[xi + j + 16];
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
                for (int j = 0; j < 16; j += Lanes.L) {
                    ByteVector q = Lanes.bytes(data, blk + 2 + j);
                    low(q).mul(d).intoArray(dst, o + j);
                    high(q).mul(d).intoArray(dst, o + 16 + j);
                }
            } else {
                for (int j = 0; j < 16; j++) {
                    int q = data.get(ValueLayout.JAVA_BYTE, blk + 2 + j) & 0xFF;
                    dst[o + j] = d * ((q & 0x0F) - 8);
                    dst[o + j + 16] = d * ((q >>> 4) - 8);
                }
            }
        }
    }
}
