package dev.glassbox.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece (Devlin et al. 2019; Wu et al. 2016) as HF tokenizers runs it: added tokens matched first,
 * then {@link BertNormalizer}, BertPreTokenizer (split on whitespace, punctuation as single-character words),
 * greedy longest-match-first pieces with the {@code ##} continuation prefix ({@code [UNK]} for a word with no
 * segmentation or longer than {@code maxInputCharsPerWord}), truncation, then the {@code [CLS] ... [SEP]} template.
 */
public final class WordPiece implements Tokenizer {
    private final String[] tokens;
    private final Map<String, Integer> vocab;
    private final int unk;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final BertNormalizer normalizer;
    private final boolean bertPreTokenizer;
    private final AddedTokens added;
    private final Template template;
    private final int maxLength;
    private final boolean[] special;

    /**
     * @param normalizer may be null (text used as is)
     * @param maxLength  truncation limit including the template's tokens; 0 for none
     */
    public WordPiece(String[] tokens, int unk, String prefix, int maxInputCharsPerWord, BertNormalizer normalizer,
                     boolean bertPreTokenizer, AddedTokens added, Template template, int maxLength, int[] specialIds) {
        this.tokens = tokens.clone();
        this.vocab = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] != null) {
                vocab.putIfAbsent(tokens[i], i);
            }
        }
        this.unk = unk;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.normalizer = normalizer;
        this.bertPreTokenizer = bertPreTokenizer;
        this.added = added;
        this.template = template;
        this.maxLength = maxLength;
        this.special = new boolean[tokens.length];
        for (int id : specialIds) {
            if (id >= 0 && id < tokens.length) {
                special[id] = true;
            }
        }
    }

    /** Truncation limit including [CLS]/[SEP] (0 when the tokenizer does not truncate). */
    public int maxLength() { return maxLength; }

    public String token(int id) { return tokens[id]; }

    @Override
    public int vocabSize() { return tokens.length; }

    @Override
    public int bos() { return template.prefix().length > 0 ? template.prefix()[0] : -1; }

    @Override
    public int eos() { return template.suffix().length > 0 ? template.suffix()[template.suffix().length - 1] : -1; }

    @Override
    public int[] encode(String text) {
        return template.apply(encodeBody(text), maxLength);
    }

    /** The ids of {@code text} without template tokens and without truncation. */
    public int[] encodeBody(String text) {
        return encodeBody(text, null);
    }

    @Override
    public int unk() { return unk; }

    @Override
    public List<String> unknownWords(String text) {
        List<String> unknown = new ArrayList<>();
        encodeBody(text, unknown);
        return unknown;
    }

    /** {@link #encodeBody(String)}, adding each word that becomes {@code [UNK]} to {@code unknown} (may be null). */
    private int[] encodeBody(String text, List<String> unknown) {
        Tokenizer.checkLength(text);
        return added.encode(text, (piece, first, ids) -> {
            String s = normalizer == null ? piece : normalizer.normalize(piece);
            for (String word : preTokenize(s)) {
                if (!wordPieces(word, ids) && unknown != null) {
                    unknown.add(word);
                }
            }
        });
    }

    private List<String> preTokenize(String s) {
        return preTokenize(s, bertPreTokenizer);
    }

    /** The words of {@code s}: split on whitespace and, with BertPreTokenizer, punctuation as one-character words. */
    public static List<String> preTokenize(String s, boolean bertPreTokenizer) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        s.codePoints().forEach(cp -> {
            boolean space = bertPreTokenizer ? BertNormalizer.isWhitespace(cp) : Character.isWhitespace(cp);
            if (space || (bertPreTokenizer && BertNormalizer.isPunctuation(cp))) {
                if (!cur.isEmpty()) {
                    words.add(cur.toString());
                    cur.setLength(0);
                }
                if (!space) {
                    words.add(new String(Character.toChars(cp)));
                }
            } else {
                cur.appendCodePoint(cp);
            }
        });
        if (!cur.isEmpty()) {
            words.add(cur.toString());
        }
        return words;
    }

    /** Greedy longest-match-first (BERT tokenization.py WordpieceTokenizer.tokenize); false when it gave [UNK]. */
    private boolean wordPieces(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxInputCharsPerWord) {
            out.add(unk);
            return false;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            Integer found = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                found = vocab.get(start > 0 ? prefix + sub : sub);
                if (found != null) {
                    break;
                }
                end--;
            }
            if (found == null) {
                out.add(unk);
                return false;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
        return true;
    }

    /** Pieces joined with spaces, {@code ##} continuations glued on, template/special tokens dropped. */
    @Override
    public byte[] bytes(int previous, int token) {
        if (special[token]) {
            return new byte[0];
        }
        String t = tokens[token];
        if (t.startsWith(prefix)) {
            return t.substring(prefix.length()).getBytes(StandardCharsets.UTF_8);
        }
        boolean first = previous < 0 || special[previous];
        return (first ? t : " " + t).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String display(int token) {
        return tokens[token];
    }
}
