package dev.glassbox.engine.analysis.heads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Role scores of a head from its attention pattern [query][key], with TransformerLens's head_detector
 * definitions (detection patterns and the "mul" score) and Olsson et al. 2022's prefix-matching score.
 */
public final class HeadRoles {
    private HeadRoles() {
    }

    /** Scores of one head; {@code bestOffset} is the relative position δ (key = query - δ) it attends to most. */
    public record Scores(double previousToken, double duplicateToken, double induction, int bestOffset, double offsetScore) {
    }

    public static Scores score(float[][] pattern, int[] tokens) {
        Rows r = new Rows(tokens);
        for (int q = 0; q < pattern.length; q++) {
            r.add(q, pattern[q], pattern[q].length);
        }
        return r.scores();
    }

    /**
     * {@link #score} fed one query row at a time, so a long pattern is never held whole: the sums of
     * {@link #detectionScore} for the previous-token, duplicate-token and induction patterns, of
     * {@link #offsetScores} and of {@link #totalAttention}, each row read once. Rows must come for queries 0, 1, 2, ….
     */
    public static final class Rows {
        private final int[][] earlier;
        private final double[] offsets;
        private double previous;
        private double duplicate;
        private double induction;
        private double total;

        public Rows(int[] tokens) {
            this(tokens.length, earlierOccurrences(tokens));
        }

        Rows(int length, int[][] earlier) {
            this.earlier = earlier;
            this.offsets = new double[length];
        }

        /** Only the offset scores and the denominator (no tokens to match). */
        static Rows positional(int length) {
            return new Rows(length, new int[length][]);
        }

        /** Adds query q's row, {@code row[0 .. keys)} (keys past q count in the denominator only). */
        public void add(int q, float[] row, int keys) {
            for (int k = 0; k < keys; k++) {
                total += row[k];
            }
            int seen = Math.min(q, keys - 1);
            for (int k = 0; k <= seen; k++) {
                offsets[q - k] += row[k];
            }
            if (q >= 1 && q - 1 < keys) {
                previous += row[q - 1];
            }
            if (earlier[q] != null) {
                for (int k : earlier[q]) { // k < q holds tokens[q]: duplicate at key k, induction at key k + 1 <= q
                    if (k < keys) duplicate += row[k];
                    if (k + 1 < keys) induction += row[k + 1];
                }
            }
        }

        public Scores scores() {
            double[] s = offsetScores();
            int best = 0;
            for (int d = 1; d < s.length; d++) {
                if (s[d] > s[best]) {
                    best = d;
                }
            }
            return new Scores(ratio(previous), ratio(duplicate), ratio(induction), best, s.length == 0 ? 0 : s[best]);
        }

        /** {@link #offsetScores} of the rows added. */
        double[] offsetScores() {
            double[] s = new double[offsets.length];
            for (int d = 0; d < s.length; d++) {
                s[d] = total == 0 ? 0 : offsets[d] / total;
            }
            return s;
        }

        private double ratio(double hit) {
            return total == 0 ? 0 : hit / total;
        }
    }

    /** Per position q the earlier positions k < q holding the same token, ascending. */
    static int[][] earlierOccurrences(int[] tokens) {
        Map<Integer, List<Integer>> seen = new HashMap<>();
        int[][] out = new int[tokens.length][];
        for (int q = 0; q < tokens.length; q++) {
            List<Integer> before = seen.computeIfAbsent(tokens[q], t -> new ArrayList<>());
            out[q] = before.stream().mapToInt(Integer::intValue).toArray();
            before.add(q);
        }
        return out;
    }

    /** TransformerLens get_previous_token_head_detection_pattern: ones at (q, q-1). */
    public static boolean[][] previousTokenPattern(int length) {
        boolean[][] d = new boolean[length][length];
        for (int q = 1; q < length; q++) {
            d[q][q - 1] = true;
        }
        return d;
    }

