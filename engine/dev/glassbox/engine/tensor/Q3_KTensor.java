package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q3_K (110 bytes per 256 values): 32 bytes of third bits (hmask), 64 bytes of 2-bit quants, 12 bytes of
 * 16 packed 6-bit scales, f16 d. Value 128n + 32k + 16s + l (k = 0..3, s = 0..1, l < 16) is bits 2k..2k+1 of
 * quant byte 32n + 16s + l, its third bit is bit 4n + k of hmask byte 16s + l, its scale is number
 * 8n + 2k + s. value = d * (scale - 32) * (q - (third bit set ? 0 : 4)).
 */
public final class Q3_KTensor extends KQuantTensor {
    public Q3_KTensor(MemorySegment data, int rows, int cols) {
        super(DType.Q3_K, data, rows, cols);
    }

    /** q + 4 * third bit (0..7) as nibbles; d * s * (q' - 4) = d * s * q' - d * (4 s), so min = 4 s and dmin = d. */
    private static final QuantGroups.Layout LAYOUT = new QuantGroups.Layout(QK, 16, true, true, true);

    @Override
    QuantGroups.Layout layout() {
        return LAYOUT;
    }

    @Override
    void split(long blk, QuantGroups.Parts p) {
        p.d = half(blk + 108);
        p.dmin = p.d;
        long lo = scalesLo(blk + 96);
        int hi = scalesHi(blk + 96);
        for (int i = 0; i < 16; i++) {
            p.scale[i] = (byte) scale(lo, hi, i);
            p.min[i] = (byte) (4 * scale(lo, hi, i));
        }
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    for (int l = 0; l < 16; l++) {
                        int q = u8(blk + 32 + 32 * n + 16 * s + l) >> 2 * k & 3;
                        int h = u8(blk + 16 * s + l) >> 4 * n + k & 1;
                        p.q[128 * n + 32 * k + 16 * s + l] = (byte) (q + 4 * h);
                    }
                }
            }
        }
    }

    /**
     * Scale {@code i} (0..15) minus 32, from the 12 scale bytes read as {@code lo} (bytes 0-7) and {@code hi} (bytes
     * 8-11): the low nibbles are in bytes 0-7 (scales 0-7 low, 8-15 high), the top two bits in bytes 8-11 (bits
     * 2(i/4) of byte 8 + i%4), as dequantize_row_q3_K's kmask shuffle leaves them. The bytes come in registers
     * ({@link KQuantTensor#scalesLo}): a loop of byte reads here made C2 deoptimise the kernel again and again.
     */
    private static int scale(long lo, int hi, int i) {
        int low = (int) (lo >>> 8 * (i & 7) + 4 * (i >> 3)) & 0xF;
        int high = hi >>> 8 * (i & 3) + 2 * (i >> 2) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = half(blk + 108);
        long lo = scalesLo(blk + 96);
        int hi = scalesHi(blk + 96);
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    float dl = d * scale(lo, hi, 8 * n + 2 * k + s);
                    int o = off + 128 * n + 32 * k + 16 * s;
                    for (int l = 0; l < 16; l++) {
                        int q = u8(blk + 32 + 32 * n + 16 * s + l) >> 2 * k & 3;
                        int h = u8(blk + 16 * s + l) >> 4 * n + k & 1;
                        dst[o + l] = dl * (q - (h != 0 ? 0 : 4));
                    }
                }
            }
        }
    }

    // Column by column: one load of 8-16 quant bytes and their third-bit bytes serves all four 2-bit planes k,
    // each dequantised in registers, (q - 4 + 4 * third bit) * d * scale, and multiplied with its x. Every index
    // is linear in the loop counter: loops over sub-blocks (n, k, s) made C2 deoptimise the method again and
    // again (a profile_predicate trap), leaving it to run as slow boxed vector code.
    @Override
    float dotBlock(long blk, float[] x, int xi) {
        float d = half(blk + 108);
        long lo = scalesLo(blk + 96);
        int hi = scalesHi(blk + 96);
        FloatVector acc0 = FloatVector.zero(Lanes.F);
        FloatVector acc1 = FloatVector.zero(Lanes.F);
        for (int c = 0; c < 64; c += Lanes.L) {
            int n = c >> 5;
            int l = c & 31;
            int is = 8 * n + (l >> 4);
            ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 32 + c, ByteOrder.LITTLE_ENDIAN);
            ByteVector h = ByteVector.fromMemorySegment(Lanes.S8, data, blk + l, ByteOrder.LITTLE_ENDIAN)
                    .lanewise(VectorOperators.LSHR, 4 * n);
            int xo = xi + 128 * n + l;
            FloatVector w0 = ((FloatVector) b.and((byte) 3).or(h.and((byte) 1).lanewise(VectorOperators.LSHL, 2))
                    .convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(4f).mul(d * scale(lo, hi, is));
            FloatVector w1 = ((FloatVector) b.lanewise(VectorOperators.LSHR, 2).and((byte) 3).or(h.and((byte) 2)
                    .lanewise(VectorOperators.LSHL, 1)).convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(4f)
                    .mul(d * scale(lo, hi, is + 2));
            FloatVector w2 = ((FloatVector) b.lanewise(VectorOperators.LSHR, 4).and((byte) 3).or(h.and((byte) 4))
                    .convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(4f).mul(d * scale(lo, hi, is + 4));
            FloatVector w3 = ((FloatVector) b.lanewise(VectorOperators.LSHR, 6).and((byte) 3).or(h.and((byte) 8)
                    .lanewise(VectorOperators.LSHR, 1)).convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(4f)
                    .mul(d * scale(lo, hi, is + 6));
            acc0 = w0.fma(FloatVector.fromArray(Lanes.F, x, xo), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Lanes.F, x, xo + 32), acc1);
            acc0 = w2.fma(FloatVector.fromArray(Lanes.F, x, xo + 64), acc0);
            acc1 = w3.fma(FloatVector.fromArray(Lanes.F, x, xo + 96), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
