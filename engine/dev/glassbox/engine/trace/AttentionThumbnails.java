package dev.glassbox.engine.trace;

/**
 * Every head's attention pattern downsampled into square tiles of {@link #cell()} x cell positions, summed as the
 * rows arrive: at most {@link #MAX_SIDE} tiles a side, so a head costs at most MAX_SIDE² floats whatever the length.
 * Up to MAX_SIDE positions a tile is one entry (the thumbnail is the pattern); when a row would fall past the last
 * tile, the tiles double (2 x 2 merge into one). A thumbnail entry is its tile's mean (positions above the causal
 * diagonal count as zeros), so the mean over heads of the thumbnails is the thumbnail of the mean over heads.
 * Not thread-safe: its {@link AttentionStore} guards it.
 */
public final class AttentionThumbnails {
    /**
     * A map of tiles: {@code tiles[i][j]} is the mean over positions [i cell, (i + 1) cell) x [j cell, (j + 1) cell)
     * (the last tile may be shorter), rows ragged as a causal pattern's (row i holds tiles 0..i).
     */
    public record Thumbnail(int cell, float[][] tiles) {
        /** Whether each tile is one position (the tiles are the pattern). */
        public boolean exact() { return cell == 1; }
    }

    /** A layer's thumbnails at one tile size: per head, and their mean over heads. */
    public record Layer(int cell, float[][][] heads, float[][] mean) {
    }

    /** Most tiles along a side. */
    public static final int MAX_SIDE = 256;

    private final int heads;
    /**
     * [layer][head * side² + row * side + column], null for a layer not kept. One array a layer: on the 110M shape a
     * layer's 12 heads at 256 tiles a side are 3 MB, which G1 allocates as a humongous object outside the young
     * generation where its regions are 2-4 MB (heaps up to ~8 GB: the app's default on 32 GB or less), so young
     * collections do not copy a run's thumbnails (docs/PERFORMANCE.md, "GC pauses during a live run"); a head's own
     * 256 KB array was copied by each until promoted.
     */
    private final float[][] sums;
    private final boolean[] kept;
    private static final int FIRST_SIDE = 16;

    private int side = FIRST_SIDE;
    private int cell = 1;
    private int rows;

    /** Thumbnails of the heads of the layers where {@code kept[layer]}. */
    public AttentionThumbnails(boolean[] kept, int heads) {
        this.kept = kept.clone();
        this.heads = heads;
        this.sums = new float[kept.length][];
        for (int l = 0; l < kept.length; l++) {
            if (kept[l]) sums[l] = new float[heads * side * side];
        }
    }

    /** Tiles a side once {@code positions} rows have arrived (a head's thumbnail holds its square). */
    public static int side(int positions) {
        int s = FIRST_SIDE;
        while (s < Math.min(positions, MAX_SIDE)) s *= 2;
        return s;
    }

    /** Positions per tile along each axis. */
    public int cell() { return cell; }

    /**
     * Adds the row of query {@code pos} in {@code layer}: head h's pos + 1 probabilities start at
     * {@code row[h * stride]}. Rows of a position come layer by layer, positions in order. Returns the sum of the
     * values added (not finite when one was not).
     */
    public double add(int layer, int pos, float[] row, int stride) {
        while (pos >= side * cell) grow();
        rows = Math.max(rows, pos + 1);
        int keys = pos + 1;
        int at = (pos / cell) * side;
        double total = 0;
        for (int h = 0; h < heads; h++) {
            float[] s = sums[layer];
            int off = h * stride;
            int to = h * side * side + at;
            for (int k = 0; k < keys; k++) {
                float v = row[off + k];
                s[to + k / cell] += v;
                total += v;
            }
        }
        return total;
    }

    /**
     * Room for the next rows: more tiles up to {@link #MAX_SIDE} a side (a new array a layer), then tiles twice as
     * wide, merged in place: a run past 256 positions keeps its arrays, which live as long as the run, rather than
     * making them anew at each doubling (37.7 MB on the 110M shape; docs/PERFORMANCE.md, "GC pauses during a live
     * run").
     */
    private void grow() {
        boolean wider = side < MAX_SIDE;
        int to = wider ? side * 2 : side;
        for (int l = 0; l < sums.length; l++) {
            if (sums[l] == null) continue;
            if (wider) sums[l] = widened(sums[l], heads, side, to);
            else for (int h = 0; h < heads; h++) mergeInPlace(sums[l], h * side * side, side);
        }
        if (wider) side = to;
        else cell *= 2;
    }

