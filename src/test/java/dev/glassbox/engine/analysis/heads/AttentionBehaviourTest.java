package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AttentionBehaviourTest {

    @Test
    void identicalHeadsOnARealForwardHaveZeroDivergenceAndCosineOne() {
        CapturedRun run = CapturedRun.of(TinyModels.twinAndOrthogonalHeads(11), new int[] {1, 5, 3, 7, 2, 6, 4, 0});
        HeadTable js = AttentionBehaviour.jensenShannon(0, run.patterns().layer(0), AttentionBehaviour.JS_EPSILON, true);
        HeadTable cos = AttentionBehaviour.outputCosine(0, run.headOutputs()[0]);
        assertEquals(0.0, js.get(0, 1), 1e-12);
        assertEquals(1.0, cos.get(0, 1), 1e-6);
        assertTrue(js.get(0, 2) > 1e-4, "heads with different queries and keys attend differently: " + js.get(0, 2));
        assertTrue(cos.get(2, 3) < 0.9999, "different queries over the same values give different outputs");
        for (int i = 0; i < 4; i++) {
            assertEquals(0.0, js.get(i, i), 0.0);
            for (int j = 0; j < 4; j++) {
                assertTrue(js.get(i, j) >= 0 && js.get(i, j) <= 1, "JS in bits lies in [0, 1]");
                assertEquals(js.get(i, j), js.get(j, i), 0.0);
            }
        }
    }

    @Test
    void disjointAttentionHasMaximalDivergenceOfOneBit() {
        // head 0 always attends key 0, head 1 the current token: disjoint supports from query 1 on
        float[][][] p = new float[2][4][4];
        for (int q = 0; q < 4; q++) {
            p[0][q][0] = 1;
            p[1][q][q] = 1;
        }
        double js = AttentionBehaviour.jensenShannon(0, p, AttentionBehaviour.JS_EPSILON, true).get(0, 1);
        assertEquals(3.0 / 4.0, js, 1e-6, "query 0 agrees, queries 1..3 differ by one bit each");
    }

    @Test
    void entropySinkAndSpecialMassFollowTheirDefinitions() {
        float[][][] p = new float[1][3][3];
        p[0][0][0] = 1;
        p[0][1][0] = 0.5f;
        p[0][1][1] = 0.5f;
        p[0][2][0] = 0.25f;
        p[0][2][1] = 0.25f;
        p[0][2][2] = 0.5f;
        assertEquals((0 + Math.log(2) + 1.5 * Math.log(2)) / 3, AttentionBehaviour.entropy(p)[0], 1e-7);
        // query 0 (forced to attend itself) is left out: (0.5 + 0.25) / 2
        assertEquals((0.5 + 0.25) / 2, AttentionBehaviour.sinkMass(p)[0], 1e-7);
        // token 9 is special at position 2 only
        assertEquals(0.5 / 3, AttentionBehaviour.specialMass(p, new int[] {4, 5, 9}, id -> id == 9)[0], 1e-7);
    }

    @Test
    void disagreementIsOneMinusMeanOffDiagonalCosine() {
        HeadTable cos = new HeadTable("output_cosine", 0, 0, new double[][] {{1, 0.5, 0}, {0.5, 1, -0.5}, {0, -0.5, 1}}, HeadTable.Sense.SIMILARITY);
        assertEquals(1.0, AttentionBehaviour.disagreement(cos), 1e-12);
        HeadTable same = new HeadTable("output_cosine", 0, 0, new double[][] {{1, 1}, {1, 1}}, HeadTable.Sense.SIMILARITY);
        assertEquals(0.0, AttentionBehaviour.disagreement(same), 1e-12);
    }
}
