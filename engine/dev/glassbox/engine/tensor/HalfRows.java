package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The row kernels of {@link F16Tensor} and {@link BF16Tensor}: little-endian 16-bit floats, IEEE half or bfloat16
 * (the upper 16 bits of a float32). The dot product widens a chunk into a small float buffer with a plain loop
 * (Float.float16ToFloat compiles to vector half-to-float conversions; measured ~3x faster than widening with
 * Vector API shuffles) and multiplies it with FloatVector FMAs.
 */
final class HalfRows {
    private static final int CHUNK = 64;

    private HalfRows() {
    }

    /** The value at byte {@code offset}. */
    static float at(MemorySegment data, long offset, boolean bf16) {
        short s = data.get(F16Tensor.LE_SHORT, offset);
        return bf16 ? Float.intBitsToFloat((s & 0xFFFF) << 16) : Float.float16ToFloat(s);
    }

    static float dot(MemorySegment data, int row, int cols, float[] x, int xOff, boolean bf16) {
        long base = (long) row * cols * 2;
        float[] buf = new float[CHUNK];
        FloatVector acc = FloatVector.zero(Lanes.F);
        int i = 0;
        for (; i + CHUNK <= cols; i += CHUNK) {
            // one plain loop per format, so each stays a loop C2 vectorises
            if (bf16) {
                for (int k = 0; k < CHUNK; k++) {
                    buf[k] = Float.intBitsToFloat((data.get(F16Tensor.LE_SHORT, base + 2L * (i + k)) & 0xFFFF) << 16);
                }
            } else {
                for (int k = 0; k < CHUNK; k++) {
                    buf[k] = Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, base + 2L * (i + k)));
                }
            }
            for (int k = 0; k < CHUNK; k += Lanes.L) {
                acc = FloatVector.fromArray(Lanes.F, buf, k).fma(FloatVector.fromArray(Lanes.F, x, xOff + i + k), acc);
            }
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            sum += at(data, base + 2L * i, bf16) * x[xOff + i];
        }
        return sum;
    }

    static void readRow(MemorySegment data, int row, int cols, float[] dst, int dstOff, boolean bf16) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) {
            dst[dstOff + i] = at(data, base + 2L * i, bf16);
        }
    }
}