    /** The lower triangles of {@code heads} squares {@code side} a side in squares {@code to} a side. */
    private static float[] widened(float[] from, int heads, int side, int to) {
        float[] t = new float[heads * to * to];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < side; i++) {
                System.arraycopy(from, h * side * side + i * side, t, h * to * to + i * to, i + 1);
            }
        }
        return t;
    }

    /**
     * Sums each 2 x 2 tiles of the lower triangle of the square at {@code s[at]} ({@code side} a side) into tile
     * (i / 2, j / 2), in place: target (i, j) is written after its four sources (2i.., 2j..) are read, and every index
     * written before is below {@code i * side + j <= 2i * side + 2j}, so no source is overwritten before it is read.
     * The bottom half is cleared; above the diagonal stays zero (a causal row i holds tiles 0..i, its target row
     * i / 2 tiles 0..i / 2).
     */
    private static void mergeInPlace(float[] s, int at, int side) {
        int half = side / 2;
        for (int i = 0; i < half; i++) {
            int a = at + 2 * i * side;
            int b = a + side;
            for (int j = 0; j <= i; j++) {
                // tile (2i, 2j + 1) is above the diagonal: zero, like the other sources there
                s[at + i * side + j] = s[a + 2 * j] + s[a + 2 * j + 1] + s[b + 2 * j] + s[b + 2 * j + 1];
            }
        }
        java.util.Arrays.fill(s, at + half * side, at + side * side, 0f);
    }

    /**
     * Head {@code head}'s thumbnail over the first {@code n} positions: row i holds tiles 0..i (the rest are above the
     * diagonal), each the mean of its tile; with one position per tile, the pattern's rows themselves.
     */
    public Thumbnail head(int layer, int head, int n) {
        return new Thumbnail(cell, tiles(layer, head, n));
    }

    private float[][] tiles(int layer, int head, int n) {
        return tiles(layer, head, n, 0, null);
    }

    /** Head {@code head}'s tiles over {@code n} positions, rows below {@code reuse} taken from {@code before}. */
    private float[][] tiles(int layer, int head, int n, int reuse, float[][] before) {
        int count = tiles(n);
        float[][] out = new float[count][];
        float[] s = sums[layer];
        int at = head * side * side;
        for (int i = 0; i < count; i++) {
            if (i < reuse) {
                out[i] = before[i];
                continue;
            }
            out[i] = new float[i + 1];
            int across = span(i, n);
            for (int j = 0; j <= i; j++) {
                out[i][j] = s[at + i * side + j] / ((float) across * span(j, n));
            }
        }
        return out;
    }

    /** Layer {@code layer}'s {@link #head} of every head and their mean over heads. */
    public Layer layer(int layer, int n) {
        return layer(layer, n, null);
    }

    /**
     * As {@link #layer(int, int)}, with the rows of {@code before} (this layer at other positions, or null) that are
     * final handed out again: at the same tile size every tile row but the last one of both holds whole tiles of rows
     * already added (with one position per tile, the last one too), so it no longer changes.
     */
    public Layer layer(int layer, int n, Layer before) {
        int count = tiles(n);
        int reuse = before == null || before.cell() != cell ? 0
                : Math.max(0, Math.min(count, before.mean().length) - (cell == 1 ? 0 : 1));
        float[][][] all = new float[heads][][];
        for (int h = 0; h < heads; h++) all[h] = tiles(layer, h, n, reuse, reuse == 0 ? null : before.heads()[h]);
        float[][] mean = new float[count][];
        for (int i = 0; i < mean.length; i++) {
            if (i < reuse) {
                mean[i] = before.mean()[i];
                continue;
            }
            mean[i] = new float[i + 1];
            for (float[][] m : all) {
                for (int j = 0; j <= i; j++) mean[i][j] += m[i][j];
            }
            for (int j = 0; j <= i; j++) mean[i][j] /= heads;
        }
        return new Layer(cell, all, mean);
    }

    /** Tiles along a side covering {@code n} positions (never past the rows added). */
    public int tiles(int n) {
        int m = Math.min(n, rows);
        return (m + cell - 1) / cell;
    }

    /** First position of tile {@code i}. */
    public int start(int i) { return i * cell; }

    /** Positions tile {@code i} covers among the first n. */
    private int span(int i, int n) {
        return Math.min(n, (i + 1) * cell) - i * cell;
    }

    public boolean has(int layer) { return layer >= 0 && layer < kept.length && kept[layer]; }

    /** Bytes of the tile sums. */
    public long bytes() {
        long floats = 0;
        for (float[] layer : sums) {
            if (layer != null) floats += (long) heads * side * side;
        }
        return 4 * floats;
    }
}
