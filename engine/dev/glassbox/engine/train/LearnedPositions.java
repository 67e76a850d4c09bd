package dev.glassbox.engine.train;

/**
 * Learned absolute position embeddings (Radford et al. 2018, GPT; GPT-2's wpe): row {@code pos} of a
 * [seq, dim] table is added to the token embedding of every token at position {@code pos = row % seq}.
 */
final class LearnedPositions {
    private LearnedPositions() {
    }

    /** x[i] += table[i % seq] for the n = batch * seq rows. */
    static void forward(float[] x, float[] table, int n, int seq, int dim) {
        for (int i = 0; i < n; i++) {
            int o = i * dim;
            int p = (i % seq) * dim;
            for (int c = 0; c < dim; c++) {
                x[o + c] += table[p + c];
            }
        }
    }

    /** dTable[i % seq] += dx[i]. */
    static void backward(float[] dTable, float[] dx, int n, int seq, int dim) {
        for (int i = 0; i < n; i++) {
            MatMul.axpy(dTable, (i % seq) * dim, 1f, dx, i * dim, dim);
        }
    }
}
