package dev.glassbox.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations quantised to 8 bits per 256 values as llama.cpp does before its K-quant dot products (ggml
 * {@code block_q8_K}, made by ggml-quants.c {@code quantize_row_q8_K_ref}): per block, {@code max} is the value of
 * largest magnitude (its sign kept), {@code q = min(127, round_half_even(-127 / max * x))} and {@code d = max / -127}
 * (computed as ggml does, {@code 1 / (-127 / max)}), so x ≈ d q with |x - d q| ≤ |d| / 2; {@code bsums} are the sums of
 * each 16 consecutive q (the K-quants' min terms use them). Made once per product input, read by every row and
 * thread (the kernels broadcast q[c], or a pair of them, from here: no repeated copies, which cost more cache than
 * they saved).
 */
final class Q8_KActivations {
    static final int QK = KQuantTensor.QK;
    /**
     * 16 or 8 lanes, so a vector of q lies within one 16-value bsum (the 8-bit products run only on 256-bit vectors or
     * wider, QuantGroups.AVAILABLE; elsewhere this is correct, if slow).
     */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** Bytes, as many lanes as F. */
    private static final VectorSpecies<Byte> B = F.length() == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    final byte[] q;
    /** One scale per block; NaN when the block holds a NaN or an infinity (so the products are NaN, not dropped). */
    final float[] d;
    final int[] bsums;
    /**
     * q in pairs for the 512-bit kernels (QuantGroups.WIDE): {@code pairs[m]} holds q[2m] in its low and q[2m + 1] in
     * its high 16 bits, one broadcast for the two columns of a paired row; null elsewhere.
     */
    final int[] pairs;

    private Q8_KActivations(int cols) {
        this.q = new byte[cols];
        this.d = new float[cols / QK];
        this.bsums = new int[cols / 16];
        this.pairs = QuantGroups.WIDE ? new int[cols / 2] : null;
    }

    /** {@code x[0 .. cols)} quantised; cols a multiple of 256. */
    static Q8_KActivations of(float[] x, int cols) {
        if (cols % QK != 0 || cols > x.length) {
            throw new IllegalArgumentException("8-bit activations need whole blocks of 256 within x, got " + cols
                    + " of " + x.length);
        }
        Q8_KActivations a = new Q8_KActivations(cols);
        for (int b = 0; b < cols / QK; b++) {
            a.quantiseBlock(x, b * QK, b);
        }
        for (int c = 0; a.pairs != null && c < cols; c += 32) { // q[2m] low, q[2m + 1] high: shorts read as ints
            ((ShortVector) ByteVector.fromArray(ByteVector.SPECIES_256, a.q, c)
                    .convertShape(VectorOperators.B2S, ShortVector.SPECIES_512, 0)).reinterpretAsInts().intoArray(a.pairs, c / 2);
        }
        return a;
    }

    // One vector of x at a time (it ran per product, scalar, at ~2 % of a decoded token). The rounding is ggml's
    // nearest_int: adding 1.5 * 2^23 in float leaves round-half-even(v) in the low mantissa bits (|v| <= 127 here),
    // the same integer as Math.rint; the largest magnitude's first occurrence keeps its sign, as ggml's scan.
    private void quantiseBlock(float[] x, int at, int b) {
        FloatVector amaxes = FloatVector.zero(F);
        for (int j = at; j < at + QK; j += F.length()) {
            amaxes = amaxes.max(FloatVector.fromArray(F, x, j).abs()); // NaN stays NaN (Math.max)
        }
        float amax = amaxes.reduceLanes(VectorOperators.MAX);
        if (!Float.isFinite(amax) || amax == 0) {
            d[b] = Float.isFinite(amax) ? 0 : Float.NaN; // q and bsums stay 0
            return;
        }
        float max = 0;
        for (int j = at; j < at + QK; j += F.length()) {
            VectorMask<Float> m = FloatVector.fromArray(F, x, j).abs().eq(amax);
            if (m.anyTrue()) {
                max = x[j + m.firstTrue()];
                break;
            }
        }
        float iscale = -127f / max;
        for (int j = at; j < at + QK; j += F.length()) {
            IntVector q = FloatVector.fromArray(F, x, j).mul(iscale).add(12582912f).reinterpretAsInts()
                    .and(0x007FFFFF).sub(0x00400000).min(127);
            ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(this.q, j);
            bsums[j / 16] += q.reduceLanes(VectorOperators.ADD);
        }
        d[b] = 1 / iscale;
    }
}
