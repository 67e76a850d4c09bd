package dev.glassbox.engine.tensor;

/**
 * Activations quantised to 8 bits per 256 values as llama.cpp does before its K-quant dot products (ggml
 * {@code block_q8_K}, made by ggml-quants.c {@code quantize_row_q8_K_ref}): per block, {@code max} is the value of
 * largest magnitude (its sign kept), {@code q = min(127, round_half_even(-127 / max * x))} and {@code d = max / -127}
 * (computed as ggml does, {@code 1 / (-127 / max)}), so x ≈ d q with |x - d q| ≤ |d| / 2; {@code bsums} are the sums of
 * each 16 consecutive q (the K-quants' min terms use them). Made once per product input, read by every row and
 * thread (the kernels broadcast q[c] from here: no repeated copies, which cost more cache than they saved).
 */
final class Q8_KActivations {
    static final int QK = KQuantTensor.QK;

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
        for (int m = 0; a.pairs != null && m < cols / 2; m++) {
            a.pairs[m] = a.q[2 * m] & 0xFFFF | a.q[2 * m + 1] << 16;
        }
        return a;
    }

    private void quantiseBlock(float[] x, int at, int b) {
        float max = 0;
        float amax = 0;
        boolean finite = true;
        for (int j = at; j < at + QK; j++) {
            float ax = Math.abs(x[j]);
            finite &= Float.isFinite(ax);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (!finite || amax == 0) {
            d[b] = finite ? 0 : Float.NaN; // q and bsums stay 0
            return;
        }
        float iscale = -127f / max;
        for (int j = at; j < at + QK; j++) {
            // ggml's nearest_int adds 1.5 * 2^23 in float: round half to even, as rint
            q[j] = (byte) Math.min(127, (int) Math.rint(iscale * x[j]));
        }
        for (int s = at / 16; s < (at + QK) / 16; s++) {
            int sum = 0;
            for (int j = 16 * s; j < 16 * s + 16; j++) {
                sum += q[j];
            }
            bsums[s] = sum;
        }
        d[b] = 1 / iscale;
    }
}
