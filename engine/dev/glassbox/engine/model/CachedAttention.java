package dev.glassbox.engine.model;

import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Causal scaled dot-product attention of one query over a key/value cache (Vaswani et al. 2017, eq. 1), head by
 * head, with grouped-query sharing (query head h reads kv head h / groupSize). One per decoder session: it owns
 * the probabilities of the last query so they can be captured as the pattern.
 * <p>
 * Caches are laid out head-major, [kvHead][capacity][headDim] (written by {@link #store}), so the keys and
 * values one head reads are contiguous and stream from memory rather than striding across every head's row.
 */
final class CachedAttention {
    private final ModelConfig c;
    private final Parallel parallel;
    private final int capacity;
    private final float[] att;

    CachedAttention(ModelConfig c, Parallel parallel, int capacity) {
        this.c = c;
        this.parallel = parallel;
        this.capacity = capacity;
        this.att = new float[c.heads() * capacity];
    }

    /** A cache for one layer's keys or values: capacity positions of kvDim values. */
    float[] newCache() {
        return new float[Math.multiplyExact(capacity, c.kvDim())];
    }

    /** Writes the kvDim values at {@code src[srcOff ..]} (heads one after another) as position {@code pos}. */
    void store(float[] cache, int pos, float[] src, int srcOff) {
        int hd = c.headDim();
        for (int g = 0; g < c.kvHeads(); g++) {
            System.arraycopy(src, srcOff + g * hd, cache, (g * capacity + pos) * hd, hd);
        }
    }

    /**
     * out[h] = sum_t softmax_t(q_h . k_t / sqrt(d)) v_t over cached positions 0..pos, where q_h starts at
     * {@code query[qOff + h * headDim]}.
     */
    void attend(float[] keyCache, float[] valueCache, int pos, float[] query, int qOff, float[] out) {
        int hd = c.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        parallel.forRange(c.heads(), (from, to) -> {
            for (int h = from; h < to; h++) {
                int kv = c.kvHeadOf(h) * capacity * hd;
                int a = h * capacity;
                float max = Kernels.scores(query, qOff + h * hd, keyCache, kv, pos + 1, hd, scale, att, a);
                Kernels.softmax(att, a, pos + 1, max);
                Kernels.weightedSum(att, a, pos + 1, valueCache, kv, hd, out, h * hd);
            }
        });
    }

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
    void replaceHeads(Intervention iv, int layer, float[] out) {
        int hd = c.headDim();
        for (int h = 0; h < c.heads(); h++) {
            float[] r = iv.replaceHeadOutput(layer, h);
            if (r != null) {
                System.arraycopy(r, 0, out, h * hd, hd);
            }
        }
    }
}
