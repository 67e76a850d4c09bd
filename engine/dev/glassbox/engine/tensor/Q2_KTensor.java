package dev.glassbox.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q2_K (84 bytes per 256 values): 16 bytes of 4-bit scale (low nibble) and min (high nibble), one per 16
 * values; 64 bytes of 2-bit quants; f16 d; f16 dmin. Each half of 128 values uses 32 quant bytes: value
 * 128n + 32k + l (k = 0..3, l < 32) is bits 2k..2k+1 of byte 32n + l, sub-block 8n + 2k + l / 16.
 * value = d * scale * q - dmin * min.
 */
public final class Q2_KTensor extends KQuantTensor {
    public Q2_KTensor(MemorySegment data, int rows, int cols) {
        super(DType.Q2_K, data, rows, cols);
    }

    private static final QuantGroups.Layout LAYOUT = new QuantGroups.Layout(QK, 16, true, true, true);

    @Override
    QuantGroups.Layout layout() {
        return LAYOUT;
    }

    @Override
    void split(long blk, QuantGroups.Parts p) {
        p.d = half(blk + 80);
        p.dmin = half(blk + 82);
        for (int i = 0; i < 16; i++) {
            int sc = u8(blk + i);
            p.scale[i] = (byte) (sc & 0xF);
            p.min[i] = (byte) (sc >> 4);
        }
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    for (int l = 0; l < 16; l++) {
                        p.q[128 * n + 32 * k + 16 * s + l] = (byte) (u8(blk + 16 + 32 * n + 16 * s + l) >> 2 * k & 3);
                    }
                }
            }
        }
    }

    @Override
    void readBlock(long blk, float[] dst, int off) {
        float d = half(blk + 80);
        float dmin = half(blk + 82);
        for (int n = 0; n < 2; n++) {
            long q = blk + 16 + 32 * n;
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    int sc = u8(blk + 8 * n + 2 * k + s);
                    float dl = d * (sc & 0xF);
                    float ml = dmin * (sc >> 4);
                    int o = off + 128 * n + 32 * k + 16 * s;
                    for (int l = 0; l < 16; l++) {
                        dst[o + l] = dl * (u8(q + 16 * s + l) >> 2 * k & 3) - ml;
                    }
                }
            }
        }
    }

    @Override
    float dotBlock(long blk, float[] x, int xi) {
        float d = half(blk + 80);
        float dmin = half(blk + 82);
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int n = 0; n < 2; n++) {
            for (int k = 0; k < 4; k++) {
                for (int s = 0; s < 2; s++) {
                    FloatVector qx = FloatVector.zero(Lanes.F);
                    FloatVector xs = FloatVector.zero(Lanes.F);
                    for (int l = 0; l < 16; l += Lanes.L) {
                        ByteVector b = ByteVector.fromMemorySegment(Lanes.S8, data, blk + 16 + 32 * n + 16 * s + l,
                                ByteOrder.LITTLE_ENDIAN);
                        FloatVector a = FloatVector.fromArray(Lanes.F, x, xi + 128 * n + 32 * k + 16 * s + l);
                        qx = ((FloatVector) b.lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3)
                                .convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(a, qx);
                        xs = xs.add(a);
                    }
                    int sc = u8(blk + 8 * n + 2 * k + s);
                    acc = qx.fma(FloatVector.broadcast(Lanes.F, d * (sc & 0xF)), acc);
                    acc = xs.fma(FloatVector.broadcast(Lanes.F, -(dmin * (sc >> 4))), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
