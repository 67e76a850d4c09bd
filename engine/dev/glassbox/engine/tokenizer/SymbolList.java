package dev.glassbox.engine.tokenizer;

import java.util.Arrays;

/** A doubly linked list of token ids over arrays, for the BPE merge loops: merging two neighbours is O(1). */
final class SymbolList {
    final int[] id;
    final int[] prev;
    final int[] next;
    final boolean[] alive;
    private int size;

    SymbolList(int[] ids) {
        int n = ids.length;
        id = ids.clone();
        prev = new int[n];
        next = new int[n];
        alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            alive[i] = true;
        }
        size = n;
    }

    /** Replaces symbol {@code left} and its right neighbour by {@code merged}. */
    void merge(int left, int merged) {
        int right = next[left];
        id[left] = merged;
        alive[right] = false;
        next[left] = next[right];
        if (next[right] >= 0) {
            prev[next[right]] = left;
        }
        size--;
    }

    /** The surviving ids in order. */
    int[] ids() {
        int[] out = new int[size];
        int w = 0;
        for (int i = 0; i < id.length; i++) {
            if (alive[i]) {
                out[w++] = id[i];
            }
        }
        return w == size ? out : Arrays.copyOf(out, w);
    }
}
