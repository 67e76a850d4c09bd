package dev.glassbox.engine.trace;

/**
 * A run's attention kept in memory that does not grow with layers x heads x n²: what the views need to show any
 * head's pattern again (its queries, scored anew against the run's keys by the engine's own attention code) and
 * {@link AttentionThumbnails} of every head for the grid, filled as the rows arrive. A model writes one when its
 * {@link Capture} {@linkplain Capture#storingPatterns() stores patterns}; then no step holds pattern rows.
 * Thread-safe: the engine thread records while a view thread reads the positions recorded so far.
 */
public interface AttentionStore {

    int layers();

    int heads();

    /** Whether layer {@code layer}'s pattern was asked for (and so is kept). */
    boolean has(int layer);

    /** Query positions recorded so far (where a layer was skipped, random routing, its row is zeros). */
    int length();

    /**
     * Head {@code head}'s pattern in {@code layer} over the first {@code queries} positions (at most
     * {@link #length()}), row q holding keys 0..q: the probabilities the forward computed, recomputed.
     */
    default float[][] head(int layer, int head, int queries) {
        float[][] out = new float[Math.max(0, queries)][];
        for (int q = 0; q < out.length; q++) {
            out[q] = new float[q + 1];
        }
        rows(layer, head, 0, queries, out);
        return out;
    }

    /**
     * Rows {@code from} .. {@code to - 1} of {@link #head}'s pattern written into {@code out} (row q's keys 0..q at
     * {@code out[q - from][0 .. q]}, each array at least q + 1 long; what lies past q is left as it was), so a reader
     * can walk a long pattern a block of rows at a time in buffers it reuses.
     */
    void rows(int layer, int head, int from, int to, float[][] out);

    /** [heads][queries][keys ≤ query + 1] of {@code layer}: {@link #head} of every head. */
    default float[][][] layer(int layer, int queries) {
        float[][][] out = new float[heads()][][];
        for (int h = 0; h < out.length; h++) {
            out[h] = head(layer, h, queries);
        }
        return out;
    }

    /** Head {@code head}'s downsampled map over the first {@code n} positions, built as the rows arrived. */
    AttentionThumbnails.Thumbnail thumbnail(int layer, int head, int n);

    /** Every head's {@link #thumbnail} of {@code layer} and their mean, taken at one tile size. */
    AttentionThumbnails.Layer layerThumbnails(int layer, int n);

    /**
     * As {@link #layerThumbnails(int, int)}, with the rows of {@code before} (this layer's maps at fewer positions,
     * or null) that are final handed out again instead of made anew: a live view taking the maps every frame then
     * costs its new rows.
     */
    default AttentionThumbnails.Layer layerThumbnails(int layer, int n, AttentionThumbnails.Layer before) {
        return layerThumbnails(layer, n);
    }

    /** Bytes the store holds now (queries, keys it keeps alive, thumbnails): grows with n, not with n². */
    long bytes();
}
