package dev.glassbox.engine.analysis.heads;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import dev.glassbox.engine.analysis.SinkMass;

/**
 * The pattern scores of one layer's heads (Jensen-Shannon table, entropy, sink and special-token mass, roles), read
 * off the run's patterns a block of query rows at a time: every head's rows of the block are rebuilt (from the
 * stored queries and keys for a decoder), each score adds their contribution and the block is dropped. So a layer
 * costs heads x {@link #BLOCK} x n floats in flight instead of heads x n², with the same numbers as the scores of the
 * whole pattern ({@link AttentionBehaviour}, {@link HeadRoles}).
 */
public record LayerBehaviour(HeadTable js, double[] entropy, double[] sinkMass, double[] specialMass,
                             HeadRoles.Scores[] roles) {

    /** Query rows per block: 14 heads x 64 rows x 4,096 keys x 4 B = 15 MB for the Qwen2.5-0.5B shape at 4,096 tokens. */
    public static final int BLOCK = 64;

    /** Floats one {@link #of} call holds in its block buffers. */
    public static long blockFloats(int heads, int length) {
        return (long) heads * Math.min(BLOCK, length) * length;
    }

    /**
     * The scores of layer {@code layer} of {@code patterns} over {@code tokens}; {@code cancelled} is checked before
     * each block (a cancel throws {@link CancellationException}).
     */
    public static LayerBehaviour of(CapturedRun.Patterns patterns, int layer, int heads, int[] tokens, boolean causal,
                                    double jsEpsilon, IntPredicate special, BooleanSupplier cancelled) {
        int n = tokens.length;
        float[][][] block = new float[heads][Math.min(BLOCK, n)][n];
        AttentionBehaviour.Divergences js = new AttentionBehaviour.Divergences(heads, n, jsEpsilon);
        int[] specialAt = AttentionBehaviour.specialPositions(tokens, special);
        int[][] earlier = HeadRoles.earlierOccurrences(tokens);
        HeadRoles.Rows[] roles = new HeadRoles.Rows[heads];
        for (int h = 0; h < heads; h++) {
            roles[h] = new HeadRoles.Rows(n, earlier);
        }
        double[] entropy = new double[heads];
        double[] sink = new double[heads];
        double[] specialMass = new double[heads];
        double[] scratch = new double[n];
        float[][] rows = new float[heads][];
        for (int from = 0; from < n; from += BLOCK) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("head analysis cancelled");
            }
            int to = Math.min(n, from + BLOCK);
            for (int h = 0; h < heads; h++) {
                patterns.rows(layer, h, from, to, block[h]);
            }
            for (int q = from; q < to; q++) {
                int keys = causal ? q + 1 : n;
                for (int h = 0; h < heads; h++) {
                    float[] row = block[h][q - from];
                    rows[h] = row;
                    entropy[h] += AttentionBehaviour.entropy(row, keys, scratch);
                    if (SinkMass.counts(q)) {
                        sink[h] += row[0];
                    }
                    specialMass[h] += AttentionBehaviour.specialMass(row, keys, specialAt);
                    roles[h].add(q, row, keys);
                }
                js.add(rows, keys);
            }
        }
        HeadRoles.Scores[] scores = new HeadRoles.Scores[heads];
        for (int h = 0; h < heads; h++) {
            entropy[h] /= n;
            sink[h] /= SinkMass.queriesCounted(n);
            specialMass[h] /= n;
            scores[h] = roles[h].scores();
        }
        return new LayerBehaviour(js.table(layer), entropy, sink, specialMass, scores);
    }
}
