package dev.glassbox.engine.model;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;

/**
 * The plain causal key/value cache of every layer of one sequence and scaled dot-product attention of one query
 * over it (Vaswani et al. 2017, eq. 1), head by head, with grouped-query sharing (query head h reads kv head
 * h / groupSize). It owns the probabilities of the last query so they can be captured as the pattern.
 * <p>
 * Caches are laid out head-major, [kvHead][capacity][headDim], so the keys and values one head reads are
 * contiguous and stream from memory rather than striding across every head's row. They start small and double
 * (a copy into the wider layout) as positions arrive, up to {@link #limit()}: a long context costs memory only
 * when a run reaches it.
 */
final class CachedAttention {
    /** Positions a cache holds before its first growth. */
    static final int INITIAL_CAPACITY = 256;

    private final ModelConfig c;
    private final Parallel parallel;
    private final int limit;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    private float[] att;

    /** A cache for at most {@code limit} positions, sized for the first {@link #INITIAL_CAPACITY}. */
    CachedAttention(ModelConfig c, Parallel parallel, int limit) {
        this(c, parallel, limit, Math.min(limit, INITIAL_CAPACITY));
    }

    /** A cache for at most {@code limit} positions, sized for the first {@code initial}. */
    CachedAttention(ModelConfig c, Parallel parallel, int limit, int initial) {
        if (limit < 1) throw new IllegalArgumentException("a key/value cache needs at least one position, got " + limit);
        this.c = c;
        this.parallel = parallel;
        this.limit = limit;
        this.keys = new float[c.layers()][];
        this.values = new float[c.layers()][];
        allocate(Math.max(1, Math.min(initial, limit)));
    }

    /** Most positions the cache can grow to. */
    int limit() { return limit; }

    /** Positions allocated now (grows up to {@link #limit()}). */
    int allocated() { return capacity; }

