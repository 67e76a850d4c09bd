package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Little-endian float32 matrix over a memory segment (a mapped file region or a heap array). */
public record F32Tensor(MemorySegment data, int rows, int cols) implements Tensor {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public F32Tensor {
        Tensor.checkShape(rows, cols, DType.F32, data.byteSize());
    }

    /** Wraps a heap array (row-major, {@code rows * cols} values). */
    public static F32Tensor of(float[] values, int rows, int cols) {
        return new F32Tensor(MemorySegment.ofArray(values), rows, cols);
    }

    @Override
    public DType dtype() { return DType.F32; }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * Float.BYTES;
        int i = 0;
        int upper = S.loopBound(cols);
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int step = S.length();
        for (; i + step < upper; i += 2 * step) {
            FloatVector w0 = FloatVector.fromMemorySegment(S, data, base + (long) i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            FloatVector w1 = FloatVector.fromMemorySegment(S, data, base + (long) (i + step) * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            acc0 = w0.fma(FloatVector.fromArray(S, x, xOff + i), acc0);
            acc1 = w1.fma(FloatVector.fromArray(S, x, xOff + i + step), acc1);
        }
        for (; i < upper; i += step) {
            FloatVector w = FloatVector.fromMemorySegment(S, data, base + (long) i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            acc0 = w.fma(FloatVector.fromArray(S, x, xOff + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            sum += data.get(LE, base + (long) i * Float.BYTES) * x[xOff + i];
        }
        return sum;
    }

    /**
     * {@code out[r] = row r · x} for rows {@code [from, to)}, one row at a time. (Four rows per pass sharing
     * the x loads wins only when the rows are cache-resident; streaming from memory it measured slower, so
     * it is used for the batched prefill, where each row is reused for a block of tokens.)
     */
    public void matvec(float[] x, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    /**
     * Matrix-matrix product for a block of tokens: {@code outs[t][r] = row r · xs[t]} for rows [from, to) and
     * tokens t < count. Four rows at a time are read once from memory and then stay in cache for every token.
     */
    public void matmul(float[][] xs, float[][] outs, int count, int from, int to) {
        int r = from;
        for (; r + 3 < to; r += 4) {
            for (int t = 0; t < count; t++) {
                dot4(r, xs[t], outs[t]);
            }
        }
        for (; r < to; r++) {
            for (int t = 0; t < count; t++) {
                outs[t][r] = dot(r, xs[t], 0);
            }
        }
    }

    /**
     * {@code outs[t][r] = row r · x_t} for rows [from, to) and tokens t < count, given the tokens transposed
     * ({@code xt[k * stride + t] = x_t[k]}, see {@link Gemm}): the register-blocked product of prefill.
     */
    public void matmulTransposed(float[] xt, int stride, int count, float[][] outs, int from, int to) {
        // a block of rows at a time, copied in one sequential stream into a heap tile that stays in L2 while the
        // k slices of xt pass through L1 (read in place, the k slices made 16 short streams from memory and
        // prefill of the mapped stories110M ran 30 % slower than the row-at-a-time kernel before)
        float[] tile = Scratch.floats(Scratch.Slot.WEIGHTS, Gemm.BLOCK_ROWS * cols);
        for (int r = from; r < to; r += Gemm.BLOCK_ROWS) {
            int n = Math.min(Gemm.BLOCK_ROWS, to - r);
            MemorySegment.copy(data, LE, (long) r * cols * Float.BYTES, tile, 0, n * cols);
            Gemm.multiply(tile, cols, 1, cols, n, 0, n, xt, stride, count, outs, r);
        }
    }

    private void dot4(int r, float[] x, float[] out) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int upper = S.loopBound(cols);
        int i = 0;
        for (; i < upper; i += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            long off = (long) i * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(S, data, b0 + off, ByteOrder.LITTLE_ENDIAN).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, data, b1 + off, ByteOrder.LITTLE_ENDIAN).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, data, b2 + off, ByteOrder.LITTLE_ENDIAN).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, data, b3 + off, ByteOrder.LITTLE_ENDIAN).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            long off = (long) i * Float.BYTES;
            float xi = x[i];
            s0 += data.get(LE, b0 + off) * xi;
            s1 += data.get(LE, b1 + off) * xi;
            s2 += data.get(LE, b2 + off) * xi;
            s3 += data.get(LE, b3 + off) * xi;
        }
        out[r] = s0;
        out[r + 1] = s1;
        out[r + 2] = s2;
        out[r + 3] = s3;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        MemorySegment.copy(data, LE, (long) row * cols * Float.BYTES, dst, dstOff, cols);
    }
}
