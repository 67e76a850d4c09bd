package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q8_0: blocks of 32 values, value = d * q with one scale d per block and int8 q. The file stores each
 * block as f16 d then 32 q (34 bytes); this tensor keeps the same numbers split into a heap array of all q
 * (row-major, {@code rows * cols} bytes) and one of the scales as float32. That costs one copy at load and
 * buys a decode dot product about a quarter faster than reading the 34-byte blocks in place: aligned 16-byte
 * loads, no f16 conversion per block, and int indices whose range checks C2 hoists out of the loop.
 */
public record Q8_0Tensor(byte[] quants, float[] scales, int rows, int cols) implements Tensor {
    static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    public Q8_0Tensor {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor shape must be positive, got " + rows + " x " + cols);
        }
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
        if (quants.length != (long) rows * cols || scales.length != (long) rows * (cols / BLOCK)) {
            throw new IllegalArgumentException("Q8_0 " + rows + " x " + cols + " needs " + (long) rows * cols
                    + " values and " + (long) rows * (cols / BLOCK) + " scales, got " + quants.length + " and "
                    + scales.length);
        }
    }

    /** Reads ggml's block layout (f16 scale, 32 int8 values; {@code rows * cols / 32} blocks). */
    public static Q8_0Tensor fromBlocks(MemorySegment blocks, int rows, int cols) {
        Tensor.checkShape(rows, cols, DType.Q8_0, blocks.byteSize());
        long values = (long) rows * cols;
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Q8_0 tensor " + rows + " x " + cols + " holds more than 2^31 values,"
                    + " too many for this engine");
        }
        byte[] q = new byte[(int) values];
        float[] d = new float[(int) (values / BLOCK)];
        for (int b = 0; b < d.length; b++) {
            long at = (long) b * BLOCK_BYTES;
            d[b] = Float.float16ToFloat(blocks.get(F16Tensor.LE_SHORT, at));
            MemorySegment.copy(blocks, ValueLayout.JAVA_BYTE, at + 2, q, b * BLOCK, BLOCK);
        }
        return new Q8_0Tensor(q, d, rows, cols); // which rejects rows of partial blocks
    }

    /** The tensor in ggml's block layout, as a file stores it (scales back to the f16 they were read from). */
    public MemorySegment blocks() {
        MemorySegment out = MemorySegment.ofArray(new byte[Math.multiplyExact(scales.length, BLOCK_BYTES)]);
        for (int b = 0; b < scales.length; b++) {
            long at = (long) b * BLOCK_BYTES;
            out.set(F16Tensor.LE_SHORT, at, Float.floatToFloat16(scales[b]));
            MemorySegment.copy(quants, b * BLOCK, out, ValueLayout.JAVA_BYTE, at + 2, BLOCK);
        }
        return out;
    }

    @Override
    public DType dtype() { return DType.Q8_0; }

    @Override
    public float dot(int row, float[] x, int xOff) {
        int base = row * cols;
        int scale = row * (cols / BLOCK);
        if (!Lanes.BLOCKS) {
            return dotScalar(base, scale, x, xOff);
        }
        // Written out in one method, no helper returning a vector: a helper that C2 leaves un-inlined (its budget
        // spent on a large caller) boxes every vector it returns and runs many times slower.
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int i = 0; i < cols; i += BLOCK) {
            FloatVector s = FloatVector.zero(Lanes.F);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                FloatVector q = (FloatVector) ByteVector.fromArray(Lanes.S8, quants, base + i + j)
                        .convertShape(VectorOperators.B2F, Lanes.F, 0);
                s = q.fma(FloatVector.fromArray(Lanes.F, x, xOff + i + j), s);
            }
            acc = s.fma(FloatVector.broadcast(Lanes.F, scales[scale + i / BLOCK]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private float dotScalar(int base, int scale, float[] x, int xOff) {
        float sum = 0;
        for (int i = 0; i < cols; i += BLOCK) {
            float s = 0;
            for (int j = 0; j < BLOCK; j++) {
                s += quants[base + i + j] * x[xOff + i + j];
            }
            sum += scales[scale + i / BLOCK] * s;
        }
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        int base = row * cols;
        int scale = row * (cols / BLOCK);
        for (int i = 0; i < cols; i += BLOCK) {
            float d = scales[scale + i / BLOCK];
            for (int j = 0; j < BLOCK; j++) {
                dst[dstOff + i + j] = d * quants[base + i + j];
            }
        }
    }
}
