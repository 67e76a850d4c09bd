package dev.glassbox.engine.model;

/**
 * Transformer-XL's relative positional attention (Dai et al. 2019, arXiv:1901.02860, sec. 3.3, eq. on A^rel), the
 * position design that replaces rotary embedding in a decoder trained with {@code --positions xl-relative}:
 * score(i, j) = (q_i + u).k_j + (q_i + v).r_{i-j}, scaled by 1/sqrt(headDim), with r_p = W_R R_p the layer's
 * projection of the sinusoid R of distance p (the reference code's RelPartialLearnableMultiHeadAttn with
 * r_w_bias = u, r_r_bias = v, r_net = W_R). Keys are cached unrotated; only the query-key distance enters the score.
 * Checkpoints carry {@code "glassbox_positions": "xl-relative"} and the tensors {@code model.glassbox_rel.r_w_bias},
 * {@code r_r_bias} ([heads * headDim]) and {@code model.glassbox_rel.L.r_net.weight} ([heads * headDim, dim]).
 *
 * @param u   content bias, [heads * headDim], shared by every layer
 * @param v   position bias, [heads * headDim], shared by every layer
 * @param net each layer's W_R, [heads * headDim, dim] row-major
 */
public record RelativePositions(float[] u, float[] v, float[][] net) {

    /** The config.json key naming a position design other than rotary (Glassbox-specific). */
    public static final String CONFIG_KEY = "glassbox_positions";
    /** The value of {@link #CONFIG_KEY} for this design. */
    public static final String XL_RELATIVE = "xl-relative";
    /** Prefix of the design's tensor names. */
    public static final String PREFIX = "model.glassbox_rel.";

    public static String netName(int layer) {
        return PREFIX + layer + ".r_net.weight";
    }

    /** The sinusoid R of distances 0..count-1, [count, width]: [sin(p f_i), cos(p f_i)], f_i = 10000^(-2i/width). */
    public static float[] sinusoid(int count, int width) {
        int half = width / 2;
        float[] r = new float[count * width];
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p / Math.pow(10000.0, 2.0 * i / width);
                r[p * width + i] = (float) Math.sin(angle);
                r[p * width + half + i] = (float) Math.cos(angle);
            }
        }
        return r;
    }

    /** r = R W_R^T for distances 0..count-1: [count, out] from W_R [out, width]. */
    public static float[] projected(float[] wR, int count, int out, int width) {
        float[] rSin = sinusoid(count, width);
        float[] r = new float[count * out];
        for (int p = 0; p < count; p++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < width; i++) {
                    s += rSin[p * width + i] * wR[o * width + i];
                }
                r[p * out + o] = (float) s;
            }
        }
        return r;
    }

    /** Each layer's r for distances 0..count-1 ([layers][count * qDim]); fails past a bounded table. */
    float[][] table(int count, ModelConfig c) {
        long floats = (long) net.length * count * c.qDim();
        if (floats > 64L << 20) {
            throw new IllegalArgumentException("xl-relative distance table of " + count + " positions x " + c.qDim()
                    + " x " + net.length + " layers exceeds 64M floats; use a shorter context");
        }
        float[][] t = new float[net.length][];
        for (int l = 0; l < net.length; l++) {
            t[l] = projected(net[l], count, c.qDim(), c.dim());
        }
        return t;
    }

    /**
     * The scaled score of query head {@code h} ({@code q[h * headDim ..]}) against a key ({@code key[kOff ..]}) at
     * distance row {@code rOff} of a {@link #table} row.
     */
    public static float score(float[] q, int h, int hd, float[] u, float[] v, float[] key, int kOff, float[] r, int rOff,
                       float scale) {
        float s = 0;
        int qo = h * hd;
        for (int d = 0; d < hd; d++) {
            float qd = q[qo + d];
            s += (qd + u[qo + d]) * key[kOff + d] + (qd + v[qo + d]) * r[rOff + qo + d];
        }
        return s * scale;
    }
}
