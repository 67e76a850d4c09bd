package dev.glassbox.engine.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;

/**
 * GPT-2's byte-level BPE (Radford et al. 2019, sec. 2.2; openai/gpt-2 encoder.py): added tokens matched first,
 * the text split by the pre-tokenizer regex, each piece's UTF-8 bytes mapped to printable characters
 * (bytes_to_unicode), then merged by rank. Also serves Qwen2-style tokenizer.json files, which only change
 * the split regex and add special tokens.
 */
public final class ByteLevelBpe implements Tokenizer {
    /** openai/gpt-2 encoder.py's pattern; \s and friends are Unicode-aware as in the regex module. */
    public static final String GPT2_SPLIT =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        // bytes_to_unicode(): printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final String[] tokens;
    private final Map<String, Integer> vocab;
    private final BpeMerges merges;
    private final SplitPattern split;
    private final boolean addPrefixSpace;
    private final boolean ignoreMerges;
    private final AddedTokens added;
    private final Map<Integer, String> addedContent;
    private final Template template;
    private final int eos;
    private final List<String[]> mergeList;
    private final String splitRegex;
    private final Map<String, Integer> addedTokens;

    /**
     * @param tokens       id -> token (byte-level alphabet), with added tokens at their ids
     * @param merges       merge pairs in rank order
     * @param splitRegex   the pre-tokenizer pattern (null: the whole text is one piece)
     * @param addedTokens  content -> id, matched in the raw text before splitting
     */
    public ByteLevelBpe(Path source, String[] tokens, List<String[]> merges, String splitRegex, boolean addPrefixSpace,
                        boolean ignoreMerges, Map<String, Integer> addedTokens, Template template) throws FormatException {
        this(source, tokens, merges, splitRegex, addPrefixSpace, ignoreMerges, addedTokens, template, eosOf(addedTokens));
    }

