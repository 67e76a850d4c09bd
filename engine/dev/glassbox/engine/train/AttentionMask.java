package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.context.ContextMemory;
import dev.glassbox.engine.context.Visible;

/**
 * A {@link ContextTraining} method on rows of {@code seq} tokens: which key columns each query attends to.
 * Columns 0..seq-1 are the tokens; columns seq..seq+slots-1 are pooled slots, each the mean (or, for compressive
 * fn=conv, the learned compression) of the rotated keys and of the values over a source range [slotFrom, slotTo]. The mask is read off the inference-side memory (each query
 * is asked what it sees, as the context lab's runner does), so training and the lab cover the same positions.
 * {@code detached} marks edges whose key/value gradient must not reach the source's hidden states (memory states
 * under stop-gradient); it is null when there are none.
 */
final class AttentionMask {
    final int seq;
    final int slots;
    final int[] slotFrom;
    final int[] slotTo;
    /** [seq, seq + slots], row t = what query t attends to. */
    final boolean[] visible;
    final boolean[] detached;

    private AttentionMask(int seq, int[] slotFrom, int[] slotTo, boolean[] visible, boolean[] detached) {
        this.seq = seq;
        this.slots = slotFrom.length;
        this.slotFrom = slotFrom;
        this.slotTo = slotTo;
        this.visible = visible;
        this.detached = detached;
    }

    int columns() {
        return seq + slots;
    }

    /** The mask of {@code context} on rows of {@code seq}; null for full causal attention (the dense fast path). */
    static AttentionMask of(ContextTraining context, int seq) {
        if (context.isFull()) {
            return null;
        }
        ContextMemory memory = context.policy().layout().newMemory(1);
        Visible v = new Visible();
        float[] none = new float[1];
        Map<Long, Integer> slotIds = new LinkedHashMap<>();
        List<int[]> edges = new ArrayList<>(); // {query, from, to}
        for (int t = 0; t < seq; t++) {
            memory.append(0, t, none, none, none);
            memory.visible(0, t, v);
            for (int i = 0; i < v.count(); i++) {
                int from = v.from(i);
                int to = v.to(i);
                if (to > t) {
                    throw new IllegalStateException(context.spec() + " lets position " + t + " see position " + to);
                }
                if (from != to) {
                    slotIds.putIfAbsent(((long) from << 32) | to, slotIds.size());
                }
                edges.add(new int[] {t, from, to});
            }
        }
        int[] slotFrom = new int[slotIds.size()];
        int[] slotTo = new int[slotIds.size()];
        slotIds.forEach((key, id) -> {
            slotFrom[id] = (int) (key >>> 32);
            slotTo[id] = (int) (long) key;
        });
        int cols = seq + slotFrom.length;
        boolean[] visible = new boolean[seq * cols];
        int segment = context.stopGradientSegment();
        boolean[] detached = segment > 0 ? new boolean[seq * cols] : null;
        for (int[] e : edges) {
            int t = e[0];
            int col = e[1] == e[2] ? e[1] : seq + slotIds.get(((long) e[1] << 32) | e[2]);
            visible[t * cols + col] = true;
            if (detached != null && e[2] < t / segment * segment) {
                detached[t * cols + col] = true; // a memory state from before the query's segment: SG(m)
            }
        }
        return new AttentionMask(seq, slotFrom, slotTo, visible, detached);
    }

    /**
     * Bidirectional attention over {@code seq} tokens (an encoder's): row t of {@code visible} ([seq, seq], true = may
     * attend) says which keys query t sees; null lets every token see every token. No pooled slots, nothing detached.
     */
    static AttentionMask bidirectional(int seq, boolean[] visible) {
        boolean[] v = visible == null ? new boolean[seq * seq] : visible.clone();
        if (visible == null) {
            java.util.Arrays.fill(v, true);
        } else if (visible.length != seq * seq) {
            throw new IllegalArgumentException("visible matrix of " + visible.length + " entries for " + seq + " tokens");
        }
        for (int t = 0; t < seq; t++) {
            if (!v[t * seq + t]) {
                throw new IllegalArgumentException("visible matrix: token " + t + " must see itself");
            }
        }
        return new AttentionMask(seq, new int[0], new int[0], v, null);
    }
}
