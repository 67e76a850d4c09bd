package dev.glassbox.engine.model;

import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.AttentionThumbnails;
import dev.glassbox.engine.trace.Finite;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;

/**
 * The {@link AttentionStore} of a causal memory: per kept layer each position's query as the forward scored it
 * (after rotary, or unrotated under xl-relative positions), the keys in the memory's own cache, and thumbnails.
 * A head's pattern is its queries scored again by {@link CachedAttention} (the code the forward ran), so memory
 * grows with layers x n x (heads + 2 kv heads) x headDim rather than layers x heads x n².
 */
public final class RecomputedAttention implements AttentionStore {

    /** Head h's probabilities of position pos's query ({@code q[qOff ..]}, qDim values) into {@code out[0 .. pos]}. */
    @FunctionalInterface
    interface Scorer {
        void probabilities(int layer, int pos, float[] q, int qOff, int h, float[] out);
    }

    private final ModelConfig c;
    private final CachedAttention cache;
    private final Scorer scorer;
    private final boolean[] kept;
    private final float[][] queries;
    private final int[] recorded;
    private final java.util.BitSet[] skipped; // positions a layer was skipped at (random routing): no query, no row
    private final AttentionThumbnails thumbnails;

    RecomputedAttention(ModelConfig c, CachedAttention cache, boolean[] kept, Scorer scorer) {
        this.c = c;
        this.cache = cache;
        this.scorer = scorer;
        this.kept = kept.clone();
        this.queries = new float[kept.length][];
        this.recorded = new int[kept.length];
        this.skipped = new java.util.BitSet[kept.length];
        for (int l = 0; l < kept.length; l++) {
            if (kept[l]) queries[l] = new float[Math.min(cache.limit(), CachedAttention.INITIAL_CAPACITY) * c.qDim()];
        }
        this.thumbnails = new AttentionThumbnails(kept, c.heads());
    }

    /**
     * Keeps position {@code pos}'s query (qDim values of {@code q}) in {@code layer}, and adds its probabilities, just
     * computed by the cache's attend, to the thumbnails (read in place: no row is copied).
     */
    synchronized void record(int layer, int pos, float[] q) {
        double total = thumbnails.add(layer, pos, cache.lastProbabilities(), cache.allocated());
        if (!Double.isFinite(total)) { // as a captured row would be: NaN stops at the first hook it reaches
            Finite.check(cache.pattern(pos), HookName.of(HookPoint.ATTN_PATTERN, layer).toString(), pos);
        }
        int qDim = c.qDim();
        float[] qs = queries[layer];
        if ((long) (pos + 1) * qDim > qs.length) {
            long grown = Math.min((long) cache.limit() * qDim, Math.max(2L * qs.length, (long) (pos + 1) * qDim));
            qs = java.util.Arrays.copyOf(qs, Math.toIntExact(grown));
            queries[layer] = qs;
        }
        System.arraycopy(q, 0, qs, pos * qDim, qDim);
        for (int p = recorded[layer]; p < pos; p++) { // positions that passed this layer by
            if (skipped[layer] == null) skipped[layer] = new java.util.BitSet();
            skipped[layer].set(p);
        }
        if (skipped[layer] != null) skipped[layer].clear(pos);
        recorded[layer] = Math.max(recorded[layer], pos + 1);
    }

    @Override
    public int layers() { return kept.length; }

    @Override
    public int heads() { return c.heads(); }

    @Override
    public boolean has(int layer) { return layer >= 0 && layer < kept.length && kept[layer]; }

    /** Positions recorded in some kept layer (a layer skipped at the last ones has fewer: they read as zeros). */
    @Override
    public synchronized int length() {
        int n = 0;
        for (int l = 0; l < kept.length; l++) {
            if (kept[l]) n = Math.max(n, recorded[l]);
        }
        return n;
    }

    @Override
    public void rows(int layer, int head, int from, int to, float[][] out) {
        if (!has(layer)) throw new IllegalArgumentException("layer " + layer + "'s attention pattern was not captured");
        if (head < 0 || head >= c.heads()) {
            throw new IllegalArgumentException("head " + head + " outside 0.." + (c.heads() - 1));
        }
        float[] qs;
        java.util.BitSet passed;
        int ran;
        synchronized (this) {
            if (from < 0 || to < from || to > length()) {
                throw new IllegalArgumentException("queries " + from + ".." + to + " asked, " + length() + " recorded");
            }
            ran = recorded[layer];
            qs = queries[layer]; // positions below n stay as written in this array even if a later one grows it
            passed = skipped[layer] == null ? null : (java.util.BitSet) skipped[layer].clone();
        }
        int qDim = c.qDim();
        for (int q = from; q < to; q++) {
            float[] row = out[q - from];
            if (q < ran && (passed == null || !passed.get(q))) {
                scorer.probabilities(layer, q, qs, q * qDim, head, row);
            } else {
                java.util.Arrays.fill(row, 0, q + 1, 0f); // the layer was skipped at q, it attended nowhere
            }
        }
    }

    @Override
    public synchronized AttentionThumbnails.Thumbnail thumbnail(int layer, int head, int n) {
        if (!has(layer)) throw new IllegalArgumentException("layer " + layer + "'s attention pattern was not captured");
        return thumbnails.head(layer, head, n);
    }

    @Override
    public synchronized AttentionThumbnails.Layer layerThumbnails(int layer, int n) {
        return layerThumbnails(layer, n, null);
    }

    @Override
    public synchronized AttentionThumbnails.Layer layerThumbnails(int layer, int n, AttentionThumbnails.Layer before) {
        if (!has(layer)) throw new IllegalArgumentException("layer " + layer + "'s attention pattern was not captured");
        return thumbnails.layer(layer, n, before);
    }

    @Override
    public synchronized long bytes() {
        long floats = 0;
        for (float[] q : queries) {
            if (q != null) floats += q.length;
        }
        long cached = 2L * c.layers() * cache.allocated() * c.kvDim(); // keys (and the values beside them) kept alive
        return 4 * (floats + cached) + thumbnails.bytes();
    }
}
