package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/** BertModel's K-BERT inputs: soft position ids and the visible matrix (Liu et al. 2020 sec. 3.3-3.4). */
class BertVisibleMatrixTest {
    private static final int[] IDS = {1, 5, 7, 3, 9, 2};
    private static final int N = IDS.length;

    private static boolean[][] all(boolean v) {
        boolean[][] m = new boolean[N][N];
        for (boolean[] row : m) java.util.Arrays.fill(row, v);
        return m;
    }

    @Test
    void defaultPositionsAndAnAllVisibleMatrixAreThePlainForward() {
        BertModel m = BertHeadsTest.model(3, false, false);
        float[][] plain = m.encode(IDS, null, Capture.none(2));
        float[][] explicit = m.encode(IDS, null, new int[] {0, 1, 2, 3, 4, 5}, all(true), Capture.none(2), Intervention.NONE);
        // the same arithmetic, but the JIT may compile the Vector API kernels between the two calls (~1e-7 apart)
        for (int t = 0; t < N; t++) assertArrayEquals(plain[t], explicit[t], 1e-5f);
    }

    @Test
    void aHiddenKeyGetsNoAttentionAndCannotChangeWhoDoesNotSeeIt() {
        BertModel m = BertHeadsTest.model(4, false, false);
        boolean[][] v = all(true);
        for (int i = 0; i < N; i++) {
            if (i != 3) v[i][3] = false; // token 3 sees everyone, only itself sees it
        }
        Capture c = new Capture(HookSelection.of("*"), 2);
        float[][] a = m.encode(IDS, null, null, v, c, Intervention.NONE);
        float[] pattern = c.drain().values().stream().filter(x -> x.hook().equals(HookName.of(HookPoint.ATTN_PATTERN, 0))).findFirst()
                .orElseThrow().values();
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < N; i++) {
                float sum = 0;
                for (int j = 0; j < N; j++) sum += pattern[(h * N + i) * N + j];
                assertEquals(1f, sum, 1e-5f);
                if (i != 3) assertEquals(0f, pattern[(h * N + i) * N + 3], "head " + h + " query " + i);
            }
        }
        int[] other = IDS.clone();
        other[3] = 8;
        float[][] b = m.encode(other, null, null, v, Capture.none(2), Intervention.NONE);
        for (int t = 0; t < N; t++) {
            if (t != 3) assertArrayEquals(a[t], b[t], 1e-5f, "token " + t);
        }
    }

    @Test
    void positionsTravelWithTheirTokens() {
        // without a mask an encoder is permutation-equivariant once each token keeps its position id
        BertModel m = BertHeadsTest.model(5, false, false);
        int[] perm = {3, 0, 5, 1, 4, 2};
        int[] ids = new int[N];
        int[] pos = new int[N];
        for (int i = 0; i < N; i++) {
            ids[i] = IDS[perm[i]];
            pos[i] = perm[i];
        }
        float[][] plain = m.encode(IDS, null, Capture.none(2));
        float[][] moved = m.encode(ids, null, pos, null, Capture.none(2), Intervention.NONE);
        for (int i = 0; i < N; i++) assertArrayEquals(plain[perm[i]], moved[i], 1e-5f);
        assertThrows(IllegalArgumentException.class,
                () -> m.encode(IDS, null, new int[] {0, 1, 2, 3, 4, 99}, null, Capture.none(2), Intervention.NONE));
    }
}
