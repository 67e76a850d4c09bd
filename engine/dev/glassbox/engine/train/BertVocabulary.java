package dev.glassbox.engine.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.tokenizer.TokenizerJson;
import dev.glassbox.engine.tokenizer.WordPiece;

/**
 * A WordPiece vocabulary learned from a text for a trained encoder: BERT's special tokens [PAD] [UNK] [CLS] [SEP] [MASK]
 * (ids 0-4), every character as a word start and as a ## continuation (so no word is unknown), then the most frequent
 * whole words. Text is tokenised by the engine's own {@link WordPiece}, built from the tokenizer.json this vocabulary
 * writes, so training and a loaded checkpoint split text identically. Special tokens added later (a knowledge base's
 * [KB] [/KB], say) get the next ids, leaving every earlier id unchanged.
 */
public final class BertVocabulary {
    public static final String PAD = "[PAD]", UNK = "[UNK]", CLS = "[CLS]", SEP = "[SEP]", MASK = "[MASK]";
    private static final List<String> BASE_SPECIALS = List.of(PAD, UNK, CLS, SEP, MASK);
    private static final String CONTINUATION = "##";

    private final List<String> tokens;
    private final List<String> specials;
    private final Map<String, Integer> ids = new HashMap<>();
    private final WordPiece wordPiece;

    private BertVocabulary(List<String> tokens, List<String> specials) {
        this.tokens = List.copyOf(tokens);
        this.specials = List.copyOf(specials);
        for (int i = 0; i < this.tokens.size(); i++) {
            if (ids.putIfAbsent(this.tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + this.tokens.get(i) + "' appears twice in the vocabulary");
            }
        }
        try {
            byte[] json = Json.PRETTY.writeValueAsBytes(tokenizerJson());
            wordPiece = (WordPiece) TokenizerJson.parse(json, Path.of("tokenizer.json"));
        } catch (FormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the built vocabulary does not make a valid tokenizer.json", e);
        }
    }

    /** Specials, every non-space character (plain and ##), then up to {@code maxWords} words seen at least twice. */
    public static BertVocabulary of(String text, int maxWords) {
        if (maxWords < 0) throw new IllegalArgumentException("maxWords must be >= 0, got " + maxWords);
        Map<String, Integer> counts = new HashMap<>();
        TreeSet<String> chars = new TreeSet<>();
        for (String w : WordPiece.preTokenize(text, true)) {
            counts.merge(w, 1, Integer::sum);
            w.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        }
        List<String> t = new ArrayList<>(BASE_SPECIALS);
        for (String c : chars) t.add(c);
        for (String c : chars) t.add(CONTINUATION + c);
        TreeMap<Integer, TreeSet<String>> byCount = new TreeMap<>(java.util.Comparator.reverseOrder());
        counts.forEach((w, c) -> {
            if (c >= 2 && w.codePointCount(0, w.length()) > 1) byCount.computeIfAbsent(c, k -> new TreeSet<>()).add(w);
        });
        int added = 0;
        for (TreeSet<String> words : byCount.values()) {
            for (String w : words) {
                if (added++ >= maxWords) break;
                t.add(w);
            }
        }
        return new BertVocabulary(t, BASE_SPECIALS);
    }

    /** The vocabulary with {@code names} appended as special tokens (kept whole in text, never masked or drawn at random). */
    public BertVocabulary withSpecialTokens(String... names) {
        List<String> t = new ArrayList<>(tokens);
        List<String> s = new ArrayList<>(specials);
        for (String n : names) {
            if (n.isBlank() || ids.containsKey(n) || s.contains(n)) {
                throw new IllegalArgumentException("special token '" + n + "' is blank or already in the vocabulary");
            }
            t.add(n);
            s.add(n);
        }
        return new BertVocabulary(t, s);
    }

    public int size() { return tokens.size(); }

    public List<String> tokens() { return tokens; }

    /** The id of {@code token}, or -1. */
    public int id(String token) { return ids.getOrDefault(token, -1); }

    public int pad() { return 0; }

    public int unk() { return 1; }

    public int cls() { return 2; }

    public int sep() { return 3; }

    public int mask() { return 4; }

    public boolean isSpecial(int id) { return specials.contains(tokens.get(id)); }

    /** The engine tokenizer of this vocabulary (what a saved checkpoint loads). */
    public WordPiece tokenizer() { return wordPiece; }

    /** The ids of {@code text}, without [CLS]/[SEP]. */
    public int[] encode(String text) { return wordPiece.encodeBody(text); }

    public String token(int id) { return tokens.get(id); }

    /**
     * A Hugging Face tokenizer.json: WordPiece without normaliser (case kept), BertPreTokenizer, the specials as added
     * tokens and BertProcessing's [CLS] ... [SEP] template.
     */
    public Map<String, Object> tokenizerJson() {
        List<Object> added = new ArrayList<>();
        for (String s : specials) {
            added.add(Checkpoint.specialToken(ids.get(s), s));
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) vocab.put(tokens.get(i), i);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordPiece");
        model.put("unk_token", UNK);
        model.put("continuing_subword_prefix", CONTINUATION);
        model.put("max_input_chars_per_word", 100);
        model.put("vocab", vocab);
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "BertProcessing");
        post.put("sep", List.of(SEP, sep()));
        post.put("cls", List.of(CLS, cls()));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", Map.of("type", "BertPreTokenizer"));
        root.put("post_processor", post);
        root.put("decoder", Json.fields("type", "WordPiece", "prefix", CONTINUATION, "cleanup", true));
        root.put("model", model);
        return root;
    }
}
