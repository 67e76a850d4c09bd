package dev.glassbox.engine.tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How much of a text a tokenizer's vocabulary covers: the characters (code points other than whitespace) of the
 * text, and the words among them that map to the unknown token with their characters. A WordPiece word is
 * replaced whole, so every character of an unknown word counts as unknown.
 *
 * @param characters        non-whitespace code points of the text
 * @param unknownCharacters code points of the unknown words
 * @param unknownWords      the unknown words in order, repeats included (normalised as the tokenizer sees them)
 * @param unkToken          how the unknown token is written, e.g. "[UNK]"
 */
public record VocabularyCoverage(int characters, int unknownCharacters, List<String> unknownWords, String unkToken) {
    public VocabularyCoverage {
        unknownWords = List.copyOf(unknownWords);
    }

    public static VocabularyCoverage of(Tokenizer tokenizer, String text) {
        int characters = (int) text.codePoints().filter(cp -> !BertNormalizer.isWhitespace(cp)).count();
        if (tokenizer.unk() < 0) {
            return new VocabularyCoverage(characters, 0, List.of(), "");
        }
        List<String> unknown = tokenizer.unknownWords(text);
        int unknownCharacters = unknown.stream().mapToInt(w -> w.codePointCount(0, w.length())).sum();
        return new VocabularyCoverage(characters, Math.min(unknownCharacters, characters), unknown,
                tokenizer.display(tokenizer.unk()));
    }

    /** True when no part of the text maps to the unknown token. */
    public boolean complete() {
        return unknownWords.isEmpty();
    }

    /** The distinct unknown words in order of first appearance, at most {@code limit} of them. */
    public List<String> distinctUnknown(int limit) {
        Set<String> seen = new LinkedHashSet<>(unknownWords);
        return seen.stream().limit(limit).toList();
    }

    /** Whether any unknown word holds a CJK ideograph (what a Chinese vocabulary would cover). */
    public boolean hasUnknownChinese() {
        return unknownWords.stream().anyMatch(w -> w.codePoints().anyMatch(BertNormalizer::isChinese));
    }

    /**
     * One line for a person, e.g. "6 of 10 characters map to [UNK] in all-MiniLM-L6-v2: 喜 欢 在 园 散 步"
     * (the first 20 distinct unknown words, then "…").
     */
    public String describe(String modelName) {
        return unknownCharacters + " of " + characters + " characters map to " + unkToken + " in " + modelName
                + ": " + unknownList(20);
    }

    /** The first {@code shown} distinct unknown words joined by spaces, then "…" when there are more. */
    public String unknownList(int shown) {
        List<String> words = distinctUnknown(shown + 1);
        return String.join(" ", words.subList(0, Math.min(shown, words.size())))
                + (words.size() > shown ? " \u2026" : "");
    }
}
