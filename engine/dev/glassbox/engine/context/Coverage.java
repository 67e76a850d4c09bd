package dev.glassbox.engine.context;

import java.util.BitSet;

/**
 * What a policy lets each position reach, from its memory alone (no weights): the direct mask of one layer
 * and the receptive field composed over layers (Luo et al. 2016's notion applied to attention: position q
 * at layer l reaches whatever the positions it attends to reached at layer l-1).
 */
public final class Coverage {
    private Coverage() {
    }

    /** Per query position, the source positions it can attend to directly (every layer has the same mask). */
    public static BitSet[] direct(ContextPolicy policy, int length) {
        ContextMemory m = policy.layout().newMemory(1);
        Visible v = new Visible();
        float[] dummy = new float[1];
        BitSet[] out = new BitSet[length];
        for (int t = 0; t < length; t++) {
            m.append(0, t, dummy, dummy, dummy);
            m.visible(0, t, v);
            BitSet b = new BitSet(t + 1);
            for (int i = 0; i < v.count; i++) {
                b.set(v.from[i], v.to[i] + 1);
            }
            out[t] = b;
        }
        return out;
    }

    /**
     * earliest[l][q] = the earliest position whose information can reach query q after l + 1 layers.
     * The minimum composes exactly: earliest_l(q) = min over directly visible s of earliest_{l-1}(s).
     */
    public static int[][] earliestReachable(BitSet[] direct, int layers) {
        int n = direct.length;
        int[][] earliest = new int[layers][n];
        for (int q = 0; q < n; q++) {
            earliest[0][q] = direct[q].nextSetBit(0);
        }
        for (int l = 1; l < layers; l++) {
            for (int q = 0; q < n; q++) {
                int best = q;
                BitSet d = direct[q];
                for (int s = d.nextSetBit(0); s >= 0; s = d.nextSetBit(s + 1)) {
                    best = Math.min(best, earliest[l - 1][s]);
                }
                earliest[l][q] = best;
            }
        }
        return earliest;
    }

    /** How far back (in tokens, inclusive of the query) each query reaches at the top layer. */
    public static int[] reach(BitSet[] direct, int layers) {
        int[][] e = earliestReachable(direct, layers);
        int[] out = new int[direct.length];
        for (int q = 0; q < out.length; q++) {
            out[q] = q - e[layers - 1][q] + 1;
        }
        return out;
    }
}
