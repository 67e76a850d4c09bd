package dev.glassbox.engine.analysis.heads;

/**
 * The output cosine table of one layer (Li et al. 2018, "Multi-Head Attention with Disagreement Regularization",
 * disagreement on outputs: each pair of heads' cosine averaged over positions), summed a position at a time as a run
 * produces them, so a run need not keep its head outputs for it. A zero output has cosine 0 with everything.
 */
final class OutputCosine {
    private final int layer;
    private final int heads;
    private final double[][] sum;
    private final double[] norm;
    private int positions;

    OutputCosine(int layer, int heads) {
        this.layer = layer;
        this.heads = heads;
        this.sum = new double[heads][heads];
        this.norm = new double[heads];
    }

    /** Adds one position's outputs, {@code flat} holding head h's {@code headDim} values from h x headDim. */
    void add(float[] flat, int headDim) {
        for (int h = 0; h < heads; h++) {
            norm[h] = Math.sqrt(dot(flat, h * headDim, h * headDim, headDim));
        }
        for (int i = 0; i < heads; i++) {
            for (int j = i; j < heads; j++) {
                double d = norm[i] * norm[j];
                sum[i][j] += d == 0 ? 0 : dot(flat, i * headDim, j * headDim, headDim) / d;
            }
        }
        positions++;
    }

    /** The mean over the positions added, symmetric. */
    HeadTable table() {
        double[][] v = new double[heads][heads];
        for (int i = 0; i < heads; i++) {
            for (int j = i; j < heads; j++) {
                v[i][j] = sum[i][j] / positions;
                v[j][i] = v[i][j];
            }
        }
        return new HeadTable("output_cosine", layer, layer, v, HeadTable.Sense.SIMILARITY);
    }

    private static double dot(float[] x, int a, int b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[a + i] * x[b + i];
        }
        return s;
    }
}
