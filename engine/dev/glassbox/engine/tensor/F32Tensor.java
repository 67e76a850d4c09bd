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
     * {@code outs[t][r] = row r · x_t} for rows [from, to) and tokens t < count, given the tokens transposed:
     * {@code xt[k * stride + t] = x_t[k]}, stride a multiple of the vector length, padding zero. Vectors run over
     * tokens, so there are no horizontal sums: each k broadcasts four weights into a tile of 4 rows x 4 vectors of
     * tokens held in registers (32 vector registers on AVX-512 and NEON). Token tiles are the outer loop so a
     * tile's columns of {@code xt} stay in L2 while the weight rows stream past.
     */
    public void matmulTransposed(float[] xt, int stride, int count, float[][] outs, int from, int to) {
        int lanes = S.length();
        float[] lane = new float[lanes];
        for (int t = 0; t < count; t += 4 * lanes) {
            int vectors = Math.min(4, (Math.min(count, t + 4 * lanes) - t + lanes - 1) / lanes);
            int r = from;
            for (; r + 3 < to; r += 4) {
                if (vectors == 4) {
                    tile4x4(xt, stride, t, r, count, outs, lane);
                } else {
                    for (int v = 0; v < vectors; v++) {
                        tile4x1(xt, stride, t + v * lanes, r, count, outs, lane);
                    }
                }
            }
            for (; r < to; r++) {
                for (int v = 0; v < vectors; v++) {
                    tile1x1(xt, stride, t + v * lanes, r, count, outs, lane);
                }
            }
        }
    }

    private void tile4x4(float[] xt, int stride, int t, int r, int count, float[][] outs, float[] lane) {
        int l = S.length();
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int xi = t;
        for (int k = 0; k < cols; k++, xi += stride) {
            FloatVector x0 = FloatVector.fromArray(S, xt, xi);
            FloatVector x1 = FloatVector.fromArray(S, xt, xi + l);
            FloatVector x2 = FloatVector.fromArray(S, xt, xi + 2 * l);
            FloatVector x3 = FloatVector.fromArray(S, xt, xi + 3 * l);
            long o = (long) k * Float.BYTES;
            FloatVector w = FloatVector.broadcast(S, data.get(LE, b0 + o));
            a00 = x0.fma(w, a00);
            a01 = x1.fma(w, a01);
            a02 = x2.fma(w, a02);
            a03 = x3.fma(w, a03);
            w = FloatVector.broadcast(S, data.get(LE, b1 + o));
            a10 = x0.fma(w, a10);
            a11 = x1.fma(w, a11);
            a12 = x2.fma(w, a12);
            a13 = x3.fma(w, a13);
            w = FloatVector.broadcast(S, data.get(LE, b2 + o));
            a20 = x0.fma(w, a20);
            a21 = x1.fma(w, a21);
            a22 = x2.fma(w, a22);
            a23 = x3.fma(w, a23);
            w = FloatVector.broadcast(S, data.get(LE, b3 + o));
            a30 = x0.fma(w, a30);
            a31 = x1.fma(w, a31);
            a32 = x2.fma(w, a32);
            a33 = x3.fma(w, a33);
        }
        scatter(a00, outs, t, r, count, lane);
        scatter(a01, outs, t + l, r, count, lane);
        scatter(a02, outs, t + 2 * l, r, count, lane);
        scatter(a03, outs, t + 3 * l, r, count, lane);
        scatter(a10, outs, t, r + 1, count, lane);
        scatter(a11, outs, t + l, r + 1, count, lane);
        scatter(a12, outs, t + 2 * l, r + 1, count, lane);
        scatter(a13, outs, t + 3 * l, r + 1, count, lane);
        scatter(a20, outs, t, r + 2, count, lane);
        scatter(a21, outs, t + l, r + 2, count, lane);
        scatter(a22, outs, t + 2 * l, r + 2, count, lane);
        scatter(a23, outs, t + 3 * l, r + 2, count, lane);
        scatter(a30, outs, t, r + 3, count, lane);
        scatter(a31, outs, t + l, r + 3, count, lane);
        scatter(a32, outs, t + 2 * l, r + 3, count, lane);
        scatter(a33, outs, t + 3 * l, r + 3, count, lane);
    }

    private void tile4x1(float[] xt, int stride, int t, int r, int count, float[][] outs, float[] lane) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int xi = t;
        for (int k = 0; k < cols; k++, xi += stride) {
            FloatVector x = FloatVector.fromArray(S, xt, xi);
            long o = b0 + (long) k * Float.BYTES;
            a0 = x.fma(FloatVector.broadcast(S, data.get(LE, o)), a0);
            a1 = x.fma(FloatVector.broadcast(S, data.get(LE, o + rowBytes)), a1);
            a2 = x.fma(FloatVector.broadcast(S, data.get(LE, o + 2 * rowBytes)), a2);
            a3 = x.fma(FloatVector.broadcast(S, data.get(LE, o + 3 * rowBytes)), a3);
        }
        scatter(a0, outs, t, r, count, lane);
        scatter(a1, outs, t, r + 1, count, lane);
        scatter(a2, outs, t, r + 2, count, lane);
        scatter(a3, outs, t, r + 3, count, lane);
    }

    private void tile1x1(float[] xt, int stride, int t, int r, int count, float[][] outs, float[] lane) {
        long b = (long) r * cols * Float.BYTES;
        FloatVector a = FloatVector.zero(S);
        int xi = t;
        for (int k = 0; k < cols; k++, xi += stride) {
            a = FloatVector.fromArray(S, xt, xi).fma(FloatVector.broadcast(S, data.get(LE, b + (long) k * Float.BYTES)), a);
        }
        scatter(a, outs, t, r, count, lane);
    }

    /** outs[t + i][r] = lane i of v, for the tokens that exist (the padding lanes are dropped). */
    private static void scatter(FloatVector v, float[][] outs, int t, int r, int count, float[] lane) {
        v.intoArray(lane, 0);
        int n = Math.min(lane.length, count - t);
        for (int i = 0; i < n; i++) {
            outs[t + i][r] = lane[i];
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
