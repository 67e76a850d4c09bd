package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.analysis.SinkMass;

/** Hand-computed examples of the head-role definitions that follow TransformerLens and the sink mass. */
class DefinitionsTest {

    /**
     * Encoder pattern (rows sum to 1, keys after the query allowed), tokens 7 8 7:
     * <pre>
     * q0: 0.5 0.25 0.25
     * q1: 0.6 0.2  0.2
     * q2: 0.3 0.1  0.6
     * </pre>
     * Duplicate-token pairs (q, k < q, same token): only (2, 0), weight 0.3. TransformerLens's "mul" score divides by
     * all attention, 3 rows * 1 = 3: 0.3 / 3 = 0.1. The causal triangle alone sums to 0.5 + 0.6 + 0.2 + 0.3 + 0.1 + 0.6
     * = 2.3, which would have given 0.3 / 2.3 = 0.1304.
     * Previous-token pairs (1, 0) and (2, 1): (0.6 + 0.1) / 3 = 0.2333.
     * Induction pairs: key k with token k-1 an earlier copy of token q; q2 = 7, earlier copy at 0, so key 1: 0.1 / 3.
     */
    @Test
    void encoderRoleScoresDivideByAllAttentionAsTransformerLensDoes() {
        float[][] a = {{0.5f, 0.25f, 0.25f}, {0.6f, 0.2f, 0.2f}, {0.3f, 0.1f, 0.6f}};
        int[] tokens = {7, 8, 7};
        HeadRoles.Scores s = HeadRoles.score(a, tokens);
        assertEquals(0.1, s.duplicateToken(), 1e-7);
        assertEquals(0.7 / 3, s.previousToken(), 1e-7);
        assertEquals(0.1 / 3, s.induction(), 1e-7);
        double[] offsets = HeadRoles.offsetScores(a);
        assertEquals((0.5 + 0.2 + 0.6) / 3, offsets[0], 1e-7, "offset 0: the diagonal over all attention");
        assertEquals(0.3 / 3, offsets[2], 1e-7);
    }

    /** Causal pattern: the denominator is the same either way (3 rows of 1), so decoder scores are unchanged. */
    @Test
    void causalRoleScoresAreTheFractionOfAllAttention() {
        float[][] a = {{1, 0, 0}, {0.25f, 0.75f, 0}, {0.5f, 0.25f, 0.25f}};
        HeadRoles.Scores s = HeadRoles.score(a, new int[] {1, 2, 3});
        assertEquals((0.25 + 0.25) / 3, s.previousToken(), 1e-7);
    }

    /**
     * BOS row 1 (forced), then 0.25 and 0.5 on position 0: the sink mass is (0.25 + 0.5) / 2 = 0.375, not
     * (1 + 0.25 + 0.5) / 3 = 0.583.
     */
    @Test
    void sinkMassLeavesOutQueryZero() {
        float[][] a = {{1, 0, 0}, {0.25f, 0.75f, 0}, {0.5f, 0.25f, 0.25f}};
        assertEquals(0.375, SinkMass.of(a), 1e-7);
        assertEquals(0.375, AttentionBehaviour.sinkMass(new float[][][] {a})[0], 1e-7);
        assertEquals(0.0, SinkMass.of(new float[][] {{1}}), 0, "a single query has nothing to average: 0, not NaN");
    }
}