    /** As above with an explicit end-of-text id (GGUF's tokenizer.ggml.eos_token_id; -1 for none). */
    public ByteLevelBpe(Path source, String[] tokens, List<String[]> merges, String splitRegex, boolean addPrefixSpace,
                        boolean ignoreMerges, Map<String, Integer> addedTokens, Template template, int eos)
            throws FormatException {
        this.tokens = tokens.clone();
        this.vocab = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] != null) {
                vocab.putIfAbsent(tokens[i], i);
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!vocab.containsKey(String.valueOf(BYTE_TO_CHAR[b]))) {
                throw new FormatException(source, "byte-level vocabulary lacks the symbol for byte " + b
                        + " ('" + BYTE_TO_CHAR[b] + "')");
            }
        }
        this.merges = new BpeMerges();
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            if (!this.merges.add(r, m[0], m[1], vocab)) {
                throw new FormatException(source, "merge " + r + " '" + m[0] + " " + m[1]
                        + "' uses a token that is not in the vocabulary");
            }
        }
        this.split = splitRegex == null ? null : SplitPattern.compile(splitRegex, source);
        this.addPrefixSpace = addPrefixSpace;
        this.ignoreMerges = ignoreMerges;
        this.added = new AddedTokens(addedTokens);
        this.addedContent = new HashMap<>();
        addedTokens.forEach((k, v) -> addedContent.put(v, k));
        this.template = template;
        this.eos = eos;
        this.mergeList = List.copyOf(merges);
        this.splitRegex = splitRegex;
        this.addedTokens = Map.copyOf(addedTokens);
    }

    private static int eosOf(Map<String, Integer> added) {
        for (String name : List.of("<|endoftext|>", "</s>", "<|im_end|>", "<|end_of_text|>")) {
            Integer id = added.get(name);
            if (id != null) {
                return id;
            }
        }
        return -1;
    }

    /** Reads GPT-2's original files: encoder.json (token -> id) and vocab.bpe (merges, first line a version). */
    public static ByteLevelBpe readGpt2(Path encoderJson, Path vocabBpe) throws IOException {
        JsonNode enc = ModelFiles.readJson(encoderJson, ModelFiles.MAX_TOKENIZER_BYTES, "encoder.json");
        if (enc == null || !enc.isObject()) {
            throw new FormatException(encoderJson, "expected a JSON object mapping tokens to ids");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        int max = -1;
        for (Map.Entry<String, JsonNode> e : enc.properties()) {
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new FormatException(encoderJson, "token '" + e.getKey() + "' has invalid id " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().asInt());
            max = Math.max(max, e.getValue().asInt());
        }
        if (max >= 1 << 22) {
            throw new FormatException(encoderJson, "implausible token id " + max);
        }
        String[] tokens = new String[max + 1];
        vocab.forEach((k, v) -> tokens[v] = k);
        List<String[]> merges = new ArrayList<>();
        List<String> lines = ModelFiles.readUtf8(vocabBpe, ModelFiles.MAX_TOKENIZER_BYTES, "vocab.bpe").lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new FormatException(vocabBpe, "line " + (i + 1) + " is not a merge 'a b'");
            }
            merges.add(parts);
        }
        Map<String, Integer> added = new HashMap<>();
        if (vocab.containsKey("<|endoftext|>")) {
            added.put("<|endoftext|>", vocab.get("<|endoftext|>"));
        }
        return new ByteLevelBpe(vocabBpe, tokens, merges, GPT2_SPLIT, false, false, added, Template.NONE);
    }

    @Override
    public int vocabSize() { return tokens.length; }

    @Override
    public int bos() { return template.prefix().length > 0 ? template.prefix()[0] : -1; }

    @Override
    public int eos() { return eos; }

    public String token(int id) { return tokens[id]; }

    /** Merge pairs in rank order (for exporters). */
    public List<String[]> merges() { return mergeList; }

    /** The pre-tokenizer pattern, or null when the whole text is one piece. */
    public String splitRegex() { return splitRegex; }

    /** Added (special) tokens: content -> id. */
    public Map<String, Integer> addedTokens() { return addedTokens; }

    public Template template() { return template; }

    @Override
    public int[] encode(String text) {
        Tokenizer.checkLength(text);
        int[] ids = added.encode(text, (s, first, out) -> encodePiece(addPrefixSpace && first && !s.startsWith(" ") ? " " + s : s, out));
        return template.apply(ids, 0);
    }

    private void encodePiece(String text, List<Integer> out) {
        if (split == null) {
            word(text, out);
            return;
        }
        SplitPattern.Matches m = split.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                word(text.substring(last, m.start()), out); // text the pattern skipped stays a piece (Isolated split)
            }
            if (m.end() > m.start()) {
                word(text.substring(m.start(), m.end()), out);
            }
            last = m.end();
        }
        if (last < text.length()) {
            word(text.substring(last), out);
        }
    }

    private void word(String piece, List<Integer> out) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        StringBuilder mapped = new StringBuilder(utf8.length);
        int[] symbols = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            char c = BYTE_TO_CHAR[utf8[i] & 0xFF];
            mapped.append(c);
            symbols[i] = vocab.get(String.valueOf(c));
        }
        String key = mapped.toString();
        if (ignoreMerges) {
            Integer whole = vocab.get(key);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        for (int id : merges.apply(key, symbols)) {
            out.add(id);
        }
    }

    @Override
    public byte[] bytes(int previous, int token) {
        String c = addedContent.get(token);
        if (c != null) {
            return c.getBytes(StandardCharsets.UTF_8);
        }
        String t = tokens[token];
        if (t == null) {
            return new byte[0];
        }
        byte[] out = new byte[t.length()];
        int n = 0;
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            int b = ch < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[ch] : -1;
            if (b >= 0) {
                out[n++] = (byte) b;
            }
        }
        byte[] r = java.util.Arrays.copyOf(out, n);
        if (addPrefixSpace && previous < 0 && r.length > 0 && r[0] == ' ') {
            return java.util.Arrays.copyOfRange(r, 1, r.length);
        }
        return r;
    }

    @Override
    public String display(int token) {
        String c = addedContent.get(token);
        if (c != null) {
            return c;
        }
        String s = new String(bytes(0, token), StandardCharsets.UTF_8);
        return s.replace(' ', '\u2423').replace("\n", "\u21b5");
    }
}
