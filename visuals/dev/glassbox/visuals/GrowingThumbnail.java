package dev.glassbox.visuals;

/**
 * The thumbnail of a map that grows row by row while a run goes on, kept up to date at the cost of its new rows:
 * weights are max-pooled into blocks of 2^k x 2^k tokens (k grows as the map does, so there are at most
 * {@code 2 * size} blocks a side), and the blocks are pooled to the thumbnail. Up to {@code 2 * size} tokens a block
 * is one token and the picture is exactly {@link Thumbnails#render}'s; beyond, bins follow block edges (each
 * thumbnail pixel still shows the largest weight under it). One renderer thread owns an instance.
 */
final class GrowingThumbnail {
    private final int size;
    private final int side;
    private final float[] blocks;
    private int shift;
    private int rows;
    private int cols;
    private float[] firstRow;
    private float[] lastRow;
    private final float[] pooled;

    GrowingThumbnail(int size) {
        this.size = size;
        this.side = 2 * size;
        this.blocks = new float[side * side];
        this.pooled = new float[size * size];
    }

    /** Whether {@code m} is the map last taken in with rows appended (the same row arrays first). */
    boolean extendedBy(AttentionMatrix m) {
        float[][] w = m.weights();
        return rows > 0 && w.length >= rows && w[0] == firstRow && w[rows - 1] == lastRow;
    }

    /** Takes in {@code m}: only its new rows when it extends the map last taken in, else all of it. */
    void update(AttentionMatrix m) {
        if (!extendedBy(m)) {
            java.util.Arrays.fill(blocks, 0);
            shift = 0;
            rows = 0;
            cols = 0;
        }
        float[][] w = m.weights();
        cols = Math.max(cols, m.cols());
        while ((Math.max(w.length, cols) - 1 >> shift) >= side) {
            coarsen();
        }
        for (int r = rows; r < w.length; r++) {
            int base = (r >> shift) * side;
            float[] row = w[r];
            for (int c = 0; c < row.length && c < cols; c++) {
                int i = base + (c >> shift);
                if (row[c] > blocks[i]) {
                    blocks[i] = row[c];
                }
            }
        }
        rows = w.length;
        firstRow = rows == 0 ? null : w[0];
        lastRow = rows == 0 ? null : w[rows - 1];
    }

    /**
     * Doubles the block edge: each 2 x 2 blocks become one, in place (block (y, x) is written after its sources
     * (2y.., 2x..) are read, and every block written before it lies below them). A live run past {@code 2 * size}
     * tokens coarsens every frame (a frame's last tile row is new, so the map starts over): new arrays here were
     * 12 % of a live run's garbage (docs/PERFORMANCE.md, "GC pauses during a live run").
     */
    private void coarsen() {
        int half = side / 2;
        for (int y = 0; y < half; y++) {
            int a = 2 * y * side;
            int b = a + side;
            for (int x = 0; x < half; x++) {
                blocks[y * side + x] = Math.max(Math.max(blocks[a + 2 * x], blocks[a + 2 * x + 1]),
                        Math.max(blocks[b + 2 * x], blocks[b + 2 * x + 1]));
            }
            java.util.Arrays.fill(blocks, y * side + half, (y + 1) * side, 0f);
        }
        java.util.Arrays.fill(blocks, half * side, side * side, 0f);
        shift++;
    }

    /**
     * The thumbnail's pixels now (null while there are no rows), into {@code into} when it holds size x size pixels (a
     * new array otherwise, and when null).
     */
    int[] render(Palette palette, int[] into) {
        if (rows == 0) {
            return null;
        }
        int nr = (rows - 1 >> shift) + 1;
        int nc = (Math.max(cols, 1) - 1 >> shift) + 1;
        int pr = Math.min(nr, size);
        int pc = Math.min(nc, size);
        float[] pooled = this.pooled; // size x size, reused: a live frame renders every cell
        java.util.Arrays.fill(pooled, 0, pr * pc, 0f);
        int[] bin = Thumbnails.bins(nc, pc);
        for (int y = 0; y < nr; y++) {
            int base = (int) ((long) y * pr / nr) * pc;
            for (int x = 0; x < nc; x++) {
                float v = blocks[y * side + x];
                int i = base + bin[x];
                if (v > pooled[i]) {
                    pooled[i] = v;
                }
            }
        }
        int[] px = into != null && into.length == size * size ? into : new int[size * size];
        return Thumbnails.colour(pooled, pr, pc, size, palette, px);
    }
}
