package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q6_K (210 bytes per 256 values): 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 int8 scales
 * (one per 16 values), f16 d. Each half of 128 values uses 64 low-nibble bytes and 32 high bytes: value
 * 128n + 32k + l (k = 0..3, l < 32) takes nibble (k / 2) of low byte 64n + 32(k % 2) + l and bits 2k..2k+1 of
 * high byte 32n + l. value = d * scale * (q - 32).
 */
public final class Q6_KTensor extends KQuantTensor {
    public Q6_KTensor(MemorySegment data, int rows, int cols) {
        super(DType.Q6_K, data, rows, cols);
    }

    /** q - 32 (-32..31) as signed bytes, no min term. */
    private static final QuantGroups.Layout LAYOUT = new QuantGroups.Layout(QK, 16, false, false, true);

    @Override
    QuantGroups.Layout layout() {
        return LAYOUT;
    }

    @Override
    void split(long blk, QuantGroups.Parts p) {
        p.d = half(blk + 208);
        for (int i = 0; i < 16; i++) {
            p.scale[i] = (byte) scale(blk, i);
        }
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int a = u8(blk + 64 * n + l);
                int b = u8(blk + 64 * n + 32 + l);
                int h = u8(blk + 128 + 32 * n + l);
                int o = 128 * n + l;
                p.q[o] = (byte) ((a & 0xF | (h & 3) << 4) - 32);
                p.q[o + 32] = (byte) ((b & 0xF | (h >> 2 & 3) << 4) - 32);
                p.q[o + 64] = (byte) ((a >> 4 | (h >> 4 & 3) << 4) - 32);
                p.q[o + 96] = (byte) ((b >> 4 | (h >> 6 & 3) << 4) - 32);
            }
        }
    }

    private int scale(long blk, int i) {
        return data.get(ValueLayout.JAVA_BYTE, blk + 192 + i);
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = half(blk + 208);
        for (int n = 0; n < 2; n++) {
            long ql = blk + 64 * n;
            long qh = blk + 128 + 32 * n;
            int o = off + 128 * n;
            for (int l = 0; l < 32; l++) {
                int is = 8 * n + l / 16;
                int a = u8(ql + l);
                int b = u8(ql + 32 + l);
                int h = u8(qh + l);
                dst[o + l] = d * scale(blk, is) * ((a & 0xF | (h & 3) << 4) - 32);
                dst[o + 32 + l] = d * scale(blk, is + 2) * ((b & 0xF | (h >> 2 & 3) << 4) - 32);
                dst[o + 64 + l] = d * scale(blk, is + 4) * ((a >> 4 | (h >> 4 & 3) << 4) - 32);
                dst[o + 96 + l] = d * scale(blk, is + 6) * ((b >> 4 | (h >> 6 & 3) << 4) - 32);
            }
        }
    }

    @Override
    float dotBlock(long blk, float[] x, int xi) {
        float d = half(blk + 208);
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int n = 0; n < 2; n++) {
            for (int s = 0; s < 2; s++) { // the two 16-value sub-blocks of each 32
                FloatVector s0 = FloatVector.zero(Lanes.F);
                FloatVector s1 = FloatVector.zero(Lanes.F);
                FloatVector s2 = FloatVector.zero(Lanes.F);
                FloatVector s3 = FloatVector.zero(Lanes.F);
                for (int l = 16 * s; l < 16 * s + 16; l += Lanes.L) {
                    long ql = blk + 64 * n + l;
                    int xo = xi + 128 * n + l;
                    ByteVector a = ByteVector.fromMemorySegment(Lanes.S8, data, ql, ByteOrder.LITTLE_ENDIAN);
                    ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, ql + 32, ByteOrder.LITTLE_ENDIAN);
                    ByteVector h = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 128 + 32 * n + l, ByteOrder.LITTLE_ENDIAN);
                    ByteVector q0 = a.and((byte) 0x0F).or(h.and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    ByteVector q1 = b.and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHR, 2).and((byte) 3)
                            .lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    ByteVector q2 = a.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHR, 4)
                            .and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    ByteVector q3 = b.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHR, 6)
                            .and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    s0 = ((FloatVector) q0.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xo), s0);
                    s1 = ((FloatVector) q1.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xo + 32), s1);
                    s2 = ((FloatVector) q2.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xo + 64), s2);
                    s3 = ((FloatVector) q3.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xo + 96), s3);
                }
                int is = 8 * n + s;
                acc = s0.fma(FloatVector.broadcast(Lanes.F, d * scale(blk, is)), acc);
                acc = s1.fma(FloatVector.broadcast(Lanes.F, d * scale(blk, is + 2)), acc);
                acc = s2.fma(FloatVector.broadcast(Lanes.F, d * scale(blk, is + 4)), acc);
                acc = s3.fma(FloatVector.broadcast(Lanes.F, d * scale(blk, is + 6)), acc);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
