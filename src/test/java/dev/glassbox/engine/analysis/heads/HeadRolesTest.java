package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;

class HeadRolesTest {

    /** Rows attend one key each: key = pick(q), or key 0 where pick returns -1. */
    private static float[][] pattern(int n, java.util.function.IntUnaryOperator pick) {
        float[][] p = new float[n][n];
        for (int q = 0; q < n; q++) {
            int k = pick.applyAsInt(q);
            p[q][k >= 0 && k <= q ? k : 0] = 1;
        }
        return p;
    }

    private static float[][] uniform(int n) {
        float[][] p = new float[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                p[q][k] = 1f / (q + 1);
            }
        }
        return p;
    }

    @Test
    void detectionPatternsMatchTheTransformerLensDefinitions() {
        int[] tokens = {1, 5, 6, 5, 6};
        boolean[][] dup = HeadRoles.duplicateTokenPattern(tokens);
        boolean[][] ind = HeadRoles.inductionPattern(tokens);
        boolean[][] prev = HeadRoles.previousTokenPattern(5);
        int dupCount = 0;
        int indCount = 0;
        int prevCount = 0;
        for (int q = 0; q < 5; q++) {
            for (int k = 0; k < 5; k++) {
                dupCount += dup[q][k] ? 1 : 0;
                indCount += ind[q][k] ? 1 : 0;
                prevCount += prev[q][k] ? 1 : 0;
            }
        }
        assertTrue(dup[3][1] && dup[4][2]);
        assertEquals(2, dupCount, "only the repeated 5 and 6 look back at their first copy");
        assertTrue(ind[3][2] && ind[4][3], "the second 5 looks at what followed the first 5 (6), the second 6 at 5");
        assertEquals(2, indCount);
        assertTrue(prev[1][0] && prev[4][3]);
        assertEquals(4, prevCount);
    }

    @Test
    void constructedPatternsGetTheirRoleAsTopScore() {
        int l = 6;
        int[] tokens = RepeatedTokens.generate(1, l, 50, id -> id > 2, 99);
        int n = tokens.length;
        float[][][] heads = {
                pattern(n, q -> q - 1),                               // previous token
                pattern(n, q -> q > l ? q - l : 0),                   // duplicate token
                pattern(n, q -> q > l ? q - l + 1 : 0),               // induction
                uniform(n),
                pattern(n, q -> q),                                   // current token
        };
        HeadRoles.Scores[] s = new HeadRoles.Scores[heads.length];
        for (int h = 0; h < heads.length; h++) {
            s[h] = HeadRoles.score(heads[h], tokens);
        }
        assertEquals(0, argmax(s, HeadRoles.Scores::previousToken));
        assertEquals(1, argmax(s, HeadRoles.Scores::duplicateToken));
        assertEquals(2, argmax(s, HeadRoles.Scores::induction));
        assertEquals((n - 1.0) / n, s[0].previousToken(), 1e-9, "all but query 0 hit the previous token");
        assertEquals((double) l / n, s[2].induction(), 1e-9, "the second copy's l queries all hit");
        assertEquals(1, s[0].bestOffset());
        assertEquals(s[0].previousToken(), s[0].offsetScore(), 1e-12, "offset 1 is the previous-token score");
        assertEquals(0, s[4].bestOffset());
        assertEquals(l, s[1].bestOffset(), "a duplicate head on a period-l sequence looks back l");
        assertEquals(1.0, HeadRoles.prefixMatching(heads[2], l), 1e-12);
        assertEquals(0.0, HeadRoles.prefixMatching(heads[0], l), 1e-12);
    }

    private static int argmax(HeadRoles.Scores[] s, java.util.function.ToDoubleFunction<HeadRoles.Scores> f) {
        int best = 0;
        for (int i = 1; i < s.length; i++) {
            if (f.applyAsDouble(s[i]) > f.applyAsDouble(s[best])) {
                best = i;
            }
        }
        return best;
    }

    /**
     * End to end: without rotary positions, tokens 0..15 in order with one-hot embeddings make position
     * readable from content. Head 0's keys are shifted one-hot (k(j) = e_{j+1}) so query i matches key i-1:
     * a previous-token head; head 1's keys are unshifted: a current-token head.
     */
    @Test
    void aBuiltPreviousTokenHeadIsDetectedFromARealForward() {
        int n = 16;
        ModelConfig c = TinyModels.config(n, 1, 2, 2, n, n, n, RopeStyle.NONE);
        float s = 2f;
        float[] wq = new float[c.qDim() * n];
        float[] wk = new float[c.kvDim() * n];
        float[] wv = new float[c.kvDim() * n];
        float[] wo = new float[n * c.qDim()];
        float[] emb = new float[n * n];
        for (int i = 0; i < n; i++) {
            emb[i * n + i] = 1;
            wq[i * n + i] = s;                 // head 0 queries: identity
            wq[(n + i) * n + i] = s;           // head 1 queries: identity
            if (i + 1 < n) {
                wk[(i + 1) * n + i] = s;       // head 0 keys: e_j -> e_{j+1}
            }
            wk[(n + i) * n + i] = s;           // head 1 keys: identity
            wv[i * n + i] = 1;
            wv[(n + i) * n + i] = 1;
            wo[i * c.qDim() + i] = 1;
        }
        LlamaModel m = TinyModels.model(c, emb, TinyModels.attentionOnly(c, wq, wk, wv, wo));
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i;
        }
        CapturedRun run = CapturedRun.of(m, tokens);
        HeadRoles.Scores prev = HeadRoles.score(run.patterns().head(0, 0), tokens);
        HeadRoles.Scores self = HeadRoles.score(run.patterns().head(0, 1), tokens);
        assertTrue(prev.previousToken() > 0.9, "previous-token score " + prev.previousToken());
        assertTrue(prev.previousToken() > self.previousToken());
        assertEquals(1, prev.bestOffset());
        assertEquals(0, self.bestOffset());
    }

    @Test
    void repeatedTokensProbeIsSeededAndRepeats() {
        int[] a = RepeatedTokens.generate(1, 20, 512, id -> id > 2, 5);
        int[] b = RepeatedTokens.generate(1, 20, 512, id -> id > 2, 5);
        int[] c = RepeatedTokens.generate(1, 20, 512, id -> id > 2, 6);
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
        assertEquals(41, a.length);
        assertEquals(1, a[0]);
        for (int i = 1; i <= 20; i++) {
            assertEquals(a[i], a[i + 20]);
            assertTrue(a[i] > 2 && a[i] < 512);
        }
    }
}
