package dev.glassbox.engine.tensor;

/** Weight quantisation into ggml block formats, rounding exactly as ggml's reference quantisers do. */
public final class Quantize {
    private Quantize() {
    }

    /**
     * ggml's quantize_row_q8_0_ref: per block of 32, d = max|x| / 127 (computed in float, stored as f16),
     * q = round(x / d). Rows must hold whole blocks.
     */
    public static Q8_0Tensor q8_0(Tensor t) {
        if (t.cols() % 32 != 0) {
            throw new IllegalArgumentException("Q8_0 needs rows of whole 32-value blocks, got " + t.cols() + " columns");
        }
        int blocks = t.cols() / 32;
        Q8_0Tensor out = new Q8_0Tensor(t.rows(), t.cols());
        float[] row = new float[t.cols()];
        byte[] q = new byte[32];
        for (int r = 0; r < t.rows(); r++) {
            t.readRow(r, row, 0);
            for (int b = 0; b < blocks; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(row[b * 32 + j]));
                float d = amax / 127f;
                float id = d != 0 ? 1f / d : 0f;
                for (int j = 0; j < 32; j++) {
                    q[j] = (byte) roundf(row[b * 32 + j] * id);
                }
                // the file keeps d as f16, and so does the dot product: what is written is what runs
                out.setBlock(r, b, Float.floatToFloat16(d), q);
            }
        }
        return out;
    }

    /** C's roundf: halves away from zero (Java's Math.round rounds them up). */
    static int roundf(float v) {
        return v >= 0 ? (int) Math.floor(v + 0.5f) : -(int) Math.floor(-v + 0.5f);
    }
}
