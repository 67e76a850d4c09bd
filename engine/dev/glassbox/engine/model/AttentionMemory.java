package dev.glassbox.engine.model;

/**
 * The keys and values a Llama-family block's attention reads, one sequence, every layer. The block computes
 * the query, key and value of a token and hands them here; the memory decides which positions the query sees and
 * at which rotary positions. The plain causal cache ({@link LlamaModel#newSession}) is one memory; a context
 * policy's (sliding window, sinks, compression, rope scaling) is another; the block is the same for both.
 */
public interface AttentionMemory {

    /**
     * Attends the query of position {@code pos} in {@code layer}: rotates {@code q} (heads x headDim) and {@code k}
     * (kvHeads x headDim) in place by their rotary positions, keeps {@code k} and {@code v} (copying them: the
     * arrays are reused), and writes each head's attention-weighted values into {@code out[h * headDim ..]}.
     * Positions arrive in order and every layer of a position before the next.
     */
    void attend(int layer, int pos, float[] q, float[] k, float[] v, float[] out);

    /**
     * {@link #attend} of positions {@code pos0 .. pos0 + count - 1} in {@code layer} (row t of each array is position
     * pos0 + t), with the same results; a memory may compute the queries side by side, so {@link #pattern} is not
     * defined after it. The default attends them one by one.
     */
    default void attendBlock(int layer, int pos0, int count, float[][] q, float[][] k, float[][] v, float[][] out) {
        for (int t = 0; t < count; t++) {
            attend(layer, pos0 + t, q[t], k[t], v[t], out[t]);
        }
    }

    /** The probabilities of the last query of {@code layer} as [heads, keys seen] (a fresh copy). */
    float[] pattern(int layer, int pos);

    /**
     * A store that keeps the patterns of the layers where {@code kept[layer]} as queries recomputed on demand
     * ({@link RecomputedAttention}), or null when this memory cannot score a kept query again (its steps keep rows).
     */
    default RecomputedAttention patternStore(boolean[] kept) {
        return null;
    }
}