    /** TransformerLens get_duplicate_token_head_detection_pattern: ones at (q, k < q) where token k equals token q. */
    public static boolean[][] duplicateTokenPattern(int[] tokens) {
        int n = tokens.length;
        boolean[][] d = new boolean[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < q; k++) {
                d[q][k] = tokens[k] == tokens[q];
            }
        }
        return d;
    }

    /**
     * TransformerLens get_induction_head_detection_pattern: the duplicate pattern shifted one key to the
     * right, i.e. ones at (q, k) with 1 <= k <= q where token k-1 is an earlier occurrence of token q.
     */
    public static boolean[][] inductionPattern(int[] tokens) {
        boolean[][] dup = duplicateTokenPattern(tokens);
        int n = tokens.length;
        boolean[][] d = new boolean[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 1; k <= q; k++) {
                d[q][k] = dup[q][k - 1];
            }
        }
        return d;
    }

    /**
     * TransformerLens compute_head_attention_similarity_score with error_measure "mul" and its defaults
     * exclude_bos = exclude_current_token = False (transformer_lens/head_detector.py): Σ A∘D / Σ A, the fraction
     * of the head's attention that lands on the detected pairs. Σ A runs over every (query, key), so for an encoder
     * the attention above the diagonal counts in the denominator while the (lower-triangular) detection pattern
     * never matches it; for a causal pattern that part is zero and nothing changes.
     */
    public static double detectionScore(float[][] pattern, boolean[][] detection) {
        double hit = 0;
        for (int q = 0; q < pattern.length; q++) {
            for (int k = 0; k <= q; k++) {
                if (detection[q][k]) {
                    hit += pattern[q][k];
                }
            }
        }
        double total = totalAttention(pattern);
        return total == 0 ? 0 : hit / total;
    }

    /** Σ A over every query and key (TransformerLens's "mul" denominator, attention_pattern.sum()). */
    static double totalAttention(float[][] pattern) {
        double total = 0;
        for (float[] row : pattern) {
            for (float a : row) {
                total += a;
            }
        }
        return total;
    }

    /**
     * Positional-offset scores: for δ = 0..T-1, the "mul" score of the detection pattern with ones at (q, q-δ),
     * so δ = 1 is exactly the previous-token score and δ = 0 attention to the current token (same denominator:
     * all attention, keys after the query included).
     */
    public static double[] offsetScores(float[][] pattern) {
        Rows r = Rows.positional(pattern.length);
        for (int q = 0; q < pattern.length; q++) {
            r.add(q, pattern[q], pattern[q].length);
        }
        return r.offsetScores();
    }

    /**
     * Olsson et al. 2022 ("In-context Learning and Induction Heads") prefix-matching score on a repeated
     * random sequence BOS, x_1..x_L, x_1..x_L: mean attention from each second-copy token to the token that
     * followed its first occurrence (query q = L + i attends key i + 1).
     */
    public static double prefixMatching(float[][] pattern, int repeatLength) {
        return prefixMatching(CapturedRun.Patterns.of(new float[][][][] {{pattern}}), 0, 0, pattern.length, repeatLength);
    }

    /**
     * {@link #prefixMatching(float[][], int)} of head {@code head} in layer {@code layer} of a run of {@code length}
     * tokens, reading only the second copy's rows, {@link LayerBehaviour#BLOCK} at a time.
     */
    public static double prefixMatching(CapturedRun.Patterns patterns, int layer, int head, int length, int repeatLength) {
        int l = repeatLength;
        if (length != 2 * l + 1) {
            throw new IllegalArgumentException("prefix matching needs the repeated probe of " + (2 * l + 1)
                    + " tokens, got " + length);
        }
        float[][] block = new float[Math.min(LayerBehaviour.BLOCK, l)][length];
        double s = 0;
        for (int from = l + 1; from <= 2 * l; from += block.length) {
            int to = Math.min(2 * l + 1, from + block.length);
            patterns.rows(layer, head, from, to, block);
            for (int q = from; q < to; q++) {
                s += block[q - from][q - l + 1];
            }
        }
        return s / l;
    }
}
