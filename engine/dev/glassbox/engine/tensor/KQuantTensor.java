package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ggml's K-quant formats: super-blocks of 256 values, each with its own f16 scale(s) and small per-sub-block
 * scales (layouts: llama.cpp ggml/src/ggml-common.h {@code block_q2_K .. block_q8_K}, decoding:
 * ggml/src/ggml-quants.c {@code dequantize_row_q2_K ..}). The blocks are read in place from the mapped file:
 * {@link #readBlock} is the scalar reference decoder, in ggml's float32 operation order (so it matches llama.cpp
 * bit for bit); {@link #dotBlock} is the Vector API product of one block with the activations, which factors each
 * sub-block's scale (and min) out of its sum. Where the machine has 256-bit vectors, the tensor also keeps a
 * copy repacked at load ({@link QuantGroups}, from each type's {@link #split}) that the matrix products run on.
 */
public abstract sealed class KQuantTensor implements Tensor
        permits Q2_KTensor, Q3_KTensor, Q4_KTensor, Q5_KTensor, Q6_KTensor, Q8_KTensor {
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Values per super-block (ggml's QK_K). */
    static final int QK = 256;
    /** Below this many tokens a batched product runs the fused dot per token; from it on, rows are decoded once. */
    private static final int DECODE_ROWS_FROM = 4;

    final MemorySegment data;
    private final DType type;
    private final int rows;
    private final int cols;
    private final int blocksPerRow;
    /** The grouped copy the products run on, or null (no 256-bit vectors, Q8_K, or too large for arrays). */
    private final QuantGroups groups;

    KQuantTensor(DType type, MemorySegment data, int rows, int cols) {
        Tensor.checkShape(rows, cols, type, data.byteSize());
        if (cols % QK != 0) {
            throw new IllegalArgumentException(type + " rows must hold whole super-blocks of 256, got " + cols + " columns");
        }
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = cols / QK;
        QuantGroups.Layout layout = layout();
        this.groups = layout == null ? null : QuantGroups.of(layout, data, type.blockBytes(), rows, cols, this::split);
    }

    /** How this type splits into the grouped copy's integers, or null when it is not repacked. */
    QuantGroups.Layout layout() {
        return null;
    }

    /** The block at byte {@code blk} as integers (see {@link QuantGroups.Parts}); types with a {@link #layout}. */
    void split(long blk, QuantGroups.Parts out) {
        throw new UnsupportedOperationException(type + " is not repacked");
    }

    /** The grouped copy the products run on, or null. */
    QuantGroups groups() {
        return groups;
    }

    /** The stored blocks, as the file holds them. */
    public MemorySegment data() { return data; }

    @Override
    public int rows() { return rows; }

    @Override
    public int cols() { return cols; }

    @Override
    public DType dtype() { return type; }

    /** Byte offset of super-block {@code b} of row {@code row}. */
    private long blockAt(int row, int b) {
        return ((long) row * blocksPerRow + b) * type.blockBytes();
    }

    /** The 256 values of the super-block at byte {@code blk}, into {@code dst[off .. off + 256)}. */
    abstract void readBlock(long blk, float[] dst, int off);

    /** The block at byte {@code blk} times {@code x[xi .. xi + 256)} (needs {@link Lanes#BLOCKS}). */
    abstract float dotBlock(long blk, float[] x, int xi);

    @Override
    public final float dot(int row, float[] x, int xOff) {
        float sum = 0;
        if (Lanes.BLOCKS) {
            for (int b = 0; b < blocksPerRow; b++) {
                sum += dotBlock(blockAt(row, b), x, xOff + b * QK);
            }
            return sum;
        }
        float[] w = new float[QK];
        for (int b = 0; b < blocksPerRow; b++) {
            readBlock(blockAt(row, b), w, 0);
            sum += Kernels.dot(w, 0, x, xOff + b * QK, QK);
        }
        return sum;
    }

    @Override
    public final void readRow(int row, float[] dst, int dstOff) {
        for (int b = 0; b < blocksPerRow; b++) {
            readBlock(blockAt(row, b), dst, dstOff + b * QK);
        }
    }

    /** {@code out[r] = row r · x} for rows [from, to). */
    public final void matvec(float[] x, float[] out, int from, int to) {
        if (groups != null) {
            groups.matvec(x, out, from, to);
            return;
        }
        for (int r = from; r < to; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    /**
     * {@code outs[t][r] = row r · xs[t]} for rows [from, to) and tokens t < count. With a few tokens or more,
     * each row is decoded once into float32 and multiplied with every token, so the bit unpacking is shared.
     */
    public final void matmul(float[][] xs, float[][] outs, int count, int from, int to) {
        if (groups != null) {
            groups.matmul(xs, outs, count, from, to);
            return;
        }
        if (count < DECODE_ROWS_FROM) {
            for (int r = from; r < to; r++) {
                for (int t = 0; t < count; t++) {
                    outs[t][r] = dot(r, xs[t], 0);
                }
            }
            return;
        }
        float[] w = new float[cols];
        for (int r = from; r < to; r++) {
            readRow(r, w, 0);
            for (int t = 0; t < count; t++) {
                outs[t][r] = Kernels.dot(w, 0, xs[t], 0, cols);
            }
        }
    }

    /** The f16 at byte {@code at}, widened. */
    final float half(long at) {
        return Float.float16ToFloat(data.get(F16Tensor.LE_SHORT, at));
    }

    /** The unsigned byte at {@code at}. */
    final int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    /** Q4_K/Q5_K: bytes 0-7 of the 12 scale bytes at {@code at}, as one little-endian long. */
    final long scalesLo(long at) {
        return data.get(LE_LONG, at);
    }

    /** Q4_K/Q5_K: bytes 8-11 of the 12 scale bytes at {@code at}. */
    final int scalesHi(long at) {
        return data.get(LE_INT, at + 8);
    }

    /** Q4_K/Q5_K: a block's d, dmin and its eight 6-bit scales and mins (the two types' first 16 bytes are alike). */
    final void splitScalesAndMins(long blk, QuantGroups.Parts p) {
        p.d = half(blk);
        p.dmin = half(blk + 2);
        long sLo = scalesLo(blk + 4);
        int sHi = scalesHi(blk + 4);
        for (int j = 0; j < 8; j++) {
            p.scale[j] = (byte) scale6(sLo, sHi, j);
            p.min[j] = (byte) min6(sLo, sHi, j);
        }
    }

    /** Byte {@code k} (0..11) of the scale bytes held as {@code lo} (0-7) and {@code hi} (8-11). */
    private static int scaleByte(long lo, int hi, int k) {
        return k < 8 ? (int) (lo >>> 8 * k) & 0xFF : hi >>> 8 * (k - 8) & 0xFF;
    }

    /**
     * Q4_K/Q5_K: the 6-bit scale of sub-block {@code j} (0..7): sub-blocks 0-3 keep theirs in the low 6 bits of
     * bytes 0-3, sub-blocks 4-7 in the low nibble of bytes 8-11 plus the top two bits of bytes 0-3 (ggml-quants.c
     * {@code get_scale_min_k4}). The bytes come in registers: a loop of byte reads from the segment in a kernel
     * made C2 deoptimise it again and again (see Q3_KTensor).
     */
    static int scale6(long lo, int hi, int j) {
        return j < 4 ? scaleByte(lo, hi, j) & 63
                : (scaleByte(lo, hi, j + 4) & 0xF) | (scaleByte(lo, hi, j - 4) >> 6) << 4;
    }

    /** The 6-bit min of sub-block {@code j}, packed like {@link #scale6} (bytes 4-7, high nibbles of 8-11). */
    static int min6(long lo, int hi, int j) {
        return j < 4 ? scaleByte(lo, hi, j + 4) & 63
                : (scaleByte(lo, hi, j + 4) >> 4) | (scaleByte(lo, hi, j) >> 6) << 4;
    }
}
