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
        int t = pattern.length == 0 ? 0 : pattern[0].length;
        Divergences d = new Divergences(pattern.length, t == 0 ? 0 : pattern[0][t - 1].length, epsilon);
        float[][] rows = new float[pattern.length][];
        for (int q = 0; q < t; q++) {
            for (int h = 0; h < rows.length; h++) {
                rows[h] = pattern[h][q];
            }
            d.add(rows, causal ? q + 1 : rows[0].length);
        }
        return d.table(layer);
    }

    /** Mean over query rows of the smoothed Jensen-Shannon divergence (bits) between two [query][key] patterns. */
    public static double patternDivergence(float[][] a, float[][] b, boolean causal, double epsilon) {
        return jensenShannon(0, new float[][][] {a, b}, epsilon, causal).get(0, 1);
    }

    /**
     * The Jensen-Shannon table of some heads fed one query row at a time (every head's row of the same query), so a
     * long pattern is never held whole. Per row each head's distribution is smoothed once (p' = (p + ε) / (1 + nε))
     * with its Σ p' log p', and a pair's divergence is JS(P‖R) = H(M) − ½H(P) − ½H(R), M = ½(P + R), in bits
     * (the same quantity as ½ KL(P‖M) + ½ KL(R‖M): one logarithm per pair and key, not two).
     */
    public static final class Divergences {
        private final int heads;
        private final double epsilon;
        private final double[][] sum;
        private final double[][] smoothed;
        private final double[] xLogX;
        private long count;

        /** For {@code heads} heads whose rows have at most {@code keys} keys. */
        public Divergences(int heads, int keys, double epsilon) {
            this.heads = heads;
            this.epsilon = epsilon;
            this.sum = new double[heads][heads];
            this.smoothed = new double[heads][keys];
            this.xLogX = new double[heads];
        }

        /** Adds one query row of every head: {@code rows[h][0 .. keys)}, the keys that query sees. */
        public void add(float[][] rows, int keys) {
            boolean positive = epsilon > 0; // smoothed rows hold no zeros
            for (int h = 0; h < heads; h++) {
                smooth(rows[h], keys, epsilon, smoothed[h]);
                xLogX[h] = XLogX.sum(smoothed[h], keys, positive);
            }
            for (int i = 0; i < heads; i++) {
                for (int j = i + 1; j < heads; j++) {
                    double m = XLogX.sumOfMean(smoothed[i], smoothed[j], keys, positive);
                    sum[i][j] += Math.max(0, (0.5 * (xLogX[i] + xLogX[j]) - m) / LN2);
                }
            }
            count++;
        }

        /** The symmetric table of mean divergences over the rows added (zeros on the diagonal). */
        public HeadTable table(int layer) {
            double[][] v = new double[heads][heads];
            for (int i = 0; i < heads; i++) {
                for (int j = i + 1; j < heads; j++) {
                    v[i][j] = v[j][i] = sum[i][j] / count;
                }
            }
            return new HeadTable("js", layer, layer, v, HeadTable.Sense.DISTANCE);
        }
    }

    private static final double LN2 = Math.log(2);

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

    /**
     * Cosine similarity of two heads' outputs (attention-weighted values before W_O), averaged over positions
     * (Li et al. 2018, "Multi-Head Attention with Disagreement Regularization", disagreement on outputs).
     * A zero output has cosine 0 with everything.
     *
     * @param headOutputs [position][head][headDim]
     */
    public static HeadTable outputCosine(int layer, float[][][] headOutputs) {
        int heads = headOutputs[0].length;
        int hd = headOutputs[0][0].length;
        OutputCosine cosine = new OutputCosine(layer, heads);
        float[] flat = new float[heads * hd];
        for (float[][] pos : headOutputs) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(pos[h], 0, flat, h * hd, hd);
            }
            cosine.add(flat, hd);
        }
        return cosine.table();
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
            double[] scratch = new double[pattern[h].length == 0 ? 0 : pattern[h][pattern[h].length - 1].length];
            double s = 0;
            for (float[] row : pattern[h]) {
                s += entropy(row, row.length, scratch);
            }
            out[h] = s / pattern[h].length;
        }
        return out;
    }

    /** −Σ a log a (nats) over {@code row[0 .. keys)}, zeros adding nothing; {@code scratch} holds at least {@code keys} values. */
    static double entropy(float[] row, int keys, double[] scratch) {
        for (int k = 0; k < keys; k++) {
            scratch[k] = row[k];
        }
        return -XLogX.sum(scratch, keys, false);
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
        int[] at = specialPositions(tokens, special);
        double[] out = new double[pattern.length];
        for (int h = 0; h < pattern.length; h++) {
            double s = 0;
            for (float[] row : pattern[h]) {
                s += specialMass(row, row.length, at);
            }
            out[h] = s / pattern[h].length;
        }
        return out;
    }

    /** The positions whose token is special, in order. */
    static int[] specialPositions(int[] tokens, IntPredicate special) {
        return java.util.stream.IntStream.range(0, tokens.length).filter(k -> special.test(tokens[k])).toArray();
    }

    /** Attention of one row ({@code row[0 .. keys)}) on the special positions {@code at} (ascending). */
    static double specialMass(float[] row, int keys, int[] at) {
        double s = 0;
        for (int k : at) {
            if (k >= keys) {
                break;
            }
            s += row[k];
        }
        return s;
    }
}
