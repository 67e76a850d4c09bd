package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q8_0: blocks of 32 values, value = d * q with one scale d per block and int8 q. A file stores each block
 * as f16 d then 32 q (34 bytes); this tensor keeps the same numbers in a layout made for the matrix-vector
 * product, copied once at load: rows in groups of {@value #GROUP}, and within a group, column by column, the 16
 * rows' int8 values side by side (then per block the 16 rows' scales, kept as the file's float16 and widened in the
 * kernel: exact, and half the memory of float32 scales). One 16-byte load is then one
 * column of 16 rows, widened to 16 float lanes and multiplied by a broadcast x[c]: each lane accumulates its own
 * row, so there are no horizontal sums and one scale multiply per block serves 16 rows. On AVX-512 that is about
 * half the instructions of a row-by-row dot product (the same trick as llama.cpp's repacked "q8_0_4x8" layouts);
 * decode streams the whole tensor, so what matters is keeping up with memory on both cores. A last, partial
 * group is padded with zero rows.
 */
public final class Q8_0Tensor implements Tensor {
    static final int BLOCK = 32;
    /** Rows per group: one AVX-512 vector of float lanes. */
    static final int GROUP = 16;
    private static final int BLOCK_BYTES = 34;

    /** The group product this machine runs: 16 lanes (AVX-512), 2 x 8 (AVX2), 4 x 4 (Arm NEON), or scalar code. */
    enum Kernel { LANES_16, LANES_8, LANES_4, SCALAR }

    static final Kernel PREFERRED = switch (Lanes.L) {
        case 16 -> Lanes.BLOCKS ? Kernel.LANES_16 : Kernel.SCALAR;
        case 8 -> Lanes.BLOCKS ? Kernel.LANES_8 : Kernel.SCALAR;
        case 4 -> Kernel.LANES_4;
        default -> Kernel.SCALAR;
    };

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Short> H16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> H8 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> H4 = ShortVector.SPECIES_64;
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    /**
     * A float16 widened in vector lanes (the Vector API has no float16 conversion): its sign-extended bits shifted
     * left by 13 put its exponent and mantissa in a float32's places, the mask keeps the sign bit and clears the
     * extension, and the float32 read from them is the value times 2^-112 (exponent bias 15 against 127; a
     * subnormal float16 becomes a subnormal float32 of the same digits), so one multiply by 2^112 gives exactly
     * Float.float16ToFloat for every finite float16. Infinities and NaN would not survive it: setBlock refuses them.
     */
    private static final int HALF_MASK = 0x8FFF_FFFF;
    private static final float HALF_SCALE = 0x1p112f;

    private final int rows;
    private final int cols;
    private final int blocksPerRow;
    /** [group][column][row in group]: groups * cols * GROUP values. */
    private final byte[] quants;
    /** [group][block][row in group]: groups * (cols / 32) * GROUP scales, float16 bits. */
    private final short[] scales;

    /** An all-zero tensor to be filled by {@link #setBlock}. */
    Q8_0Tensor(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor shape must be positive, got " + rows + " x " + cols);
        }
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 rows must hold whole blocks of 32, got " + cols + " columns");
        }
        long padded = ((long) rows + GROUP - 1) / GROUP * GROUP;
        if (padded * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Q8_0 tensor " + rows + " x " + cols + " holds more than 2^31 values,"
                    + " too many for this engine");
        }
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = cols / BLOCK;
        this.quants = new byte[(int) (padded * cols)];
        this.scales = new short[(int) (padded * blocksPerRow)];
    }

    /** Reads ggml's block layout (f16 scale, 32 int8 values; {@code rows * cols / 32} blocks, row by row). */
    public static Q8_0Tensor fromBlocks(MemorySegment blocks, int rows, int cols) {
        Tensor.checkShape(rows, cols, DType.Q8_0, blocks.byteSize());
        Q8_0Tensor t = new Q8_0Tensor(rows, cols); // which rejects rows of partial blocks
        byte[] q = new byte[BLOCK];
        ReadPages pages = new ReadPages(blocks);
        long at = 0;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < t.blocksPerRow; b++, at += BLOCK_BYTES) {
                MemorySegment.copy(blocks, ValueLayout.JAVA_BYTE, at + 2, q, 0, BLOCK);
                t.setBlock(r, b, blocks.get(F16Tensor.LE_SHORT, at), q);
            }
            pages.readTo(at, r == rows - 1);
        }
        return t;
    }

    /**
     * Sets block {@code b} of row {@code r}: its float16 scale and 32 values. Only while the tensor is being built.
     * A scale that is infinite or NaN is refused, as llama.cpp's row check refuses such a file.
     */
    void setBlock(int r, int b, short scale, byte[] q) {
        if (!Float.isFinite(Float.float16ToFloat(scale))) {
            throw new IllegalArgumentException("Q8_0 block " + b + " of row " + r + " has a non-finite scale ("
                    + Float.float16ToFloat(scale) + ")");
        }
        scales[scaleIndex(r, b)] = scale;
        int at = quantIndex(r, b * BLOCK);
        for (int j = 0; j < BLOCK; j++) {
            quants[at + j * GROUP] = q[j];
        }
    }

    /** The tensor in ggml's block layout, as a file stores it. */
    public MemorySegment blocks() {
        MemorySegment out = MemorySegment.ofArray(new byte[Math.multiplyExact(rows * blocksPerRow, BLOCK_BYTES)]);
        long at = 0;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocksPerRow; b++, at += BLOCK_BYTES) {
                out.set(F16Tensor.LE_SHORT, at, scales[scaleIndex(r, b)]);
                int q = quantIndex(r, b * BLOCK);
                for (int j = 0; j < BLOCK; j++) {
                    out.set(ValueLayout.JAVA_BYTE, at + 2 + j, quants[q + j * GROUP]);
                }
            }
        }
        return out;
    }

    private int quantIndex(int r, int c) {
        return ((r / GROUP) * cols + c) * GROUP + r % GROUP;
    }

    private int scaleIndex(int r, int b) {
        return ((r / GROUP) * blocksPerRow + b) * GROUP + r % GROUP;
    }

    @Override
    public int rows() { return rows; }

    @Override
    public int cols() { return cols; }

    @Override
    public DType dtype() { return DType.Q8_0; }

    /** One row on its own (its values are 16 bytes apart); products of many rows go through {@link #matvec}. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        float sum = 0;
        for (int b = 0; b < blocksPerRow; b++) {
            int q = quantIndex(row, b * BLOCK);
            float s = 0;
            for (int j = 0; j < BLOCK; j++) {
                s += quants[q + j * GROUP] * x[xOff + b * BLOCK + j];
            }
            sum += Float.float16ToFloat(scales[scaleIndex(row, b)]) * s;
        }
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        for (int b = 0; b < blocksPerRow; b++) {
            float d = Float.float16ToFloat(scales[scaleIndex(row, b)]);
            int q = quantIndex(row, b * BLOCK);
            for (int j = 0; j < BLOCK; j++) {
                dst[dstOff + b * BLOCK + j] = d * quants[q + j * GROUP];
            }
        }
    }

    /** {@code out[r] = row r · x} for rows [from, to) (nothing when the range is empty). */
    public void matvec(float[] x, float[] out, int from, int to) {
        matvec(PREFERRED, x, out, from, to);
    }

    void matvec(Kernel kernel, float[] x, float[] out, int from, int to) {
        float[] part = partFor(from, to);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            groupRows(kernel, g, x, out, from, to, part);
        }
    }

    /**
     * {@code outs[t][r] = row r · xs[t]} for rows [from, to) and tokens t < count: each group's 12 KiB (at 768
     * columns) is read from memory once and stays in cache for every token. Same kernel, same sums as matvec.
     */
    public void matmul(float[][] xs, float[][] outs, int count, int from, int to) {
        float[] part = partFor(from, to);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            for (int t = 0; t < count; t++) {
                groupRows(PREFERRED, g, xs[t], outs[t], from, to, part);
            }
        }
    }

    /**
     * {@code outs[t][r] = row r · x_t} for rows [from, to) and tokens t < count, given the tokens transposed (see
     * {@link Gemm}): each group is dequantised once into floats (column by column, as it is stored, a last partial
     * group's padding rows computed and dropped) and multiplied with every token by the float register-blocked kernel, instead of
     * widening the same int8 values again for every token. The sums round differently from {@link #matvec}'s
     * (w = d * q first, then the products), within float rounding of them.
     */
    public void matmulTransposed(float[] xt, int stride, int count, float[][] outs, int from, int to) {
        float[] tile = Scratch.floats(Scratch.Slot.WEIGHTS, GROUP * cols);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            int r0 = g * GROUP;
            dequantiseGroup(g, tile);
            Gemm.multiply(tile, 1, GROUP, cols, GROUP, Math.max(from, r0) - r0, Math.min(to, r0 + GROUP) - r0, xt,
                    stride, count, outs, r0);
        }
    }

    /** Group {@code g} as floats in its own layout: {@code tile[c * 16 + l] = d * q} for column c, row l. */
    void dequantiseGroup(int g, float[] tile) {
        int q = g * cols * GROUP;
        int s = g * blocksPerRow * GROUP;
        float[] d = new float[GROUP]; // one block's scales, widened
        int lanes = Lanes.BLOCKS ? Lanes.L : GROUP;
        for (int c0 = 0; c0 < cols; c0 += BLOCK, s += GROUP) {
            for (int l = 0; l < GROUP; l++) {
                d[l] = Float.float16ToFloat(scales[s + l]);
            }
            for (int c = c0; c < c0 + BLOCK; c++) {
                if (!Lanes.BLOCKS) {
                    for (int l = 0; l < GROUP; l++) {
                        tile[c * GROUP + l] = d[l] * quants[q + c * GROUP + l];
                    }
                    continue;
                }
                for (int l = 0; l < GROUP; l += lanes) {
                    ((FloatVector) ByteVector.fromArray(Lanes.S8, quants, q + c * GROUP + l)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0))
                            .mul(FloatVector.fromArray(Lanes.F, d, l))
                            .intoArray(tile, c * GROUP + l);
                }
            }
        }
    }

    /** Room for a split group's products, when [from, to) starts or ends inside a group (null otherwise). */
    private static float[] partFor(int from, int to) {
        return from % GROUP == 0 && to % GROUP == 0 ? null : new float[GROUP];
    }

    /**
     * Group {@code g}'s products with x for its rows inside [from, to), into {@code dst} at their row indices: a
     * whole group is written in place, a split one through {@code part} (so rows outside the range stay as they are).
     */
    private void groupRows(Kernel kernel, int g, float[] x, float[] dst, int from, int to, float[] part) {
        int r0 = g * GROUP;
        if (r0 >= from && r0 + GROUP <= to) {
            group(kernel, g, x, dst, r0);
            return;
        }
        group(kernel, g, x, part, 0);
        int lo = Math.max(from, r0);
        System.arraycopy(part, lo - r0, dst, lo, Math.min(to, r0 + GROUP) - lo);
    }

    /** The 16 products of group {@code g} with x, into {@code dst[dstOff .. dstOff + 16)}. */
    void group(Kernel kernel, int g, float[] x, float[] dst, int dstOff) {
        switch (kernel) {
            case LANES_16 -> group16(g, x, dst, dstOff);
            case LANES_8 -> group8(g, x, dst, dstOff);
            case LANES_4 -> group4(g, x, dst, dstOff);
            case SCALAR -> groupScalar(g, x, dst, dstOff);
        }
    }

    // The kernels are written out in full, no helper returning a vector: a helper that C2 leaves un-inlined boxes
    // every vector it returns and runs many times slower. Four accumulators per block so that the FMA latency of
    // one column's chain overlaps the next three.
    private void group16(int g, float[] x, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * blocksPerRow * GROUP;
        FloatVector acc = FloatVector.zero(F16);
        for (int c0 = 0; c0 < cols; c0 += BLOCK, q += BLOCK * GROUP, s += GROUP) {
            FloatVector a0 = FloatVector.zero(F16);
            FloatVector a1 = FloatVector.zero(F16);
            FloatVector a2 = FloatVector.zero(F16);
            FloatVector a3 = FloatVector.zero(F16);
            for (int c = 0; c < BLOCK; c += 4) {
                int at = q + c * GROUP;
                a0 = ((FloatVector) ByteVector.fromArray(B16, quants, at).convertShape(VectorOperators.B2F, F16, 0))
                        .fma(FloatVector.broadcast(F16, x[c0 + c]), a0);
                a1 = ((FloatVector) ByteVector.fromArray(B16, quants, at + GROUP).convertShape(VectorOperators.B2F, F16, 0))
                        .fma(FloatVector.broadcast(F16, x[c0 + c + 1]), a1);
                a2 = ((FloatVector) ByteVector.fromArray(B16, quants, at + 2 * GROUP).convertShape(VectorOperators.B2F, F16, 0))
                        .fma(FloatVector.broadcast(F16, x[c0 + c + 2]), a2);
                a3 = ((FloatVector) ByteVector.fromArray(B16, quants, at + 3 * GROUP).convertShape(VectorOperators.B2F, F16, 0))
                        .fma(FloatVector.broadcast(F16, x[c0 + c + 3]), a3);
            }
            FloatVector d = halves(H16, I16, scales, s);
            acc = a0.add(a1).add(a2.add(a3)).fma(d, acc);
        }
        acc.intoArray(dst, dstOff);
    }

    /** group16 for 256-bit vectors: rows 0-7 and 8-15 of the group as two halves. */
    private void group8(int g, float[] x, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * blocksPerRow * GROUP;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        for (int c0 = 0; c0 < cols; c0 += BLOCK, q += BLOCK * GROUP, s += GROUP) {
            FloatVector l0 = FloatVector.zero(F8);
            FloatVector l1 = FloatVector.zero(F8);
            FloatVector h0 = FloatVector.zero(F8);
            FloatVector h1 = FloatVector.zero(F8);
            for (int c = 0; c < BLOCK; c += 2) {
                int at = q + c * GROUP;
                FloatVector x0 = FloatVector.broadcast(F8, x[c0 + c]);
                FloatVector x1 = FloatVector.broadcast(F8, x[c0 + c + 1]);
                l0 = ((FloatVector) ByteVector.fromArray(B8, quants, at).convertShape(VectorOperators.B2F, F8, 0))
                        .fma(x0, l0);
                h0 = ((FloatVector) ByteVector.fromArray(B8, quants, at + 8).convertShape(VectorOperators.B2F, F8, 0))
                        .fma(x0, h0);
                l1 = ((FloatVector) ByteVector.fromArray(B8, quants, at + GROUP).convertShape(VectorOperators.B2F, F8, 0))
                        .fma(x1, l1);
                h1 = ((FloatVector) ByteVector.fromArray(B8, quants, at + GROUP + 8).convertShape(VectorOperators.B2F, F8, 0))
                        .fma(x1, h1);
            }
            FloatVector dLo = halves(H8, I8, scales, s);
            FloatVector dHi = halves(H8, I8, scales, s + 8);
            lo = l0.add(l1).fma(dLo, lo);
            hi = h0.add(h1).fma(dHi, hi);
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    /** group16 for 128-bit vectors: 8 bytes widened to two quarters of the group each (parts 0 and 1). */
    private void group4(int g, float[] x, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * blocksPerRow * GROUP;
        FloatVector r0 = FloatVector.zero(F4);
        FloatVector r1 = FloatVector.zero(F4);
        FloatVector r2 = FloatVector.zero(F4);
        FloatVector r3 = FloatVector.zero(F4);
        for (int c0 = 0; c0 < cols; c0 += BLOCK, q += BLOCK * GROUP, s += GROUP) {
            FloatVector a0 = FloatVector.zero(F4);
            FloatVector a1 = FloatVector.zero(F4);
            FloatVector a2 = FloatVector.zero(F4);
            FloatVector a3 = FloatVector.zero(F4);
            for (int c = 0; c < BLOCK; c++) {
                int at = q + c * GROUP;
                FloatVector xc = FloatVector.broadcast(F4, x[c0 + c]);
                ByteVector lo = ByteVector.fromArray(B8, quants, at);
                ByteVector hi = ByteVector.fromArray(B8, quants, at + 8);
                a0 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F4, 0)).fma(xc, a0);
                a1 = ((FloatVector) lo.convertShape(VectorOperators.B2F, F4, 1)).fma(xc, a1);
                a2 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F4, 0)).fma(xc, a2);
                a3 = ((FloatVector) hi.convertShape(VectorOperators.B2F, F4, 1)).fma(xc, a3);
            }
            r0 = a0.fma(halves(H4, I4, scales, s), r0);
            r1 = a1.fma(halves(H4, I4, scales, s + 4), r1);
            r2 = a2.fma(halves(H4, I4, scales, s + 8), r2);
            r3 = a3.fma(halves(H4, I4, scales, s + 12), r3);
        }
        r0.intoArray(dst, dstOff);
        r1.intoArray(dst, dstOff + 4);
        r2.intoArray(dst, dstOff + 8);
        r3.intoArray(dst, dstOff + 12);
    }

    private void groupScalar(int g, float[] x, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * blocksPerRow * GROUP;
        float[] acc = new float[GROUP];
        float[] blockSum = new float[GROUP];
        for (int c0 = 0; c0 < cols; c0 += BLOCK, q += BLOCK * GROUP, s += GROUP) {
            java.util.Arrays.fill(blockSum, 0);
            for (int c = 0; c < BLOCK; c++) {
                float xc = x[c0 + c];
                for (int l = 0; l < GROUP; l++) {
                    blockSum[l] += quants[q + c * GROUP + l] * xc;
                }
            }
            for (int l = 0; l < GROUP; l++) {
                acc[l] += blockSum[l] * Float.float16ToFloat(scales[s + l]);
            }
        }
        System.arraycopy(acc, 0, dst, dstOff, GROUP);
    }

    /** {@code h.length()} float16 scales from {@code at}, widened exactly (see {@link #HALF_MASK}). */
    private static FloatVector halves(VectorSpecies<Short> h, VectorSpecies<Integer> i, short[] scales, int at) {
        return ((IntVector) ShortVector.fromArray(h, scales, at).convertShape(VectorOperators.S2I, i, 0))
                .lanewise(VectorOperators.LSHL, 13).and(HALF_MASK).reinterpretAsFloats().mul(HALF_SCALE);
    }
}
