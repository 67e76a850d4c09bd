package dev.glassbox.engine.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * One token per Unicode character seen in the training text, plus {@code <unk>} (id 0) for anything else and
 * {@code <s>} (id 1), which starts every sequence and separates documents; optionally extended by BPE merges
 * learned from the text ({@link BpeLearner}). Merges apply as Hugging Face's BPE model applies them to a text with
 * no pre-tokenizer: repeatedly merge the adjacent pair with the earliest merge, leftmost first.
 */
public final class CharTokenizer implements Tokenizer {
    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    static final int UNK_ID = 0;
    static final int BOS_ID = 1;

    private final List<String> pieces;
    private final List<List<String>> merges;
    private final Map<Integer, Integer> ids = new HashMap<>();
    private final Map<Long, int[]> mergeTable = new HashMap<>(); // (left, right) -> {rank, merged id}
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private CharTokenizer(List<String> pieces, List<List<String>> merges) {
        this.pieces = List.copyOf(pieces);
        this.merges = List.copyOf(merges);
        int chars = pieces.size() - merges.size();
        for (int i = 2; i < chars; i++) {
            ids.put(pieces.get(i).codePointAt(0), i);
        }
        Map<String, Integer> byPiece = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            byPiece.put(pieces.get(i), i);
        }
        for (int r = 0; r < merges.size(); r++) {
            List<String> m = merges.get(r);
            mergeTable.put(key(byPiece.get(m.get(0)), byPiece.get(m.get(1))), new int[] {r, chars + r});
        }
    }

    /** The tokenizer of every distinct character of {@code text}, in code point order. */
    public static CharTokenizer of(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        List<String> p = new ArrayList<>();
        p.add(UNK);
        p.add(BOS);
        for (int cp : cps) {
            p.add(new String(Character.toChars(cp)));
        }
        return new CharTokenizer(p, List.of());
    }

    /**
     * This character vocabulary extended by {@code merges} (pairs of existing pieces, in rank order): merge r adds
     * the piece left + right as id {@code vocabSize() + r}. Every merged piece must be new.
     */
    public CharTokenizer withMerges(List<List<String>> more) {
        if (!merges.isEmpty()) {
            throw new IllegalStateException("this tokenizer already has merges");
        }
        List<String> p = new ArrayList<>(pieces);
        java.util.Set<String> known = new java.util.HashSet<>(pieces);
        for (List<String> m : more) {
            if (m.size() != 2 || !known.contains(m.get(0)) || !known.contains(m.get(1))) {
                throw new IllegalArgumentException("merge " + m + " does not join two earlier pieces");
            }
            String merged = m.get(0) + m.get(1);
            if (!known.add(merged)) {
                throw new IllegalArgumentException("merge " + m + " makes the existing piece '" + merged + "'");
            }
            p.add(merged);
        }
        return new CharTokenizer(p, more);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** The pieces by id: {@code <unk>}, {@code <s>}, one character each, then one per merge. */
    public List<String> pieces() { return Collections.unmodifiableList(pieces); }

    /** The BPE merges in rank order, each [left, right] (empty for a plain character tokenizer). */
    public List<List<String>> merges() { return merges; }

    @Override
    public int vocabSize() { return pieces.size(); }

    /** BOS followed by the text's ids. */
    @Override
    public int[] encode(String text) {
        int[] raw = encodeRaw(text);
        int[] out = new int[raw.length + 1];
        out[0] = BOS_ID;
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }

    /** The text's ids, no BOS: one per character (unknown ones map to {@code <unk>}), then merged. */
    public int[] encodeRaw(String text) {
        int[] chars = text.codePoints().map(cp -> ids.getOrDefault(cp, UNK_ID)).toArray();
        if (merges.isEmpty()) {
            return chars;
        }
        // no merge spans a BpeLearner chunk boundary, so chunks merge independently (and cache well)
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        int start = 0;
        int[] cps = text.codePoints().toArray();
        for (int i = 1; i <= cps.length; i++) {
            if (i == cps.length || BpeLearner.startsChunk(cps[i - 1], cps[i])) {
                String chunk = new String(cps, start, i - start);
                int[] symbols = java.util.Arrays.copyOfRange(chars, start, i);
                int[] merged = cache.get(chunk);
                if (merged == null) {
                    merged = merge(symbols);
                    if (cache.size() < 200_000) cache.put(chunk, merged);
                }
                parts.add(merged);
                total += merged.length;
                start = i;
            }
        }
        int[] out = new int[total];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Repeatedly merges the adjacent pair of lowest rank (leftmost first), as BPE encoding does. */
    private int[] merge(int[] symbols) {
        int[] s = symbols.clone();
        int n = s.length;
        while (n > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                int[] m = mergeTable.get(key(s[i], s[i + 1]));
                if (m != null && m[0] < bestRank) {
                    bestRank = m[0];
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            s[best] = mergeTable.get(key(s[best], s[best + 1]))[1];
            System.arraycopy(s, best + 2, s, best + 1, n - best - 2);
            n--;
        }
        return java.util.Arrays.copyOf(s, n);
    }

    @Override
    public byte[] bytes(int previous, int token) {
        if (token < 2 || token >= pieces.size()) {
            return new byte[0];
        }
        return pieces.get(token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String display(int token) {
        if (token < 0 || token >= pieces.size()) {
            return "?";
        }
        String s = pieces.get(token);
        if (token < 2) {
            return s;
        }
        return s.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥");
    }

    @Override
    public int bos() { return BOS_ID; }

    @Override
    public int eos() { return -1; }
}
