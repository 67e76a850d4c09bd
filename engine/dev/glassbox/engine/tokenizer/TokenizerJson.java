package dev.glassbox.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;

/**
 * Loads a Hugging Face tokenizer.json, dispatching on {@code model.type} and the pre-tokenizer:
 * WordPiece (BERT), byte-level BPE (GPT-2, Qwen2), sentencepiece-style BPE (Metaspace, byte fallback) and plain
 * character BPE (no pre-tokenizer). Anything else is a FormatException naming what is unsupported.
 */
public final class TokenizerJson {
    private static final int MAX_VOCAB = 1 << 22;
    /** BERT's default is 100; longer words become [UNK] anyway. */
    private static final int MAX_WORDPIECE_WORD = 1000;

    private TokenizerJson() {
    }

    public static Tokenizer load(Path file) throws IOException {
        return parse(ModelFiles.read(file, ModelFiles.MAX_TOKENIZER_BYTES, "tokenizer"), file);
    }

    /** Parses tokenizer.json content; {@code source} names it in error messages. */
    public static Tokenizer parse(byte[] json, Path source) throws FormatException {
        JsonNode root = ModelFiles.parseJson(json, source);
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new FormatException(source, "not a tokenizer.json: no \"model\" object");
        }
        JsonNode model = root.get("model");
        String type = model.path("type").asText("");
        JsonNode pre = root.path("pre_tokenizer");
        Map<String, Integer> vocab = vocab(source, model);
        Map<String, Integer> added = added(source, root);
        String[] tokens = tokens(source, vocab, added);
        Template template = template(source, root.path("post_processor"), vocab, added);
        if (type.isEmpty() && model.has("continuing_subword_prefix") && model.has("max_input_chars_per_word")) {
            type = "WordPiece";
        }
        return switch (type) {
            case "WordPiece" -> wordPiece(source, root, model, pre, vocab, added, tokens, template);
            case "BPE" -> bpe(source, root, model, pre, vocab, added, tokens, template);
            case "" -> throw new FormatException(source, "model has no \"type\"");
            default -> throw new FormatException(source, "unsupported tokenizer model type '" + type
                    + "' (supported: WordPiece, BPE)");
        };
    }

    private static Tokenizer wordPiece(Path source, JsonNode root, JsonNode model, JsonNode pre, Map<String, Integer> vocab,
                                       Map<String, Integer> added, String[] tokens, Template template) throws FormatException {
        String unkToken = model.path("unk_token").asText("[UNK]");
        Integer unk = vocab.containsKey(unkToken) ? vocab.get(unkToken) : added.get(unkToken);
        if (unk == null) {
            throw new FormatException(source, "WordPiece unk_token '" + unkToken + "' is not in the vocabulary");
        }
        JsonNode norm = root.path("normalizer");
        BertNormalizer normalizer = null;
        if (norm.isObject()) {
            String nt = norm.path("type").asText();
            if (!nt.equals("BertNormalizer")) {
                throw new FormatException(source, "unsupported normalizer '" + nt + "' for WordPiece (supported: BertNormalizer)");
            }
            boolean lower = norm.path("lowercase").asBoolean(true);
            JsonNode strip = norm.path("strip_accents");
            normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true),
                    norm.path("handle_chinese_chars").asBoolean(true),
                    strip.isBoolean() ? strip.asBoolean() : lower, lower);
        }
        boolean bertPre = false;
        if (pre.isObject()) {
            String pt = pre.path("type").asText();
            if (pt.equals("BertPreTokenizer")) {
                bertPre = true;
            } else if (!pt.equals("WhitespaceSplit")) {
                throw new FormatException(source, "unsupported pre_tokenizer '" + pt + "' for WordPiece");
            }
        }
        // HF truncation counts the template's tokens; without a truncation entry, BERT's 512 learned positions bound it
        int maxLength = root.path("truncation").isObject() ? root.path("truncation").path("max_length").asInt(512) : 512;
        int maxWord = model.path("max_input_chars_per_word").asInt(100);
        if (maxWord < 1 || maxWord > MAX_WORDPIECE_WORD) { // longest-match-first is cubic in the word length
            throw new FormatException(source, "max_input_chars_per_word " + maxWord + " is outside 1.." + MAX_WORDPIECE_WORD);
        }
        int[] specials = added.values().stream().mapToInt(Integer::intValue).toArray();
        return new WordPiece(tokens, unk, model.path("continuing_subword_prefix").asText("##"),
                maxWord, normalizer, bertPre, new AddedTokens(added),
                template, maxLength, specials);
    }

    private static Tokenizer bpe(Path source, JsonNode root, JsonNode model, JsonNode pre, Map<String, Integer> vocab,
                                 Map<String, Integer> added, String[] tokens, Template template) throws FormatException {
        if (!model.path("continuing_subword_prefix").asText("").isEmpty()
                || !model.path("end_of_word_suffix").asText("").isEmpty()) {
            throw new FormatException(source, "BPE with continuing_subword_prefix/end_of_word_suffix is not supported");
        }
        List<String[]> merges = merges(source, model.path("merges"));
        JsonNode norm = root.path("normalizer");
        // byte-level: a ByteLevel pre-tokenizer, alone or after a Split carrying the regex (Qwen2, Llama 3)
        JsonNode byteLevel = null;
        String splitRegex = null;
        if (pre.isObject()) {
            List<JsonNode> steps = new ArrayList<>();
            if (pre.path("type").asText().equals("Sequence")) {
                pre.path("pretokenizers").forEach(steps::add);
            } else {
                steps.add(pre);
            }
            for (JsonNode s : steps) {
                switch (s.path("type").asText()) {
                    case "ByteLevel" -> {
                        byteLevel = s;
                        if (s.path("use_regex").asBoolean(true)) {
                            splitRegex = ByteLevelBpe.GPT2_SPLIT;
                        }
                    }
                    case "Split" -> {
                        String re = s.path("pattern").path("Regex").asText(null);
                        if (re == null) {
                            throw new FormatException(source, "Split pre-tokenizer without a Regex pattern is not supported");
                        }
                        splitRegex = re;
                    }
                    case "Metaspace" -> {
                        if (norm.isObject()) {
                            throw new FormatException(source, "Metaspace pre-tokenizer with a normalizer ('"
                                    + norm.path("type").asText() + "') is not supported");
                        }
                        return metaspaceBpe(source, model, s, merges, vocab, added, tokens, template);
                    }
                    default -> throw new FormatException(source, "unsupported pre_tokenizer step '"
                            + s.path("type").asText() + "' for BPE");
                }
            }
        }
        if (byteLevel != null) {
            if (norm.isObject() && !norm.path("type").asText().equals("NFC")) {
                throw new FormatException(source, "unsupported normalizer '" + norm.path("type").asText()
                        + "' with a byte-level BPE");
            }
            return new ByteLevelBpe(source, tokens, merges, splitRegex, byteLevel.path("add_prefix_space").asBoolean(false),
                    model.path("ignore_merges").asBoolean(false), added, template);
        }
        boolean metaspace = false;
        if (norm.isObject()) {
            metaspace = isSentencePieceNormalizer(norm);
            if (!metaspace) {
                throw new FormatException(source, "unsupported normalizer '" + norm.path("type").asText() + "' for BPE");
            }
        }
        return new CharBpe(source, tokens, merges, unk(source, model, vocab), model.path("fuse_unk").asBoolean(false),
                model.path("byte_fallback").asBoolean(false),
                metaspace ? CharBpe.Prepend.NORMALIZER : CharBpe.Prepend.NONE, false, added, template);
    }

    private static Tokenizer metaspaceBpe(Path source, JsonNode model, JsonNode meta, List<String[]> merges,
                                          Map<String, Integer> vocab, Map<String, Integer> added, String[] tokens,
                                          Template template) throws FormatException {
        if (!meta.path("replacement").asText(CharBpe.METASPACE).equals(CharBpe.METASPACE)) {
            throw new FormatException(source, "Metaspace with a replacement other than U+2581 is not supported");
        }
        String scheme = meta.path("prepend_scheme").asText(meta.path("add_prefix_space").asBoolean(true) ? "always" : "never");
        if (scheme.equals("never")) {
            throw new FormatException(source, "Metaspace prepend_scheme 'never' is not supported");
        }
        return new CharBpe(source, tokens, merges, unk(source, model, vocab), model.path("fuse_unk").asBoolean(false),
                model.path("byte_fallback").asBoolean(false),
                scheme.equals("first") ? CharBpe.Prepend.FIRST : CharBpe.Prepend.ALWAYS, meta.path("split").asBoolean(true),
                added, template);
    }

    /** Llama-style normalizer: Sequence [Prepend "▁", Replace " " -> "▁"]. */
    private static boolean isSentencePieceNormalizer(JsonNode norm) {
        if (!norm.path("type").asText().equals("Sequence")) {
            return false;
        }
        boolean prepend = false;
        boolean replace = false;
        for (JsonNode n : norm.path("normalizers")) {
            switch (n.path("type").asText()) {
                case "Prepend" -> prepend = n.path("prepend").asText().equals(CharBpe.METASPACE);
                case "Replace" -> replace = n.path("pattern").path("String").asText().equals(" ")
                        && n.path("content").asText().equals(CharBpe.METASPACE);
                default -> {
                    return false;
                }
            }
        }
        return prepend && replace;
    }

    private static int unk(Path source, JsonNode model, Map<String, Integer> vocab) throws FormatException {
        JsonNode u = model.path("unk_token");
        if (!u.isTextual()) {
            return -1;
        }
        Integer id = vocab.get(u.asText());
        if (id == null) {
            throw new FormatException(source, "unk_token '" + u.asText() + "' is not in the vocabulary");
        }
        return id;
    }

    private static Map<String, Integer> vocab(Path source, JsonNode model) throws FormatException {
        JsonNode v = model.path("vocab");
        if (!v.isObject()) {
            throw new FormatException(source, "model.vocab is missing or not an object of token -> id");
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            int id = e.getValue().asInt(-1);
            if (!e.getValue().canConvertToInt() || id < 0 || id >= MAX_VOCAB) {
                throw new FormatException(source, "vocab token '" + e.getKey() + "' has invalid id " + e.getValue());
            }
            m.put(e.getKey(), id);
        }
        if (m.isEmpty()) {
            throw new FormatException(source, "model.vocab is empty");
        }
        return m;
    }

    private static Map<String, Integer> added(Path source, JsonNode root) throws FormatException {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            String content = a.path("content").asText(null);
            if (content == null || id < 0 || id >= MAX_VOCAB) {
                throw new FormatException(source, "added_tokens entry " + a + " lacks a valid id or content");
            }
            m.put(content, id);
        }
        return m;
    }

    private static String[] tokens(Path source, Map<String, Integer> vocab, Map<String, Integer> added) {
        int max = -1;
        for (int id : vocab.values()) max = Math.max(max, id);
        for (int id : added.values()) max = Math.max(max, id);
        String[] t = new String[max + 1];
        vocab.forEach((k, v) -> t[v] = k);
        added.forEach((k, v) -> {
            if (t[v] == null) {
                t[v] = k;
            }
        });
        return t;
    }

    private static List<String[]> merges(Path source, JsonNode node) throws FormatException {
        List<String[]> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new FormatException(source, "model.merges is not an array");
        }
        for (JsonNode m : node) {
            if (m.isTextual()) {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) {
                    throw new FormatException(source, "merge '" + s + "' is not 'a b'");
                }
                out.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            } else if (m.isArray() && m.size() == 2) {
                out.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                throw new FormatException(source, "merge " + m + " is neither 'a b' nor [a, b]");
            }
        }
        return out;
    }

    private static Template template(Path source, JsonNode pp, Map<String, Integer> vocab, Map<String, Integer> added)
            throws FormatException {
        if (!pp.isObject()) {
            return Template.NONE;
        }
        String type = pp.path("type").asText();
        switch (type) {
            case "ByteLevel":
                return Template.NONE;
            case "BertProcessing":
            case "RobertaProcessing":
                return new Template(new int[] {pp.path("cls").get(1).asInt()}, new int[] {pp.path("sep").get(1).asInt()});
            case "TemplateProcessing": {
                List<Integer> prefix = new ArrayList<>();
                List<Integer> suffix = new ArrayList<>();
                boolean seen = false;
                for (JsonNode piece : pp.path("single")) {
                    if (piece.has("Sequence")) {
                        seen = true;
                        continue;
                    }
                    String name = piece.path("SpecialToken").path("id").asText(null);
                    if (name == null) {
                        throw new FormatException(source, "unsupported post_processor template piece " + piece);
                    }
                    JsonNode ids = pp.path("special_tokens").path(name).path("ids");
                    List<Integer> target = seen ? suffix : prefix;
                    if (ids.isArray() && !ids.isEmpty()) {
                        ids.forEach(i -> target.add(i.asInt()));
                    } else {
                        Integer id = added.containsKey(name) ? added.get(name) : vocab.get(name);
                        if (id == null) {
                            throw new FormatException(source, "post_processor special token '" + name + "' has no id");
                        }
                        target.add(id);
                    }
                }
                return new Template(prefix.stream().mapToInt(Integer::intValue).toArray(),
                        suffix.stream().mapToInt(Integer::intValue).toArray());
            }
            case "Sequence": {
                Template t = Template.NONE;
                for (JsonNode p : pp.path("processors")) {
                    Template next = template(source, p, vocab, added);
                    if (next.added() > 0) {
                        t = next;
                    }
                }
                return t;
            }
            default:
                throw new FormatException(source, "unsupported post_processor '" + type + "'");
        }
    }

}
