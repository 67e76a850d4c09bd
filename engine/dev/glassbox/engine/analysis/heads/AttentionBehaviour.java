package dev.glassbox.engine.analysis.heads;

import java.util.function.IntPredicate;

import dev.glassbox.engine.analysis.SinkMass;

/** How a layer's heads behave on one input, from their attention patterns [head][query][key] and outputs. */
public final class AttentionBehaviour {

    /**
     * Additive smoothing of each attention distribution before the Jensen-Shannon divergence:
     * p' = (p + ε) / (1 + nε) over the n visible keys, ε = 1e-10, so logarithms stay finite
     * (Clark et al. 2019, "What Does BERT Look At?", compare heads by JS divergence when clustering them).
     */
    public static final double JS_EPSILON = 1e-10;

    private AttentionBehaviour() {
    }

    /**
     * Jensen-Shannon divergence (base 2, so in [0, 1]) between every pair of heads' attention distributions,
     * averaged over query positions (Clark et al. 2019, head clustering); with {@code causal} query q sees keys
     * 0..q, otherwise (encoders) every key.
     */
    public static HeadTable jensenShannon(int layer, float[][][] pattern, double epsilon, boolean causal) {
        int heads = pattern.length;
        double[][] v = new double[heads][heads];
        for (int i = 0; i < heads; i++) {
            for (int j = i + 1; j < heads; j++) {
                v[i][j] = v[j][i] = patternDivergence(pattern[i], pattern[j], causal, epsilon);
            }
        }
        return new HeadTable("js", layer, layer, v, HeadTable.Sense.DISTANCE);
    }

    /** Mean over query rows of the smoothed Jensen-Shannon divergence (bits) between two [query][key] patterns. */
    public static double patternDivergence(float[][] a, float[][] b, boolean causal, double epsilon) {
        int t = a.length;
        double[] p = new double[t == 0 ? 0 : a[t - 1].length]; // the longest row (a causal pattern's may be ragged)
        double[] r = new double[p.length];
        double sum = 0;
        for (int q = 0; q < t; q++) {
            int n = causal ? q + 1 : a[q].length;
            smooth(a[q], n, epsilon, p);
            smooth(b[q], n, epsilon, r);
            sum += js(p, r, n);
        }
        return sum / t;
    }

    private static void smooth(float[] row, int n, double eps, double[] out) {
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += row[k];
        }
        double z = total + n * eps;
        for (int k = 0; k < n; k++) {
            out[k] = (row[k] + eps) / z;
        }
    }

    /** JS(P‖R) = ½ KL(P‖M) + ½ KL(R‖M), M = ½(P + R), in bits. */
    static double js(double[] p, double[] r, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            double m = 0.5 * (p[k] + r[k]);
            if (p[k] > 0) {
                s += 0.5 * p[k] * Math.log(p[k] / m);
            }
            if (r[k] > 0) {
                s += 0.5 * r[k] * Math.log(r[k] / m);
            }
        }
        return Math.max(0, s / Math.log(2));
    }

    /**
     * Cosine similarity of two heads' outputs (attention-weighted values before W_O), averaged over positions
     * (Li et al. 2018, "Multi-Head Attention with Disagreement Regularization", disagreement on outputs).
     * A zero output has cosine 0 with everything.
     *
     * @param headOutputs [position][head][headDim]
     */
    public static HeadTable outputCosine(int layer, float[][][] headOutputs) {
        int t = headOutputs.length;
        int heads = headOutputs[0].length;
        double[][] v = new double[heads][heads];
        for (float[][] pos : headOutputs) {
            double[] norm = new double[heads];
            for (int h = 0; h < heads; h++) {
                norm[h] = Math.sqrt(dot(pos[h], pos[h]));
            }
            for (int i = 0; i < heads; i++) {
                for (int j = i; j < heads; j++) {
                    double d = norm[i] * norm[j];
                    v[i][j] += d == 0 ? 0 : dot(pos[i], pos[j]) / d;
                }
            }
        }
        for (int i = 0; i < heads; i++) {
            for (int j = i; j < heads; j++) {
                v[i][j] /= t;
                v[j][i] = v[i][j];
            }
        }
        return new HeadTable("output_cosine", layer, layer, v, HeadTable.Sense.SIMILARITY);
    }

    /** Li et al. 2018 output disagreement: 1 - the mean cosine over pairs of distinct heads. */
    public static double disagreement(HeadTable cosine) {
        int n = cosine.rows();
        if (n < 2) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    s += cosine.get(i, j);
                }
            }
        }
        return 1 - s / (n * (n - 1.0));
    }

    /**
     * Shannon entropy (nats) of each head's attention distribution, averaged over query positions (Clark et al.
     * 2019, attention entropy); every key is summed, causal patterns have zeros above the diagonal.
     */
    public static double[] entropy(float[][][] pattern) {
        double[] out = new double[pattern.length];
        for (int h = 0; h < pattern.length; h++) {
            double s = 0;
            for (float[] row : pattern[h]) {
                for (float a : row) {
                    if (a > 0) {
                        s -= a * Math.log(a);
                    }
                }
            }
            out[h] = s / pattern[h].length;
        }
        return out;
    }

    /** Per head, the attention-sink mass on position 0 (see {@link SinkMass}: queries after position 0). */
    public static double[] sinkMass(float[][][] pattern) {
        double[] out = new double[pattern.length];
        for (int h = 0; h < pattern.length; h++) {
            out[h] = SinkMass.of(pattern[h]);
        }
        return out;
    }

    /** Mean attention on keys whose token is special (BOS/EOS/CLS/SEP; Clark et al. 2019 measure attention to [CLS]/[SEP]). */
    public static double[] specialMass(float[][][] pattern, int[] tokens, IntPredicate special) {
        double[] out = new double[pattern.length];
        for (int h = 0; h < pattern.length; h++) {
            double s = 0;
            for (float[] row : pattern[h]) {
                for (int k = 0; k < row.length; k++) {
                    if (special.test(tokens[k])) {
                        s += row[k];
                    }
                }
            }
            out[h] = s / pattern[h].length;
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
