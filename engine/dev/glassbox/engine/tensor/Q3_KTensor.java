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

    /**
     * Scale {@code i} (0..15) minus 32: low nibbles in bytes 0-7 (scales 0-7 low, 8-15 high), top two bits in
     * bytes 8-11 (bits 2(i/4) of byte 8 + i%4), as dequantize_row_q3_K's kmask shuffle leaves them.
     */
    private int scale(long blk, int i) {
        long at = blk + 96;
        int low = i < 8 ? u8(at + i) & 0xF : u8(at + i - 8) >> 4;
        int high = u8(at + 8 + i % 4) >> 2 * (i / 4) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = half(blk + 108);
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    float dl = d * scale(blk, 8 * n + 2 * k + s);
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

    @Override
    float dotBlock(long blk, float[] x, int xi) {
        float d = half(blk + 108);
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    FloatVector qx = FloatVector.zero(Lanes.F);
                    for (int l = 0; l < 16; l += Lanes.L) {
                        ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 32 + 32 * n + 16 * s + l,
                                ByteOrder.LITTLE_ENDIAN);
                        ByteVector h = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 16 * s + l, ByteOrder.LITTLE_ENDIAN);
                        ByteVector q = b.lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).sub((byte) 4)
                                .add(h.lanewise(VectorOperators.LSHR, 4 * n + k).and((byte) 1).lanewise(VectorOperators.LSHL, 2));
                        qx = ((FloatVector) q.convertShape(VectorOperators.B2F, Lanes.F, 0))
                                .fma(FloatVector.fromArray(Lanes.F, x, xi + 128 * n + 32 * k + 16 * s + l), qx);
                    }
                    acc = qx.fma(FloatVector.broadcast(Lanes.F, d * scale(blk, 8 * n + 2 * k + s)), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
