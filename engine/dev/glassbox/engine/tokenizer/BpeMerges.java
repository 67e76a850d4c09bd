package dev.glassbox.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BPE merging by rank (Sennrich et al. 2016, as GPT-2's encoder.py bpe() applies it): repeatedly take the
 * adjacent pair whose merge was learned earliest and merge every occurrence of it, left to right, until no
 * adjacent pair has a merge. Symbols are vocabulary ids; a merge (a, b) yields the id of the string a + b.
 */
final class BpeMerges {
    private final Map<Long, int[]> merges = new HashMap<>(); // (a, b) -> {rank, merged id}
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** Adds merge number {@code rank}; returns false if a, b or their concatenation is not in the vocabulary. */
    boolean add(int rank, String a, String b, Map<String, Integer> vocab) {
        Integer ia = vocab.get(a);
        Integer ib = vocab.get(b);
        Integer im = vocab.get(a + b);
        if (ia == null || ib == null || im == null) {
            return false;
        }
        merges.putIfAbsent(key(ia, ib), new int[] {rank, im});
        return true;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    int size() { return merges.size(); }

    /** Merges the symbols of one word; short words' results are cached by {@code word} (pre-tokenised text). */
    int[] apply(String word, int[] symbols) {
        int[] hit = cache.get(word);
        if (hit != null) {
            return hit;
        }
        int[] out = merge(symbols);
        if (cache.size() < 100_000 && word.length() <= MAX_CACHED_WORD) {
            cache.put(word, out);
        }
        return out;
    }

    /**
     * The same merges as the loop above describes, in O(n log n) instead of O(n^2): a priority queue of adjacent
     * pairs ordered by (rank, position) over a linked list of symbols, as HF tokenizers' Word::merge_all does.
     * Merging every occurrence of the best pair left to right is popping its entries in position order; entries
     * whose symbols changed since they were queued are stale and skipped.
     */
    int[] merge(int[] symbols) {
        SymbolList s = new SymbolList(symbols);
        PriorityQueue<long[]> queue = new PriorityQueue<>(Math.max(1, symbols.length),
                (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (int i = 0; i + 1 < symbols.length; i++) {
            offer(queue, s, i);
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int left = (int) top[1];
            int right = s.next[left];
            if (!s.alive[left] || right < 0 || s.id[left] != (int) (top[2] >>> 32) || s.id[right] != (int) top[2]) {
                continue; // stale: one of its symbols was merged away or changed
            }
            s.merge(left, merges.get(top[2])[1]);
            if (s.prev[left] >= 0) {
                offer(queue, s, s.prev[left]);
            }
            offer(queue, s, left);
        }
        return s.ids();
    }

    private void offer(PriorityQueue<long[]> queue, SymbolList s, int left) {
        int right = s.next[left];
        if (right < 0) {
            return;
        }
        long k = key(s.id[left], s.id[right]);
        int[] m = merges.get(k);
        if (m != null) {
            queue.add(new long[] {m[0], left, k});
        }
    }

    /** Longest word whose merge result is cached (a text without pre-tokenizer is one long word). */
    private static final int MAX_CACHED_WORD = 256;
}
