package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.glassbox.engine.spec.Spec;

/**
 * Learns byte-pair-encoding merges from a text (Sennrich, Haddow and Birch 2016, sec. 3.2, Algorithm 1): start from
 * the text's characters and repeatedly merge the most frequent adjacent pair into a new symbol, until the vocabulary
 * reaches its target size or no pair occurs twice. Ties go to the pair with the smaller (left id, right id). Pairs are
 * counted within chunks (a whitespace run and the non-whitespace run after it, e.g. " the"), weighted by how often
 * each chunk occurs, as Sennrich counts within words; so no merge ever joins a non-space to a following space, and
 * Hugging Face's BPE model with no pre-tokenizer merges a whole text exactly as the chunks merge. A pair whose
 * concatenation is already a piece (reached by another route) is skipped, so every piece has exactly one merge.
 */
public final class BpeLearner {
    private BpeLearner() {
    }

    /** True when a chunk starts at code point {@code cur} (whitespace after non-whitespace). */
    static boolean startsChunk(int prev, int cur) {
        return Character.isWhitespace(cur) && !Character.isWhitespace(prev);
    }

    /** Parses the CLI's {@code bpe:N} (N = target vocabulary size, {@link Spec} grammar) or {@code char}; null means characters. */
    public static Integer parseSpec(String spec) {
        if (spec == null || spec.strip().equals("char")) {
            return null;
        }
        Spec p = Spec.parse(spec);
        String n = p.single("N");
        if (!p.name().equals("bpe") || n == null) {
            throw p.error("expected 'char' or 'bpe:N' with N the target vocabulary size, 3..65536");
        }
        int size = p.integerValue("N", n, 3, 65_536);
        p.checkAllUsed();
        return size;
    }

    /** The character tokenizer of {@code text} extended by merges until it has {@code vocabSize} pieces. */
    public static CharTokenizer learn(String text, int vocabSize) {
        CharTokenizer base = CharTokenizer.of(text);
        if (vocabSize <= base.vocabSize()) {
            throw new IllegalArgumentException("--tokenizer bpe:" + vocabSize + " must exceed the text's "
                    + base.vocabSize() + " character pieces (with <unk> and <s>)");
        }
        Map<String, Integer> chunkCounts = new LinkedHashMap<>();
        int[] cps = text.codePoints().toArray();
        int start = 0;
        for (int i = 1; i <= cps.length; i++) {
            if (i == cps.length || startsChunk(cps[i - 1], cps[i])) {
                chunkCounts.merge(new String(cps, start, i - start), 1, Integer::sum);
                start = i;
            }
        }
        int[][] words = new int[chunkCounts.size()][];
        int[] len = new int[words.length];
        long[] freq = new long[words.length];
        int w = 0;
        for (Map.Entry<String, Integer> e : chunkCounts.entrySet()) {
            words[w] = base.encodeRaw(e.getKey());
            len[w] = words[w].length;
            freq[w] = e.getValue();
            w++;
        }
        Map<Long, Long> counts = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            count(counts, words[i], len[i], freq[i]);
        }
        List<String> pieces = new ArrayList<>(base.pieces());
        Set<String> known = new HashSet<>(pieces);
        Set<Long> skipped = new HashSet<>();
        List<List<String>> merges = new ArrayList<>();
        while (pieces.size() < vocabSize) {
            long best = -1;
            long bestCount = 1;
            for (Map.Entry<Long, Long> e : counts.entrySet()) {
                long c = e.getValue();
                long k = e.getKey();
                if ((c > bestCount || (c == bestCount && c > 1 && k < best)) && !skipped.contains(k)) {
                    best = k;
                    bestCount = c;
                }
            }
            if (best < 0) {
                break; // no pair occurs twice
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            String merged = pieces.get(a) + pieces.get(b);
            if (!known.add(merged)) {
                skipped.add(best);
                continue;
            }
            int id = pieces.size();
            pieces.add(merged);
            merges.add(List.of(pieces.get(a), pieces.get(b)));
            for (int i = 0; i < words.length; i++) {
                if (!contains(words[i], len[i], a, b)) {
                    continue;
                }
                count(counts, words[i], len[i], -freq[i]);
                len[i] = replace(words[i], len[i], a, b, id);
                count(counts, words[i], len[i], freq[i]);
            }
        }
        return base.withMerges(merges);
    }

    private static void count(Map<Long, Long> counts, int[] word, int len, long by) {
        for (int j = 0; j + 1 < len; j++) {
            long k = ((long) word[j] << 32) | (word[j + 1] & 0xffffffffL);
            long c = counts.getOrDefault(k, 0L) + by;
            if (c == 0) {
                counts.remove(k);
            } else {
                counts.put(k, c);
            }
        }
    }

    private static boolean contains(int[] word, int len, int a, int b) {
        for (int j = 0; j + 1 < len; j++) {
            if (word[j] == a && word[j + 1] == b) {
                return true;
            }
        }
        return false;
    }

    /** Merges every occurrence of (a, b), left to right, into {@code id}; returns the new length. */
    private static int replace(int[] word, int len, int a, int b, int id) {
        int out = 0;
        for (int j = 0; j < len; j++) {
            if (j + 1 < len && word[j] == a && word[j + 1] == b) {
                word[out++] = id;
                j++;
            } else {
                word[out++] = word[j];
            }
        }
        return out;
    }
}
