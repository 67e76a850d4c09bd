package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A K-quant (or Q5_0) tensor's numbers repacked once at load into {@link Q8_0Tensor}'s kernel shape: rows in groups
 * of {@value #GROUP}, and within a group, column by column, the 16 rows' quants side by side, so that one load is
 * one column of 16 rows, widened to float lanes and multiplied by a broadcast x[c], each lane accumulating its own
 * row (no horizontal sums). Every type is first split into integers ({@link Parts}): value i of a block is
 * {@code d * scale[i / sub] * q[i] - dmin * min[i / sub]}, with q of up to 4 bits kept as nibbles (byte l of a
 * column pair c, c + 1, c even, holds row l of column c in its low and of column c + 1 in its high nibble) and wider
 * q as bytes. The 6-bit (or 4-bit, int8) sub-block scales
 * and mins stay bytes, d and dmin floats per block and row. The group product sums q x per sub-block, multiplies by
 * the 16 scales in one vector multiply, and takes the min part as {@code min * (sum of x over the sub-block)}, a
 * sum shared by all rows. A last, partial group is padded with zero rows.
 * <p>
 * Kernels are written for 256-bit vectors (8 float lanes, the group in two halves) and used only where the
 * preferred species is at least that wide; elsewhere the tensors keep their in-place kernels. The 8-bit kernels
 * have a 512-bit form, used where short vectors are that wide ({@link #WIDE}), on a row-paired copy ({@link #paired}).
 */
final class QuantGroups {
    /** Rows per group, as Q8_0's. */
    static final int GROUP = 16;
    /** Whether this machine runs the grouped kernels (256-bit vectors or wider). */
    static final boolean AVAILABLE = Lanes.BLOCKS && FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    /**
     * Whether int8 layouts decode on 8-bit activations ({@code -Dglassbox.kquant8=false} keeps them on float
     * activations, for measuring one against the other with the same jar).
     */
    static final boolean INT8 = !"false".equals(System.getProperty("glassbox.kquant8"));
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    /**
     * Whether the 8-bit kernels run on 512-bit vectors (AVX-512): a whole group of 16 rows in one int or float vector
     * and two columns' worth of rows in one 32-lane short vector ({@link #groupNibbles8Paired}); chosen once per machine.
     */
    static final boolean WIDE = ShortVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Short> S32 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_512;
    /** Even lanes to lanes 0-15, odd lanes to 16-31: a paired vector's two columns apart (its rows in order). */
    private static final VectorShuffle<Short> DEAL = VectorShuffle.fromOp(S32, i -> i < 16 ? 2 * i : 2 * (i - 16) + 1);

    /**
     * How a type splits: {@code block} values per block (one d, dmin), {@code sub} values per scale and min,
     * {@code nibbles} when every q fits 0..15, {@code mins} when the type has a min term, {@code int8} when matrix-vector
     * products run on 8-bit activations ({@link #matvec(Q8_KActivations, float[], int, int)}: super-blocks of 256,
     * sub-blocks of 16 or 32, nibbles with a min term or bytes of at most 32 in magnitude, checked at load).
     */
    record Layout(int block, int sub, boolean nibbles, boolean mins, boolean int8) {
        Layout {
            if (int8 && (block != KQuantTensor.QK || sub % 16 != 0 || sub > 32 || (nibbles && !mins))) {
                throw new IllegalArgumentException("no 8-bit activation kernel for " + this);
            }
        }
    }

    /** One block as integers, filled by a type's split; value i = d * scale[i / sub] * q[i] - dmin * min[i / sub]. */
    static final class Parts {
        float d;
        float dmin;
        final byte[] q = new byte[KQuantTensor.QK];
        final byte[] scale = new byte[KQuantTensor.QK / 16];
        final byte[] min = new byte[KQuantTensor.QK / 16];
    }

    /** A type's split of the block at byte {@code blk} of its data. */
    interface Splitter {
        void split(long blk, Parts out);
    }

    private final int cols;
    private final int blocksPerRow;
    private final int sub;
    private final int subsPerBlock;
    private final int subsPerRow;
    private final boolean nibbles;
    private final boolean mins;
    private final boolean int8;
    /**
     * Whether the quants are stored row-paired for the 512-bit 8-bit kernels ({@link #WIDE} and {@link #int8}): two
     * columns of one row side by side, so one broadcast int of two x_q serves both ({@link #groupNibbles8Paired}).
     */
    private final boolean paired;
    /**
     * Nibbles: [group][column pair][16] (row l of the pair in byte l); bytes: [group][column][16]. Paired: nibbles
     * [group pair][8 columns][group of the two][32 shorts], short 2l + k of columns c..c+7 holding row l of columns
     * c + k, c + 2 + k, c + 4 + k, c + 6 + k in its four nibbles (low first); bytes [group pair][column pair][group of
     * the two][32], byte 2l + k row l of column c + k ({@link #pairedAt}).
     */
    private final byte[] quants;
    /** [group][sub-block][16], and the mins alike (null without a min term). */
    private final byte[] scales;
    private final byte[] minima;
    /** [group][block][16], and dmin alike (null without a min term). */
    private final float[] d;
    private final float[] dmin;

    private QuantGroups(Layout layout, int rows, int cols) {
        long padded = ((long) rows + GROUP - 1) / GROUP * GROUP;
        this.cols = cols;
        this.blocksPerRow = cols / layout.block();
        this.sub = layout.sub();
        this.subsPerBlock = layout.block() / layout.sub();
        this.subsPerRow = cols / layout.sub();
        this.nibbles = layout.nibbles();
        this.mins = layout.mins();
        this.int8 = layout.int8() && INT8;
        this.paired = int8 && WIDE;
        // the paired layouts keep groups two by two (pairedAt): a lone last group gets a zero partner
        long quantRows = paired ? ((long) rows + 2 * GROUP - 1) / (2 * GROUP) * (2 * GROUP) : padded;
        this.quants = new byte[(int) (quantRows * cols / (nibbles ? 2 : 1))];
        this.scales = new byte[(int) (padded * subsPerRow)];
        this.minima = mins ? new byte[scales.length] : null;
        this.d = new float[(int) (padded * blocksPerRow)];
        this.dmin = mins ? new float[d.length] : null;
    }

    /**
     * The grouped copy of a tensor whose blocks lie row after row in {@code data} ({@code blockBytes} each), or null
     * when this machine has no kernel for it or it is too large for arrays. A mapped file's pages are released as
     * they are read (the page cache keeps them): without that the file and its copy would both stay resident.
     */
    static QuantGroups of(Layout layout, MemorySegment data, int blockBytes, int rows, int cols, Splitter splitter) {
        long padded = ((long) rows + 2 * GROUP - 1) / (2 * GROUP) * (2 * GROUP);
        if (!AVAILABLE || cols % layout.block() != 0 || padded * cols > Integer.MAX_VALUE - 8) {
            return null;
        }
        QuantGroups g = new QuantGroups(layout, rows, cols);
        Parts p = new Parts();
        ReadPages pages = new ReadPages(data);
        long at = 0;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < g.blocksPerRow; b++, at += blockBytes) {
                splitter.split(at, p);
                g.set(r, b, p);
            }
            pages.readTo(at, r == rows - 1);
        }
        return g;
    }

    private void set(int r, int b, Parts p) {
        int g = r / GROUP;
        int l = r % GROUP;
        int block = subsPerBlock * sub;
        for (int i = 0; i < block; i++) {
            int c = b * block + i;
            if (nibbles && paired) {
                int n = (c & 7) >> 1;
                int at = pairedAt(g, c & ~7) + 2 * (2 * l + (c & 1)) + (n >> 1);
                quants[at] |= (byte) ((p.q[i] & 0xF) << 4 * (n & 1));
            } else if (nibbles) {
                int at = (g * cols + (c & ~1)) * 8 + l;
                quants[at] |= (byte) ((c & 1) == 0 ? p.q[i] & 0xF : p.q[i] << 4);
            } else {
                if (int8 && Math.abs(p.q[i]) > 32) {
                    throw new IllegalStateException("q " + p.q[i] + " is out of the 8-bit kernel's range (|q| <= 32)");
                }
                quants[paired ? pairedAt(g, c & ~1) + 2 * l + (c & 1) : (g * cols + c) * GROUP + l] = p.q[i];
            }
        }
        for (int s = 0; s < subsPerBlock; s++) {
            int at = (g * subsPerRow + b * subsPerBlock + s) * GROUP + l;
            scales[at] = p.scale[s];
            if (mins) {
                minima[at] = p.min[s];
            }
        }
        int at = (g * blocksPerRow + b) * GROUP + l;
        d[at] = p.d;
        if (mins) {
            dmin[at] = p.dmin;
        }
    }

    /** The grouped copy a tensor's products run on, or null (other types, or not repacked). */
    static QuantGroups held(Tensor w) {
        return switch (w) {
            case KQuantTensor k -> k.groups();
            case Q5_0Tensor q -> q.groups();
            default -> null;
        };
    }

    /** {@code out[r] = row r · x} for rows [from, to) (nothing when the range is empty). */
    void matvec(float[] x, float[] out, int from, int to) {
        float[] xs = subSums(x);
        float[] part = partFor(from, to);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            groupRows(g, x, xs, out, from, to, part);
        }
    }

    /** {@code outs[t][r] = row r · xs[t]} for rows [from, to) and tokens t < count, group by group. */
    void matmul(float[][] xs, float[][] outs, int count, int from, int to) {
        if (paired) { // float activations on the paired layout: each group dequantised once, then every token
            float[] tile = Scratch.floats(Scratch.Slot.WEIGHTS, GROUP * cols);
            float[] part = new float[GROUP];
            for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
                int r0 = g * GROUP;
                int lo = Math.max(from, r0);
                int n = Math.min(to, r0 + GROUP) - lo;
                dequantiseGroup(g, tile);
                for (int t = 0; t < count; t++) {
                    tileProduct(tile, xs[t], part, 0);
                    System.arraycopy(part, lo - r0, outs[t], lo, n);
                }
            }
            return;
        }
        float[][] sums = new float[count][];
        for (int t = 0; t < count; t++) {
            sums[t] = subSums(xs[t]);
        }
        float[] part = partFor(from, to);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            for (int t = 0; t < count; t++) {
                groupRows(g, xs[t], sums[t], outs[t], from, to, part);
            }
        }
    }

    /**
     * {@code outs[t][r] = row r · x_t} for rows [from, to), tokens given transposed (see {@link Gemm}): each group is
     * dequantised once into a float tile in its own layout (as {@link Q8_0Tensor#matmulTransposed}) and multiplied
     * with every token by the register-blocked kernel.
     */
    void matmulTransposed(float[] xt, int stride, int count, float[][] outs, int from, int to) {
        float[] tile = Scratch.floats(Scratch.Slot.WEIGHTS, GROUP * cols);
        for (int g = from / GROUP; g * GROUP < to && from < to; g++) {
            int r0 = g * GROUP;
            dequantiseGroup(g, tile);
            Gemm.multiply(tile, 1, GROUP, cols, GROUP, Math.max(from, r0) - r0, Math.min(to, r0 + GROUP) - r0, xt,
                    stride, count, outs, r0);
        }
    }

    /** Whether {@link Q4_KGemm} multiplies this copy: Q4_K's layout (nibbles, mins, sub-blocks of 32), row-paired. */
    boolean q4Paired() {
        return nibbles && paired && mins && sub == 32;
    }

    /** For {@link #q4Paired} copies: group g's q - 8 as shorts, {@code tile[c * 16 + l]} for column c, row l. */
    void unpackQ4(int g, short[] tile) {
        for (int c = 0; c < cols; c += 8) {
            ShortVector v = ByteVector.fromArray(B64, quants, pairedAt(g, c)).reinterpretAsShorts();
            for (int n = 0; n < 4; n++) { // nibble n holds columns c + 2n (lanes 0-15 once dealt) and c + 2n + 1
                v.lanewise(VectorOperators.LSHR, 4 * n).and((short) 0x0F).rearrange(DEAL).sub((short) 8)
                        .intoArray(tile, (c + 2 * n) * GROUP);
            }
        }
    }

    /** The 6-bit scales and mins, {@code [group][sub-block][16]}, and d and dmin, {@code [group][block][16]}. */
    byte[] scaleBytes() {
        return scales;
    }

    byte[] minBytes() {
        return minima;
    }

    float[] blockScales() {
        return d;
    }

    float[] blockMins() {
        return dmin;
    }

    /** The sums of x over each sub-block (for the min terms), or null when the type has none. */
    private float[] subSums(float[] x) {
        if (!mins) {
            return null;
        }
        float[] s = new float[subsPerRow];
        for (int j = 0, c = 0; j < subsPerRow; j++) {
            float sum = 0;
            for (int e = c + sub; c < e; c++) {
                sum += x[c];
            }
            s[j] = sum;
        }
        return s;
    }

    private static float[] partFor(int from, int to) {
        return from % GROUP == 0 && to % GROUP == 0 ? null : new float[GROUP];
    }

    /** Group g's products for its rows inside [from, to): a whole group in place, a split one through part. */
    private void groupRows(int g, float[] x, float[] xs, float[] dst, int from, int to, float[] part) {
        int r0 = g * GROUP;
        if (r0 >= from && r0 + GROUP <= to) {
            group(g, x, xs, dst, r0);
            return;
        }
        group(g, x, xs, part, 0);
        int lo = Math.max(from, r0);
        System.arraycopy(part, lo - r0, dst, lo, Math.min(to, r0 + GROUP) - lo);
    }

    /** The 16 products of group {@code g} with x, into {@code dst[dstOff .. dstOff + 16)}. */
    void group(int g, float[] x, float[] xs, float[] dst, int dstOff) {
        if (paired) {
            groupFromTile(g, x, dst, dstOff);
        } else if (nibbles) {
            groupNibbles(g, x, xs, dst, dstOff);
        } else {
            groupBytes(g, x, xs, dst, dstOff);
        }
    }

    // The kernels are written out in full, no helper returning a vector (see Q8_0Tensor): rows 0-7 of the group in
    // the "lo" vectors, rows 8-15 in "hi"; two columns per step so two FMA chains per half overlap. Per sub-block:
    // sum q x, times the 16 scales; per block: times d, minus dmin times (min x the sub-block's sum of x). Nibbles
    // are split as ints (sign-extended, masked, shifted): a byte-lane shift has no AVX2 instruction, and the byte
    // form ran the Q4_K product at twice the CPU time (270-360 against 146-152 us at 768 x 2048).
    private void groupNibbles(int g, float[] x, float[] xs, float[] dst, int dstOff) {
        int q = g * cols * 8;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector sLo = FloatVector.zero(F8);
            FloatVector sHi = FloatVector.zero(F8);
            FloatVector mLo = FloatVector.zero(F8);
            FloatVector mHi = FloatVector.zero(F8);
            for (int k = 0; k < subsPerBlock; k++, j++, s += GROUP) {
                FloatVector l0 = FloatVector.zero(F8);
                FloatVector l1 = FloatVector.zero(F8);
                FloatVector h0 = FloatVector.zero(F8);
                FloatVector h1 = FloatVector.zero(F8);
                for (int e = c + sub; c < e; c += 2, q += 16) {
                    IntVector v0 = (IntVector) ByteVector.fromArray(B8, quants, q).convertShape(VectorOperators.B2I, I8, 0);
                    IntVector v1 = (IntVector) ByteVector.fromArray(B8, quants, q + 8).convertShape(VectorOperators.B2I, I8, 0);
                    FloatVector x0 = FloatVector.broadcast(F8, x[c]);
                    FloatVector x1 = FloatVector.broadcast(F8, x[c + 1]);
                    l0 = ((FloatVector) v0.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, l0);
                    l1 = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                            .fma(x1, l1);
                    h0 = ((FloatVector) v1.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, h0);
                    h1 = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                            .fma(x1, h1);
                }
                sLo = l0.add(l1).fma((FloatVector) ByteVector.fromArray(B8, scales, s)
                        .convertShape(VectorOperators.B2F, F8, 0), sLo);
                sHi = h0.add(h1).fma((FloatVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2F, F8, 0), sHi);
                if (mins) {
                    FloatVector sum = FloatVector.broadcast(F8, xs[j]);
                    mLo = ((FloatVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(sum, mLo);
                    mHi = ((FloatVector) ByteVector.fromArray(B8, minima, s + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(sum, mHi);
                }
            }
            lo = sLo.fma(FloatVector.fromArray(F8, d, db), lo);
            hi = sHi.fma(FloatVector.fromArray(F8, d, db + 8), hi);
            if (mins) {
                lo = lo.sub(mLo.mul(FloatVector.fromArray(F8, dmin, db)));
                hi = hi.sub(mHi.mul(FloatVector.fromArray(F8, dmin, db + 8)));
            }
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    /** groupNibbles for byte-wide q (signed): one 8-byte load per half and column, as Q8_0's group8. */
    private void groupBytes(int g, float[] x, float[] xs, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector sLo = FloatVector.zero(F8);
            FloatVector sHi = FloatVector.zero(F8);
            FloatVector mLo = FloatVector.zero(F8);
            FloatVector mHi = FloatVector.zero(F8);
            for (int k = 0; k < subsPerBlock; k++, j++, s += GROUP) {
                FloatVector l0 = FloatVector.zero(F8);
                FloatVector l1 = FloatVector.zero(F8);
                FloatVector h0 = FloatVector.zero(F8);
                FloatVector h1 = FloatVector.zero(F8);
                for (int e = c + sub; c < e; c += 2, q += 2 * GROUP) {
                    FloatVector x0 = FloatVector.broadcast(F8, x[c]);
                    FloatVector x1 = FloatVector.broadcast(F8, x[c + 1]);
                    l0 = ((FloatVector) ByteVector.fromArray(B8, quants, q).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(x0, l0);
                    h0 = ((FloatVector) ByteVector.fromArray(B8, quants, q + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(x0, h0);
                    l1 = ((FloatVector) ByteVector.fromArray(B8, quants, q + GROUP)
                            .convertShape(VectorOperators.B2F, F8, 0)).fma(x1, l1);
                    h1 = ((FloatVector) ByteVector.fromArray(B8, quants, q + GROUP + 8)
                            .convertShape(VectorOperators.B2F, F8, 0)).fma(x1, h1);
                }
                sLo = l0.add(l1).fma((FloatVector) ByteVector.fromArray(B8, scales, s)
                        .convertShape(VectorOperators.B2F, F8, 0), sLo);
                sHi = h0.add(h1).fma((FloatVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2F, F8, 0), sHi);
                if (mins) {
                    FloatVector sum = FloatVector.broadcast(F8, xs[j]);
                    mLo = ((FloatVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(sum, mLo);
                    mHi = ((FloatVector) ByteVector.fromArray(B8, minima, s + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(sum, mHi);
                }
            }
            lo = sLo.fma(FloatVector.fromArray(F8, d, db), lo);
            hi = sHi.fma(FloatVector.fromArray(F8, d, db + 8), hi);
            if (mins) {
                lo = lo.sub(mLo.mul(FloatVector.fromArray(F8, dmin, db)));
                hi = hi.sub(mHi.mul(FloatVector.fromArray(F8, dmin, db + 8)));
            }
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    /**
     * Rows per unit of work when the rows are split over threads: two groups where the 8-bit kernels take them two at
     * a time (a unit of one group would leave each group alone), else one.
     */
    int grain() {
        return paired ? 2 * GROUP : GROUP;
    }

    /** Whether this copy's matrix-vector products run on 8-bit activations (its layout's {@code int8}). */
    boolean int8() {
        return int8;
    }

    /**
     * {@code out[r] = row r · x} for rows [from, to) on x quantised to 8 bits ({@link Q8_KActivations}), as
     * llama.cpp's {@code ggml_vec_dot_q4_K_q8_K} and {@code ggml_vec_dot_q6_K_q8_K}: per block, the integer sum of
     * scale · Σ q x_q over its sub-blocks (and of min · Σ x_q from the bsums), times the two float scales. Only for an
     * {@link #int8} layout.
     */
    void matvec(Q8_KActivations a, float[] out, int from, int to) {
        float[] part = partFor(from, to);
        int g = from / GROUP;
        if (paired) { // whole groups two at a time from an even one; a split or lone one alone
            for (; g * GROUP < to && from < to; g++) {
                int r0 = g * GROUP;
                boolean whole = r0 >= from && r0 + GROUP <= to;
                if (whole && g % 2 == 0 && r0 + 2 * GROUP <= to) {
                    groupPaired8(g, g + 1, a, out, r0, out, r0 + GROUP);
                    g++;
                } else if (whole) {
                    groupPaired8(g, g, a, out, r0, out, r0);
                } else {
                    groupPaired8(g, g, a, part, 0, part, 0);
                    int lo = Math.max(from, r0);
                    System.arraycopy(part, lo - r0, out, lo, Math.min(to, r0 + GROUP) - lo);
                }
            }
            return;
        }
        for (; g * GROUP < to && from < to; g++) {
            int r0 = g * GROUP;
            boolean whole = r0 >= from && r0 + GROUP <= to;
            float[] dst = whole ? out : part;
            int off = whole ? r0 : 0;
            if (nibbles) {
                groupNibbles8(g, a, dst, off);
            } else {
                groupBytes8(g, a, dst, off);
            }
            if (!whole) {
                int lo = Math.max(from, r0);
                System.arraycopy(part, lo - r0, out, lo, Math.min(to, r0 + GROUP) - lo);
            }
        }
    }

    // 8-bit kernels. Nibbles: one 16-byte load is a column pair of the group; widened to 16 short lanes (the 16
    // rows), its low nibbles are column c and its high nibbles column c + 1, each multiplied by that column's x_q,
    // broadcast. Even and odd columns sum in two accumulators, at most 16 products of at most 15 · 127 per lane over
    // a sub-block of up to 32 (30,480 < 2^15), and meet when widened. Bytes (|q| <= 32): one column of 16 rows per
    // load, even and odd columns in two accumulators of 8 products of at most 32 · 127 (32,512) per 16 columns,
    // widened every 16 columns. (Repeating x_q in arrays, 16-32 bytes per column, to load it instead of
    // broadcasting, cost more in cache traffic than it saved on AVX-512: PERFORMANCE.md, kq9.)
    private void groupNibbles8(int g, Q8_KActivations a, float[] dst, int dstOff) {
        int q = g * cols * 8;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int sums = sub / 16;
        byte[] xq = a.q;
        int[] bsums = a.bsums;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            IntVector iLo = IntVector.zero(I8);
            IntVector iHi = IntVector.zero(I8);
            IntVector mLo = IntVector.zero(I8);
            IntVector mHi = IntVector.zero(I8);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                ShortVector even = ShortVector.zero(S16);
                ShortVector odd = ShortVector.zero(S16);
                for (int e = c + sub; c < e; c += 2, q += 16) {
                    ShortVector v = (ShortVector) ByteVector.fromArray(B16, quants, q)
                            .convertShape(VectorOperators.B2S, S16, 0);
                    even = v.and((short) 0x0F).mul(ShortVector.broadcast(S16, xq[c])).add(even);
                    odd = v.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F).mul(ShortVector.broadcast(S16, xq[c + 1]))
                            .add(odd);
                }
                IntVector sLo = ((IntVector) even.convertShape(VectorOperators.S2I, I8, 0))
                        .add((IntVector) odd.convertShape(VectorOperators.S2I, I8, 0));
                IntVector sHi = ((IntVector) even.convertShape(VectorOperators.S2I, I8, 1))
                        .add((IntVector) odd.convertShape(VectorOperators.S2I, I8, 1));
                iLo = sLo.mul((IntVector) ByteVector.fromArray(B8, scales, s).convertShape(VectorOperators.B2I, I8, 0))
                        .add(iLo);
                iHi = sHi.mul((IntVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2I, I8, 0)).add(iHi);
                int xs = 0;
                for (int e = j + sums; j < e; j++) {
                    xs += bsums[j];
                }
                mLo = ((IntVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2I, I8, 0))
                        .mul(xs).add(mLo);
                mHi = ((IntVector) ByteVector.fromArray(B8, minima, s + 8).convertShape(VectorOperators.B2I, I8, 0))
                        .mul(xs).add(mHi);
            }
            float dx = a.d[b];
            lo = ((FloatVector) iLo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, d, db).mul(dx), lo)
                    .sub(((FloatVector) mLo.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F8, dmin, db).mul(dx)));
            hi = ((FloatVector) iHi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, d, db + 8).mul(dx), hi)
                    .sub(((FloatVector) mHi.convert(VectorOperators.I2F, 0))
                            .mul(FloatVector.fromArray(F8, dmin, db + 8).mul(dx)));
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    private void groupBytes8(int g, Q8_KActivations a, float[] dst, int dstOff) {
        int q = g * cols * GROUP;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int sums = sub / 16;
        byte[] xq = a.q;
        int[] bsums = a.bsums;
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            IntVector iLo = IntVector.zero(I8);
            IntVector iHi = IntVector.zero(I8);
            IntVector mLo = IntVector.zero(I8);
            IntVector mHi = IntVector.zero(I8);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                IntVector sLo = IntVector.zero(I8);
                IntVector sHi = IntVector.zero(I8);
                for (int h = 0; h < sums; h++) {
                    ShortVector a0 = ShortVector.zero(S16);
                    ShortVector a1 = ShortVector.zero(S16);
                    for (int e = c + 16; c < e; c += 2, q += 2 * GROUP) {
                        a0 = ((ShortVector) ByteVector.fromArray(B16, quants, q).convertShape(VectorOperators.B2S, S16, 0))
                                .mul(ShortVector.broadcast(S16, xq[c])).add(a0);
                        a1 = ((ShortVector) ByteVector.fromArray(B16, quants, q + GROUP)
                                .convertShape(VectorOperators.B2S, S16, 0)).mul(ShortVector.broadcast(S16, xq[c + 1]))
                                .add(a1);
                    }
                    sLo = ((IntVector) a0.convertShape(VectorOperators.S2I, I8, 0))
                            .add((IntVector) a1.convertShape(VectorOperators.S2I, I8, 0)).add(sLo);
                    sHi = ((IntVector) a0.convertShape(VectorOperators.S2I, I8, 1))
                            .add((IntVector) a1.convertShape(VectorOperators.S2I, I8, 1)).add(sHi);
                }
                iLo = sLo.mul((IntVector) ByteVector.fromArray(B8, scales, s).convertShape(VectorOperators.B2I, I8, 0))
                        .add(iLo);
                iHi = sHi.mul((IntVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2I, I8, 0)).add(iHi);
                if (mins) {
                    int xs = 0;
                    for (int e = j + sums; j < e; j++) {
                        xs += bsums[j];
                    }
                    mLo = ((IntVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2I, I8, 0))
                            .mul(xs).add(mLo);
                    mHi = ((IntVector) ByteVector.fromArray(B8, minima, s + 8)
                            .convertShape(VectorOperators.B2I, I8, 0)).mul(xs).add(mHi);
                }
            }
            float dx = a.d[b];
            lo = ((FloatVector) iLo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, d, db).mul(dx), lo);
            hi = ((FloatVector) iHi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, d, db + 8).mul(dx), hi);
            if (mins) {
                lo = lo.sub(((FloatVector) mLo.convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F8, dmin, db).mul(dx)));
                hi = hi.sub(((FloatVector) mHi.convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F8, dmin, db + 8).mul(dx)));
            }
        }
        lo.intoArray(dst, dstOff);
        hi.intoArray(dst, dstOff + 8);
    }

    // The 8-bit kernels on 512-bit vectors, on the paired layout: short lane 2l + k holds row l of a column of parity
    // k, so a broadcast int (x_q[c] in its low, x_q[c + 1] in its high half; Q8_KActivations.pairs) multiplies both
    // columns at once: one load from memory where the unpaired layout needed a vpermw of x_q per product vector.
    // Nibbles: one 64-byte load is 8 columns of the 16 rows, four nibbles per short (columns c + k, c + 2 + k, c + 4 + k,
    // c + 6 + k), unpacked by shifts and masks. Bytes: one 32-byte load is a column pair of the 16 rows. A short lane
    // sums at most 8 products of 15 · 127 per accumulator over a sub-block of 32 (nibbles: 30,480 for the two
    // accumulators added) or 8 of 32 · 127 (32,512) per 16 columns (bytes), then the two lanes of each row meet in an
    // int (their shorts sign-extended from the int the pair reinterprets as). Both kernels run two groups at once, stored
    // side by side: each broadcast serves two products, and the two groups are one stream (kept apart, 12-32 KB from
    // each other, the streamed products at 768 columns ran ~20 % slower than one group at a time; PERFORMANCE.md, q6k12).
    // A lone group (an odd last one, a split) runs as both halves: Kernels splits these rows in units of two groups.

    /** Groups g0 and g1 (g0 + 1, g0 even; or g0 twice) on the paired layout: see the two kernels. */
    private void groupPaired8(int g0, int g1, Q8_KActivations a, float[] dst0, int off0, float[] dst1, int off1) {
        if (nibbles) {
            groupNibbles8Paired(g0, g1, a, dst0, off0, dst1, off1);
        } else {
            groupBytes8Paired(g0, g1, a, dst0, off0, dst1, off1);
        }
    }

    private void groupNibbles8Paired(int g0, int g1, Q8_KActivations a, float[] dst0, int off0, float[] dst1, int off1) {
        int q = pairedAt(g0, 0);
        int qd = pairedAt(g1, 0) - q;
        int s = g0 * subsPerRow * GROUP;
        int sd = (g1 - g0) * subsPerRow * GROUP;
        int db = g0 * blocksPerRow * GROUP;
        int dd = (g1 - g0) * blocksPerRow * GROUP;
        int sums = sub / 16;
        int[] xp = a.pairs;
        int[] bsums = a.bsums;
        FloatVector acc0 = FloatVector.zero(F16);
        FloatVector acc1 = FloatVector.zero(F16);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            IntVector isum0 = IntVector.zero(I16);
            IntVector isum1 = IntVector.zero(I16);
            IntVector msum0 = IntVector.zero(I16);
            IntVector msum1 = IntVector.zero(I16);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                ShortVector lo0 = ShortVector.zero(S32);
                ShortVector hi0 = ShortVector.zero(S32);
                ShortVector lo1 = ShortVector.zero(S32);
                ShortVector hi1 = ShortVector.zero(S32);
                for (int e = c + sub; c < e; c += 8, q += 128) {
                    int p = c >> 1;
                    ShortVector v0 = ByteVector.fromArray(B64, quants, q).reinterpretAsShorts();
                    ShortVector v1 = ByteVector.fromArray(B64, quants, q + qd).reinterpretAsShorts();
                    ShortVector x = IntVector.broadcast(I16, xp[p]).reinterpretAsShorts();
                    lo0 = v0.and((short) 0x0F).mul(x).add(lo0);
                    lo1 = v1.and((short) 0x0F).mul(x).add(lo1);
                    x = IntVector.broadcast(I16, xp[p + 1]).reinterpretAsShorts();
                    hi0 = v0.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F).mul(x).add(hi0);
                    hi1 = v1.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F).mul(x).add(hi1);
                    x = IntVector.broadcast(I16, xp[p + 2]).reinterpretAsShorts();
                    lo0 = v0.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F).mul(x).add(lo0);
                    lo1 = v1.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F).mul(x).add(lo1);
                    x = IntVector.broadcast(I16, xp[p + 3]).reinterpretAsShorts();
                    hi0 = v0.lanewise(VectorOperators.LSHR, 12).mul(x).add(hi0);
                    hi1 = v1.lanewise(VectorOperators.LSHR, 12).mul(x).add(hi1);
                }
                IntVector both = lo0.add(hi0).reinterpretAsInts();
                IntVector rows = both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(both.lanewise(VectorOperators.ASHR, 16));
                isum0 = rows.mul((IntVector) ByteVector.fromArray(B16, scales, s).convertShape(VectorOperators.B2I, I16, 0))
                        .add(isum0);
                both = lo1.add(hi1).reinterpretAsInts();
                rows = both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(both.lanewise(VectorOperators.ASHR, 16));
                isum1 = rows.mul((IntVector) ByteVector.fromArray(B16, scales, s + sd)
                        .convertShape(VectorOperators.B2I, I16, 0)).add(isum1);
                int xs = 0;
                for (int e = j + sums; j < e; j++) {
                    xs += bsums[j];
                }
                msum0 = ((IntVector) ByteVector.fromArray(B16, minima, s).convertShape(VectorOperators.B2I, I16, 0))
                        .mul(xs).add(msum0);
                msum1 = ((IntVector) ByteVector.fromArray(B16, minima, s + sd).convertShape(VectorOperators.B2I, I16, 0))
                        .mul(xs).add(msum1);
            }
            float dx = a.d[b];
            acc0 = ((FloatVector) isum0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, d, db).mul(dx), acc0)
                    .sub(((FloatVector) msum0.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F16, dmin, db).mul(dx)));
            acc1 = ((FloatVector) isum1.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(F16, d, db + dd).mul(dx), acc1)
                    .sub(((FloatVector) msum1.convert(VectorOperators.I2F, 0))
                            .mul(FloatVector.fromArray(F16, dmin, db + dd).mul(dx)));
        }
        acc0.intoArray(dst0, off0);
        acc1.intoArray(dst1, off1);
    }

    /**
     * The paired byte kernel for two groups at once, {@code g0} into {@code dst0} and {@code g1 = g0 + 1} ({@code g0}
     * even) into {@code dst1}, or one group twice ({@code g1 = g0}, the same output twice): each broadcast pair of x_q
     * multiplies a column pair of both, and the two groups' column pairs lie side by side (one stream of 64 bytes).
     */
    private void groupBytes8Paired(int g0, int g1, Q8_KActivations a, float[] dst0, int off0, float[] dst1, int off1) {
        int q = pairedAt(g0, 0);
        int qd = pairedAt(g1, 0) - q;
        int s = g0 * subsPerRow * GROUP;
        int sd = (g1 - g0) * subsPerRow * GROUP;
        int db = g0 * blocksPerRow * GROUP;
        int dd = (g1 - g0) * blocksPerRow * GROUP;
        int sums = sub / 16;
        int[] xp = a.pairs;
        int[] bsums = a.bsums;
        FloatVector acc0 = FloatVector.zero(F16);
        FloatVector acc1 = FloatVector.zero(F16);
        int c = 0;
        int j = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            IntVector isum0 = IntVector.zero(I16);
            IntVector isum1 = IntVector.zero(I16);
            IntVector msum0 = IntVector.zero(I16);
            IntVector msum1 = IntVector.zero(I16);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                IntVector rows0 = IntVector.zero(I16);
                IntVector rows1 = IntVector.zero(I16);
                for (int h = 0; h < sums; h++, c += 16, q += 32 * GROUP) {
                    int p = c >> 1;
                    ShortVector x0 = IntVector.broadcast(I16, xp[p]).reinterpretAsShorts();
                    ShortVector x1 = IntVector.broadcast(I16, xp[p + 1]).reinterpretAsShorts();
                    ShortVector a0 = ((ShortVector) ByteVector.fromArray(B32, quants, q)
                            .convertShape(VectorOperators.B2S, S32, 0)).mul(x0);
                    ShortVector b0 = ((ShortVector) ByteVector.fromArray(B32, quants, q + qd)
                            .convertShape(VectorOperators.B2S, S32, 0)).mul(x0);
                    ShortVector a1 = ((ShortVector) ByteVector.fromArray(B32, quants, q + 64)
                            .convertShape(VectorOperators.B2S, S32, 0)).mul(x1);
                    ShortVector b1 = ((ShortVector) ByteVector.fromArray(B32, quants, q + qd + 64)
                            .convertShape(VectorOperators.B2S, S32, 0)).mul(x1);
                    for (int i = 2; i < 8; i += 2) {
                        x0 = IntVector.broadcast(I16, xp[p + i]).reinterpretAsShorts();
                        x1 = IntVector.broadcast(I16, xp[p + i + 1]).reinterpretAsShorts();
                        a0 = ((ShortVector) ByteVector.fromArray(B32, quants, q + 64 * i)
                                .convertShape(VectorOperators.B2S, S32, 0)).mul(x0).add(a0);
                        b0 = ((ShortVector) ByteVector.fromArray(B32, quants, q + qd + 64 * i)
                                .convertShape(VectorOperators.B2S, S32, 0)).mul(x0).add(b0);
                        a1 = ((ShortVector) ByteVector.fromArray(B32, quants, q + 64 * i + 64)
                                .convertShape(VectorOperators.B2S, S32, 0)).mul(x1).add(a1);
                        b1 = ((ShortVector) ByteVector.fromArray(B32, quants, q + qd + 64 * i + 64)
                                .convertShape(VectorOperators.B2S, S32, 0)).mul(x1).add(b1);
                    }
                    IntVector both = a0.add(a1).reinterpretAsInts();
                    rows0 = both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(both.lanewise(VectorOperators.ASHR, 16)).add(rows0);
                    both = b0.add(b1).reinterpretAsInts();
                    rows1 = both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(both.lanewise(VectorOperators.ASHR, 16)).add(rows1);
                }
                isum0 = rows0.mul((IntVector) ByteVector.fromArray(B16, scales, s).convertShape(VectorOperators.B2I, I16, 0))
                        .add(isum0);
                isum1 = rows1.mul((IntVector) ByteVector.fromArray(B16, scales, s + sd)
                        .convertShape(VectorOperators.B2I, I16, 0)).add(isum1);
                if (mins) {
                    int xs = 0;
                    for (int e = j + sums; j < e; j++) {
                        xs += bsums[j];
                    }
                    msum0 = ((IntVector) ByteVector.fromArray(B16, minima, s).convertShape(VectorOperators.B2I, I16, 0))
                            .mul(xs).add(msum0);
                    msum1 = ((IntVector) ByteVector.fromArray(B16, minima, s + sd)
                            .convertShape(VectorOperators.B2I, I16, 0)).mul(xs).add(msum1);
                }
            }
            float dx = a.d[b];
            acc0 = ((FloatVector) isum0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, d, db).mul(dx), acc0);
            acc1 = ((FloatVector) isum1.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(F16, d, db + dd).mul(dx), acc1);
            if (mins) {
                acc0 = acc0.sub(((FloatVector) msum0.convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F16, dmin, db).mul(dx)));
                acc1 = acc1.sub(((FloatVector) msum1.convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F16, dmin, db + dd).mul(dx)));
            }
        }
        acc0.intoArray(dst0, off0);
        acc1.intoArray(dst1, off1);
    }

    /**
     * Where the paired layouts keep column {@code c} (nibbles: a multiple of 8; bytes: even) of group {@code g}: groups
     * 2m and 2m + 1 side by side, for every 8 columns 64 bytes (nibbles) or for every 2 columns 32 bytes (bytes) of one,
     * then of the other, so the two-group kernels read one stream.
     */
    private int pairedAt(int g, int c) {
        int perGroup = nibbles ? 64 : 32;
        int columns = nibbles ? 8 : 2;
        return (g & ~1) * cols * (nibbles ? 8 : GROUP) + c / columns * 2 * perGroup + (g & 1) * perGroup;
    }

    /**
     * Float activations on the paired layout (small batches, {@code -Dglassbox.kquant8} aside): group {@code g}
     * dequantised into this thread's tile, then one FMA of its 16 rows per column.
     */
    private void groupFromTile(int g, float[] x, float[] dst, int dstOff) {
        float[] tile = Scratch.floats(Scratch.Slot.WEIGHTS, GROUP * cols);
        dequantiseGroup(g, tile);
        tileProduct(tile, x, dst, dstOff);
    }

    /** The 16 rows of a dequantised tile times x, into {@code dst[dstOff .. dstOff + 16)}. */
    private void tileProduct(float[] tile, float[] x, float[] dst, int dstOff) {
        FloatVector even = FloatVector.zero(F16);
        FloatVector odd = FloatVector.zero(F16);
        for (int c = 0; c < cols; c += 2) {
            even = FloatVector.fromArray(F16, tile, c * GROUP).fma(FloatVector.broadcast(F16, x[c]), even);
            odd = FloatVector.fromArray(F16, tile, c * GROUP + GROUP).fma(FloatVector.broadcast(F16, x[c + 1]), odd);
        }
        even.add(odd).intoArray(dst, dstOff);
    }

    /**
     * The scalar reference of the 8-bit kernels: row {@code r} · x from the same integers in the same order (so the
     * kernels equal it bit for bit: integer sums are exact, and the float steps are the same operations).
     */
    float dot8Reference(int r, Q8_KActivations a) {
        int g = r / GROUP;
        int l = r % GROUP;
        float acc = 0;
        int c = 0;
        for (int b = 0; b < blocksPerRow; b++) {
            int isum = 0;
            int msum = 0;
            for (int k = 0; k < subsPerBlock; k++) {
                int j = b * subsPerBlock + k;
                int qx = 0;
                int xs = 0;
                for (int e = c + sub; c < e; c++) {
                    qx += quant(g, c, l) * a.q[c];
                    xs += a.q[c];
                }
                int at = (g * subsPerRow + j) * GROUP + l;
                isum += scales[at] * qx;
                if (mins) {
                    msum += minima[at] * xs;
                }
            }
            int at = (g * blocksPerRow + b) * GROUP + l;
            float dx = a.d[b];
            acc = Math.fma((float) isum, d[at] * dx, acc);
            if (mins) {
                acc -= (float) msum * (dmin[at] * dx);
            }
        }
        return acc;
    }

    /** The q of row {@code l} of group {@code g} at column {@code c}, from either layout. */
    private int quant(int g, int c, int l) {
        if (nibbles && paired) {
            int n = (c & 7) >> 1;
            int v = quants[pairedAt(g, c & ~7) + 2 * (2 * l + (c & 1)) + (n >> 1)];
            return v >> 4 * (n & 1) & 0xF;
        }
        if (paired) {
            return quants[pairedAt(g, c & ~1) + 2 * l + (c & 1)];
        }
        if (nibbles) {
            int v = quants[(g * cols + (c & ~1)) * 8 + l];
            return (c & 1) == 0 ? v & 0xF : v >> 4 & 0xF;
        }
        return quants[(g * cols + c) * GROUP + l];
    }

    /**
     * Group {@code g} as floats in its own layout, {@code tile[c * 16 + l] = d * scale * q - dmin * min} for column c,
     * row l: per sub-block the 16 rows' {@code d * scale} and {@code -dmin * min} once, then one FMA per half-column.
     */
    void dequantiseGroup(int g, float[] tile) {
        if (nibbles && paired) {
            dequantisePairedNibbles(g, tile);
        } else if (paired) {
            dequantisePairedBytes(g, tile);
        } else if (nibbles) {
            dequantiseNibbles(g, tile);
        } else {
            dequantiseBytes(g, tile);
        }
    }

    // One method per width with every index linear in its loop counter: a width test inside the column loop made C2
    // deoptimise the method again and again (profile_predicate traps, seen with -Xlog:deoptimization=debug), leaving
    // prefill on boxed vectors (see PERFORMANCE.md, "K-quant GGUF").
    private void dequantiseNibbles(int g, float[] tile) {
        int q = g * cols * 8;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int t = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector dLo = FloatVector.fromArray(F8, d, db);
            FloatVector dHi = FloatVector.fromArray(F8, d, db + 8);
            FloatVector nLo = mins ? FloatVector.fromArray(F8, dmin, db).neg() : FloatVector.zero(F8);
            FloatVector nHi = mins ? FloatVector.fromArray(F8, dmin, db + 8).neg() : FloatVector.zero(F8);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                FloatVector aLo = ((FloatVector) ByteVector.fromArray(B8, scales, s)
                        .convertShape(VectorOperators.B2F, F8, 0)).mul(dLo);
                FloatVector aHi = ((FloatVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2F, F8, 0)).mul(dHi);
                FloatVector mLo = FloatVector.zero(F8);
                FloatVector mHi = FloatVector.zero(F8);
                if (mins) {
                    mLo = ((FloatVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2F, F8, 0))
                            .mul(nLo);
                    mHi = ((FloatVector) ByteVector.fromArray(B8, minima, s + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .mul(nHi);
                }
                for (int e = t + sub * GROUP; t < e; t += 2 * GROUP, q += 16) {
                    IntVector v0 = (IntVector) ByteVector.fromArray(B8, quants, q).convertShape(VectorOperators.B2I, I8, 0);
                    IntVector v1 = (IntVector) ByteVector.fromArray(B8, quants, q + 8)
                            .convertShape(VectorOperators.B2I, I8, 0);
                    ((FloatVector) v0.and(0x0F).convert(VectorOperators.I2F, 0)).fma(aLo, mLo).intoArray(tile, t);
                    ((FloatVector) v1.and(0x0F).convert(VectorOperators.I2F, 0)).fma(aHi, mHi).intoArray(tile, t + 8);
                    ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                            .fma(aLo, mLo).intoArray(tile, t + GROUP);
                    ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                            .fma(aHi, mHi).intoArray(tile, t + GROUP + 8);
                }
            }
        }
    }

    private void dequantiseBytes(int g, float[] tile) {
        int q = g * cols * GROUP;
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int t = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector dLo = FloatVector.fromArray(F8, d, db);
            FloatVector dHi = FloatVector.fromArray(F8, d, db + 8);
            FloatVector nLo = mins ? FloatVector.fromArray(F8, dmin, db).neg() : FloatVector.zero(F8);
            FloatVector nHi = mins ? FloatVector.fromArray(F8, dmin, db + 8).neg() : FloatVector.zero(F8);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                FloatVector aLo = ((FloatVector) ByteVector.fromArray(B8, scales, s)
                        .convertShape(VectorOperators.B2F, F8, 0)).mul(dLo);
                FloatVector aHi = ((FloatVector) ByteVector.fromArray(B8, scales, s + 8)
                        .convertShape(VectorOperators.B2F, F8, 0)).mul(dHi);
                FloatVector mLo = FloatVector.zero(F8);
                FloatVector mHi = FloatVector.zero(F8);
                if (mins) {
                    mLo = ((FloatVector) ByteVector.fromArray(B8, minima, s).convertShape(VectorOperators.B2F, F8, 0))
                            .mul(nLo);
                    mHi = ((FloatVector) ByteVector.fromArray(B8, minima, s + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .mul(nHi);
                }
                for (int e = t + sub * GROUP; t < e; t += GROUP, q += GROUP) {
                    ((FloatVector) ByteVector.fromArray(B8, quants, q).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(aLo, mLo).intoArray(tile, t);
                    ((FloatVector) ByteVector.fromArray(B8, quants, q + 8).convertShape(VectorOperators.B2F, F8, 0))
                            .fma(aHi, mHi).intoArray(tile, t + 8);
                }
            }
        }
    }

    // The paired layouts dequantised on 512-bit vectors: each nibble (or the sign-extended byte) as a short vector of
    // two columns in alternate lanes, dealt apart (one vpermw) into 16 rows of column c and 16 of column c + 1.
    private void dequantisePairedNibbles(int g, float[] tile) {
        int q = pairedAt(g, 0);
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int t = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector dv = FloatVector.fromArray(F16, d, db);
            FloatVector nv = FloatVector.fromArray(F16, dmin, db).neg();
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                FloatVector sc = ((FloatVector) ByteVector.fromArray(B16, scales, s)
                        .convertShape(VectorOperators.B2F, F16, 0)).mul(dv);
                FloatVector mn = ((FloatVector) ByteVector.fromArray(B16, minima, s)
                        .convertShape(VectorOperators.B2F, F16, 0)).mul(nv);
                for (int e = t + sub * GROUP; t < e; t += 8 * GROUP, q += 128) {
                    ShortVector v = ByteVector.fromArray(B64, quants, q).reinterpretAsShorts();
                    ShortVector n = v.and((short) 0x0F).rearrange(DEAL);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 0)).fma(sc, mn).intoArray(tile, t);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 1)).fma(sc, mn).intoArray(tile, t + GROUP);
                    n = v.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F).rearrange(DEAL);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 0)).fma(sc, mn).intoArray(tile, t + 2 * GROUP);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 1)).fma(sc, mn).intoArray(tile, t + 3 * GROUP);
                    n = v.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F).rearrange(DEAL);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 0)).fma(sc, mn).intoArray(tile, t + 4 * GROUP);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 1)).fma(sc, mn).intoArray(tile, t + 5 * GROUP);
                    n = v.lanewise(VectorOperators.LSHR, 12).rearrange(DEAL);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 0)).fma(sc, mn).intoArray(tile, t + 6 * GROUP);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 1)).fma(sc, mn).intoArray(tile, t + 7 * GROUP);
                }
            }
        }
    }

    private void dequantisePairedBytes(int g, float[] tile) {
        int q = pairedAt(g, 0);
        int s = g * subsPerRow * GROUP;
        int db = g * blocksPerRow * GROUP;
        int t = 0;
        for (int b = 0; b < blocksPerRow; b++, db += GROUP) {
            FloatVector dv = FloatVector.fromArray(F16, d, db);
            FloatVector nv = mins ? FloatVector.fromArray(F16, dmin, db).neg() : FloatVector.zero(F16);
            for (int k = 0; k < subsPerBlock; k++, s += GROUP) {
                FloatVector sc = ((FloatVector) ByteVector.fromArray(B16, scales, s)
                        .convertShape(VectorOperators.B2F, F16, 0)).mul(dv);
                FloatVector mn = FloatVector.zero(F16);
                if (mins) {
                    mn = ((FloatVector) ByteVector.fromArray(B16, minima, s).convertShape(VectorOperators.B2F, F16, 0))
                            .mul(nv);
                }
                for (int e = t + sub * GROUP; t < e; t += 2 * GROUP, q += 4 * GROUP) {
                    ShortVector n = ((ShortVector) ByteVector.fromArray(B32, quants, q)
                            .convertShape(VectorOperators.B2S, S32, 0)).rearrange(DEAL);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 0)).fma(sc, mn).intoArray(tile, t);
                    ((FloatVector) n.convertShape(VectorOperators.S2F, F16, 1)).fma(sc, mn).intoArray(tile, t + GROUP);
                }
            }
        }
    }
}
