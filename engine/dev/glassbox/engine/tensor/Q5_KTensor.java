package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q5_K (176 bytes per 256 values): Q4_K's f16 d, dmin and 12 scale bytes, then 32 bytes of fifth bits
 * (bit 2j of byte l for value 64j + l, bit 2j+1 for value 64j + 32 + l), then Q4_K's 128 bytes of low nibbles.
 * value = d * scale * q - dmin * min with q in 0..31.
 */
public final class Q5_KTensor extends KQuantTensor {
    public Q5_KTensor(MemorySegment data, int rows, int cols) {
        super(DType.Q5_K, data, rows, cols);
    }

    private static final QuantGroups.Layout LAYOUT = new QuantGroups.Layout(QK, 32, false, true, true);

    @Override
    QuantGroups.Layout layout() {
        return LAYOUT;
    }

    @Override
    void split(long blk, QuantGroups.Parts p) {
        splitScalesAndMins(blk, p);
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < 32; l++) {
                int b = u8(blk + 48 + 32 * j + l);
                int h = u8(blk + 16 + l);
                p.q[64 * j + l] = (byte) ((b & 0xF) + ((h >> 2 * j) & 1) * 16);
                p.q[64 * j + 32 + l] = (byte) ((b >> 4) + ((h >> 2 * j + 1) & 1) * 16);
            }
        }
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = half(blk);
        float dmin = half(blk + 2);
        long sLo = scalesLo(blk + 4);
        int sHi = scalesHi(blk + 4);
        for (int j = 0; j < 4; j++) {
            float d1 = d * scale6(sLo, sHi, 2 * j);
            float m1 = dmin * min6(sLo, sHi, 2 * j);
            float d2 = d * scale6(sLo, sHi, 2 * j + 1);
            float m2 = dmin * min6(sLo, sHi, 2 * j + 1);
            long q = blk + 48 + 32 * j;
            int o = off + 64 * j;
            for (int l = 0; l < 32; l++) {
                int b = u8(q + l);
                int h = u8(blk + 16 + l);
                dst[o + l] = d1 * ((b & 0xF) + ((h >> 2 * j) & 1) * 16) - m1;
                dst[o + 32 + l] = d2 * ((b >> 4) + ((h >> 2 * j + 1) & 1) * 16) - m2;
            }
        }
    }

    @Override
    float dotBlock(long blk, float[] x, int xi) {
        float d = half(blk);
        float dmin = half(blk + 2);
        long sLo = scalesLo(blk + 4);
        int sHi = scalesHi(blk + 4);
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int j = 0; j < 4; j++) {
            long q = blk + 48 + 32 * j;
            int xo = xi + 64 * j;
            FloatVector lo = FloatVector.zero(Lanes.F);
            FloatVector hi = FloatVector.zero(Lanes.F);
            FloatVector xlo = FloatVector.zero(Lanes.F);
            FloatVector xhi = FloatVector.zero(Lanes.F);
            for (int l = 0; l < 32; l += Lanes.L) {
                ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, q + l, ByteOrder.LITTLE_ENDIAN);
                ByteVector h = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 16 + l, ByteOrder.LITTLE_ENDIAN);
                FloatVector a = FloatVector.fromArray(Lanes.F, x, xo + l);
                FloatVector c = FloatVector.fromArray(Lanes.F, x, xo + 32 + l);
                ByteVector qlo = b.and((byte) 0x0F)
                        .or(h.lanewise(VectorOperators.LSHR, 2 * j).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                ByteVector qhi = b.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F)
                        .or(h.lanewise(VectorOperators.LSHR, 2 * j + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                lo = ((FloatVector) qlo.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(a, lo);
                hi = ((FloatVector) qhi.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(c, hi);
                xlo = xlo.add(a);
                xhi = xhi.add(c);
            }
            acc = lo.fma(FloatVector.broadcast(Lanes.F, d * scale6(sLo, sHi, 2 * j)), acc);
            acc = xlo.fma(FloatVector.broadcast(Lanes.F, -(dmin * min6(sLo, sHi, 2 * j))), acc);
            acc = hi.fma(FloatVector.broadcast(Lanes.F, d * scale6(sLo, sHi, 2 * j + 1)), acc);
            acc = xhi.fma(FloatVector.broadcast(Lanes.F, -(dmin * min6(sLo, sHi, 2 * j + 1))), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
