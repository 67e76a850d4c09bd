package dev.glassbox.visuals;

/** Renders an attention map into a small square of ARGB pixels (square-root colour scale): max-pooled when larger, nearest when smaller. */
final class Thumbnails {
    /** The colour scale of every thumbnail. */
    static final ColorScale SCALE = ColorScale.SQRT;

    private Thumbnails() {
    }

    static int[] render(AttentionMatrix m, int size, Palette palette) {
        int rows = m.rows();
        int cols = m.cols();
        int pr = Math.max(1, Math.min(rows, size));
        int pc = Math.max(1, Math.min(cols, size));
        float[] pooled = new float[pr * pc];
        int[] bin = bins(cols, pc);
        for (int r = 0; r < rows; r++) {
            int y = (int) ((long) r * pr / rows) * pc;
            float[] row = m.weights()[r];
            for (int c = 0; c < row.length && c < cols; c++) {
                int i = y + bin[c];
                if (row[c] > pooled[i]) {
                    pooled[i] = row[c];
                }
            }
        }
        return colour(pooled, pr, pc, size, palette, new int[size * size]);
    }

    /** The pooled column (of {@code pooled} columns) each of {@code n} columns falls in. */
    static int[] bins(int n, int pooled) {
        int[] bin = new int[n];
        for (int c = 0; c < n; c++) {
            bin[c] = (int) ((long) c * pooled / n);
        }
        return bin;
    }

    /**
     * Colours a [pr][pc] max-pooled map into {@code px}'s size x size pixels (every one written), scaled to the map's
     * own maximum (nearest when smaller).
     */
    static int[] colour(float[] pooled, int pr, int pc, int size, Palette palette, int[] px) {
        float max = 1e-12f;
        for (int i = 0; i < pr * pc; i++) {
            max = Math.max(max, pooled[i]);
        }
        for (int y = 0; y < size; y++) {
            int r = y * pr / size;
            for (int x = 0; x < size; x++) {
                px[y * size + x] = palette.argb(SCALE.position(pooled[r * pc + x * pc / size], max));
            }
        }
        return px;
    }
}
