package dev.glassbox.engine.analysis;

/**
 * Attention-sink mass: the mean, over queries q = 1..T-1 (and whatever else the caller averages over, e.g. heads),
 * of the attention weight query q puts on position 0 (Xiao et al. 2024, "Efficient Streaming Language Models with
 * Attention Sinks", sec. 3.1). Query 0 is left out: under a causal mask it can only attend to itself, so it would add
 * a forced 1 that says nothing about the head. The head table ({@code heads}) and {@code context-compare}'s
 * {@code first_token_mass} both use this one definition; for encoders query 0 is left out too, so the number is the
 * same quantity everywhere.
 */
public final class SinkMass {
    private SinkMass() {
    }

    /** Whether query {@code q}'s attention on position 0 enters the mean. */
    public static boolean counts(int q) {
        return q >= 1;
    }

    /** How many of the queries 0..length-1 enter the mean (never less than 1, so an empty mean is 0, not NaN). */
    public static long queriesCounted(int length) {
        return Math.max(1, length - 1);
    }

    /** The sink mass of one head's pattern [query][key]. */
    public static double of(float[][] pattern) {
        double s = 0;
        for (int q = 0; q < pattern.length; q++) {
            if (counts(q)) {
                s += pattern[q][0];
            }
        }
        return s / queriesCounted(pattern.length);
    }
}