    private synchronized void allocate(int positions) {
        long floats = (long) positions * c.kvDim();
        long attFloats = (long) positions * c.heads();
        if (floats > Integer.MAX_VALUE - 8 || attFloats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a key/value cache of " + positions + " positions x " + c.kvDim()
                    + " values exceeds a Java array; use a shorter context");
        }
        int hd = c.headDim();
        int old = capacity;
        for (int l = 0; l < c.layers(); l++) {
            keys[l] = relayout(keys[l], old, positions, hd);
            values[l] = relayout(values[l], old, positions, hd);
        }
        att = new float[(int) attFloats];
        capacity = positions;
    }

    /** The head-major cache {@code from} (capacity {@code old}) copied into a layout of {@code positions}. */
    private float[] relayout(float[] from, int old, int positions, int hd) {
        float[] to = new float[positions * c.kvDim()];
        if (from != null) {
            for (int g = 0; g < c.kvHeads(); g++) {
                System.arraycopy(from, g * old * hd, to, g * positions * hd, old * hd);
            }
        }
        return to;
    }

    /** Makes room for position {@code pos}: doubles the allocation (at least to pos + 1, at most the limit). */
    private void reserve(int pos) {
        if (pos >= limit) {
            throw new IllegalArgumentException("position " + pos + " outside the cache of " + limit);
        }
        allocate((int) Math.min(limit, Math.max(pos + 1L, 2L * capacity)));
    }

    /**
     * Writes position {@code pos}'s key and value (kvDim values each, heads one after another, at {@code k[kOff ..]}
     * and {@code v[vOff ..]}) into {@code layer}'s cache.
     */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos >= capacity) reserve(pos);
        int hd = c.headDim();
        float[] kc = keys[layer];
        float[] vc = values[layer];
        for (int g = 0; g < c.kvHeads(); g++) {
            int at = (g * capacity + pos) * hd;
            System.arraycopy(k, kOff + g * hd, kc, at, hd);
            System.arraycopy(v, vOff + g * hd, vc, at, hd);
        }
    }

    /**
     * out[h] = sum_t softmax_t(q_h . k_t / sqrt(d)) v_t over {@code layer}'s cached positions 0..pos, where q_h
     * starts at {@code query[qOff + h * headDim]}.
     */
    void attend(int layer, int pos, float[] query, int qOff, float[] out) {
        attendWith(layer, pos, out, rotary(keys[layer], pos, query, qOff));
    }

    /**
     * As {@link #attend} with Transformer-XL relative scores ({@link RelativePositions}): key t of the cache is at
     * distance pos - t from the query, r ({@link LlamaModel#relativeTable}) holds the projected distances.
     */
    void attendRelative(int layer, int pos, float[] query, float[] out, RelativePositions rel, float[] r) {
        attendWith(layer, pos, out, relative(keys[layer], pos, query, rel, r));
    }

    /**
     * Head {@code h}'s probabilities for the query of position {@code pos} (heads x headDim at {@code query[qOff ..]},
     * rotated as {@link #attend} saw it) over {@code layer}'s cached keys 0..pos, into {@code out[0 .. pos]}: the
     * scores and softmax of {@link #attend}, recomputed (a pattern kept as its query rather than its row).
     */
    void probabilities(int layer, int pos, float[] query, int qOff, int h, float[] out) {
        Keys k = keys(layer);
        headSoftmax(rotary(k.cache(), pos, query, qOff), h, c.kvHeadOf(h) * k.capacity() * c.headDim(), out, 0, pos);
    }

    /** {@link #probabilities} of {@link #attendRelative} (the query at {@code query[0 ..]}). */
    void probabilitiesRelative(int layer, int pos, float[] query, int h, float[] out, RelativePositions rel, float[] r) {
        Keys k = keys(layer);
        headSoftmax(relative(k.cache(), pos, query, rel, r), h, c.kvHeadOf(h) * k.capacity() * c.headDim(), out, 0, pos);
    }

    /**
     * A layer's key cache and its capacity, taken together: a growth replaces the array, the old one keeps the keys
     * already stored, so readers of past positions score outside the lock, side by side.
     */
    private record Keys(float[] cache, int capacity) {
    }

    private synchronized Keys keys(int layer) {
        return new Keys(keys[layer], capacity);
    }

    /** q_h . k_t / sqrt(d) against the cached keys 0..pos. */
    private HeadScores rotary(float[] kc, int pos, float[] query, int qOff) {
        int hd = c.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        return (h, kv, a, row) -> Kernels.scores(query, qOff + h * hd, kc, kv, pos + 1, hd, scale, a, row);
    }

    /** ((q + u).k_t + (q + v).r_{pos - t}) / sqrt(d) against the cached keys 0..pos (Dai et al. 2019, sec. 3.3). */
    private HeadScores relative(float[] kc, int pos, float[] query, RelativePositions rel, float[] r) {
        int hd = c.headDim();
        int qDim = c.qDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        return (h, kv, a, row) -> {
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                float s = RelativePositions.score(query, h, hd, rel.u(), rel.v(), kc, kv + t * hd, r, (pos - t) * qDim, scale);
                a[row + t] = s;
                max = Math.max(max, s);
            }
            return max;
        };
    }

    /** Head h's scores of the query of {@code pos} into a[row .. row + pos] and their softmax: the one scoring path. */
    private static void headSoftmax(HeadScores scores, int h, int kv, float[] a, int row, int pos) {
        Kernels.softmax(a, row, pos + 1, scores.into(h, kv, a, row));
    }

    /** Head h's scores against cached keys 0..pos (its kv head's keys start at {@code kv}) into a[row..]; their max. */
    @FunctionalInterface
    private interface HeadScores {
        float into(int h, int kv, float[] a, int row);
    }

    /** Per head: the scores, their softmax (kept for {@link #pattern}) and the weighted sum of the cached values. */
    private void attendWith(int layer, int pos, float[] out, HeadScores scores) {
        int cap = capacity;
        float[] vc = values[layer];
        float[] a = att;
        parallel.forRange(c.heads(), (from, to) -> {
            for (int h = from; h < to; h++) {
                attendHead(scores, h, pos, vc, cap, a, h * cap, out);
            }
        });
    }

    /**
     * Head h of the query of {@code pos}: its probabilities into a[row .. row + pos], their weighted sum of the
     * values {@code vc} (a layout of {@code cap} positions) into out[h * headDim ..].
     */
    private void attendHead(HeadScores scores, int h, int pos, float[] vc, int cap, float[] a, int row, float[] out) {
        int hd = c.headDim();
        int kv = c.kvHeadOf(h) * cap * hd;
        headSoftmax(scores, h, kv, a, row, pos);
        Kernels.weightedSum(a, row, pos + 1, vc, kv, hd, out, h * hd);
    }

    /**
     * {@link #attend} of the queries of positions pos0 .. pos0 + count - 1 (row t of {@code queries} and {@code outs}),
     * whose keys and values are stored: each sees positions 0 .. its own, with the same sums as {@link #attend}, but
     * the (position, head) pairs are split over the threads in one job, not one small job per position (prefill of
     * 512 tokens: 12 x 512 jobs of a few microseconds on stories110M, where the hand-off to the other thread cost as
     * much as the work). Each thread scores into its own buffer, so the last query's probabilities are not kept.
     */
    void attendBlock(int layer, int pos0, int count, float[][] queries, float[][] outs) {
        int heads = c.heads();
        int cap = capacity;
        float[] kc = keys[layer];
        float[] vc = values[layer];
        parallel.forRange(count * heads, (from, to) -> {
            float[] a = blockScores(pos0 + count);
            HeadScores scores = null;
            for (int i = from, t = -1; i < to; i++) {
                if (i / heads != t) { // one scorer per position, not per (position, head)
                    t = i / heads;
                    scores = rotary(kc, pos0 + t, queries[t], 0);
                }
                attendHead(scores, i % heads, pos0 + t, vc, cap, a, 0, outs[t]);
            }
        });
    }

    /** This thread's score buffer for {@link #attendBlock}, at least {@code n} long. */
    private static float[] blockScores(int n) {
        float[] a = BLOCK_SCORES.get();
        if (a.length < n) {
            a = new float[n];
            BLOCK_SCORES.set(a);
        }
        return a;
    }

    private static final ThreadLocal<float[]> BLOCK_SCORES = ThreadLocal.withInitial(() -> new float[0]);

    /** The last query's probabilities in place: head h's at {@code [h * }{@link #allocated()}{@code ..]} (no copy). */
    float[] lastProbabilities() { return att; }

    /** The last query's probabilities as [heads, pos + 1] (a fresh copy). */
    float[] pattern(int pos) {
        int heads = c.heads();
        float[] rows = new float[heads * (pos + 1)];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(att, h * capacity, rows, h * (pos + 1), pos + 1);
        }
        return rows;
    }

    /** Overwrites the outputs of the heads an intervention replaces (ablation). */
    static void replaceHeads(ModelConfig c, Intervention iv, int layer, float[] out) {
        int hd = c.headDim();
        for (int h = 0; h < c.heads(); h++) {
            float[] r = iv.replaceHeadOutput(layer, h);
            if (r != null) {
                System.arraycopy(r, 0, out, h * hd, hd);
            }
        }
    }
}
