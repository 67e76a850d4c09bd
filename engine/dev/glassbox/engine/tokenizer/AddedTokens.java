package dev.glassbox.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The added/special tokens of a tokenizer.json, matched in the raw text before the model runs (as HF
 * tokenizers' AddedVocabulary does): at each position the longest token that starts there wins, and the text
 * between matches goes on to normalisation and the model.
 */
public final class AddedTokens {
    /** A piece of input: either plain text for the model, or one added token's id. */
    public record Piece(String text, int id) {
        public boolean isToken() { return id >= 0; }
    }

    private final List<Map.Entry<String, Integer>> tokens;
    private final Map<Character, List<Map.Entry<String, Integer>>> byFirstChar = new java.util.HashMap<>();

    public AddedTokens(Map<String, Integer> contentToId) {
        List<Map.Entry<String, Integer>> l = new ArrayList<>(contentToId.entrySet());
        l.removeIf(e -> e.getKey().isEmpty());
        l.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed());
        this.tokens = List.copyOf(l);
        for (Map.Entry<String, Integer> e : tokens) {
            byFirstChar.computeIfAbsent(e.getKey().charAt(0), k -> new ArrayList<>()).add(e);
        }
    }

    public static AddedTokens none() { return new AddedTokens(Map.of()); }

    /** How a tokenizer's model encodes the text between added tokens. */
    public interface TextEncoder {
        /** Appends the ids of {@code text} to {@code out}; {@code first}: the text opens the input. */
        void encode(String text, boolean first, List<Integer> out);
    }

    /** The ids of {@code text}: each added token's own id, the text between them through {@code model}. */
    public int[] encode(String text, TextEncoder model) {
        List<Integer> ids = new ArrayList<>();
        boolean first = true;
        for (Piece p : split(text)) {
            if (p.isToken()) {
                ids.add(p.id());
            } else {
                model.encode(p.text(), first, ids);
            }
            first = false;
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public boolean isEmpty() { return tokens.isEmpty(); }

    public List<Piece> split(String text) {
        List<Piece> out = new ArrayList<>();
        if (tokens.isEmpty()) {
            out.add(new Piece(text, -1));
            return out;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            Map.Entry<String, Integer> hit = null;
            for (Map.Entry<String, Integer> t : byFirstChar.getOrDefault(text.charAt(i), List.of())) {
                if (text.startsWith(t.getKey(), i)) {
                    hit = t;
                    break;
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            if (i > start) {
                out.add(new Piece(text.substring(start, i), -1));
            }
            out.add(new Piece(hit.getKey(), hit.getValue()));
            i += hit.getKey().length();
            start = i;
        }
        if (start < text.length()) {
            out.add(new Piece(text.substring(start), -1));
        }
        return out;
    }
}
