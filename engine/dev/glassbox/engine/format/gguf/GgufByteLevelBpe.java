package dev.glassbox.engine.format.gguf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.tokenizer.ByteLevelBpe;
import dev.glassbox.engine.tokenizer.Template;

/**
 * GGUF's {@code tokenizer.ggml.model = "gpt2"} (byte-level BPE) in both directions, with llama.cpp's keys
 * (gguf-py constants.py Keys.Tokenizer): tokens in the byte-level alphabet, merges as "a b" strings in rank order,
 * token_type CONTROL/USER_DEFINED marking added tokens, and {@code tokenizer.ggml.pre} naming the split regex.
 */
final class GgufByteLevelBpe {
    // llama.cpp llama_token_type
    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;

    /** Qwen2's pre-tokenizer regex (its tokenizer.json Split pattern; llama.cpp pre name "qwen2"). */
    static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private GgufByteLevelBpe() {
    }

    /** The split regex for a llama.cpp pre-tokenizer name, or null when this engine does not know it. */
    static String splitFor(String pre) {
        return switch (pre) {
            case "default", "gpt-2", "gpt2" -> ByteLevelBpe.GPT2_SPLIT;
            case "qwen2" -> QWEN2_SPLIT;
            default -> null;
        };
    }

    static ByteLevelBpe read(GgufFile g, String[] tokens) throws FormatException {
        String pre = g.get("tokenizer.ggml.pre").isPresent() ? g.string("tokenizer.ggml.pre") : "default";
        String split = splitFor(pre);
        if (split == null) {
            throw new FormatException(g.path(), "tokenizer.ggml.pre '" + pre
                    + "' is not supported (supported: gpt-2, default, qwen2)");
        }
        GgufValue m = g.get("tokenizer.ggml.merges").orElseThrow(
                () -> new FormatException(g.path(), "missing metadata key 'tokenizer.ggml.merges' (needed by a gpt2 tokenizer)"));
        if (!(m.value() instanceof String[] lines)) {
            throw new FormatException(g.path(), "tokenizer.ggml.merges should be an array of strings, got " + m);
        }
        List<String[]> merges = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            int sp = lines[i].indexOf(' ', 1); // a merge half never starts with ' ' (spaces are U+0120 here)
            if (sp < 0 || sp == lines[i].length() - 1) {
                throw new FormatException(g.path(), "tokenizer.ggml.merges[" + i + "] is not 'a b': '" + lines[i] + "'");
            }
            merges.add(new String[] {lines[i].substring(0, sp), lines[i].substring(sp + 1)});
        }
        int vocab = tokens.length;
        Map<String, Integer> added = new HashMap<>();
        GgufValue types = g.get("tokenizer.ggml.token_type").orElse(null);
        if (types != null) {
            if (!(types.value() instanceof long[] t) || t.length != vocab) {
                throw new FormatException(g.path(), "tokenizer.ggml.token_type should hold " + vocab + " integers, got " + types);
            }
            for (int i = 0; i < vocab; i++) {
                if (t[i] == CONTROL || t[i] == USER_DEFINED) {
                    added.putIfAbsent(tokens[i], i);
                }
            }
        }
        int bos = g.integer("tokenizer.ggml.bos_token_id", 0, vocab - 1, -1);
        int eos = g.integer("tokenizer.ggml.eos_token_id", 0, vocab - 1, -1);
        boolean addBos = g.get("tokenizer.ggml.add_bos_token").map(v -> Boolean.TRUE.equals(v.value())).orElse(false);
        if (addBos && bos < 0) {
            throw new FormatException(g.path(), "tokenizer.ggml.add_bos_token is true but tokenizer.ggml.bos_token_id is missing");
        }
        Template template = addBos ? new Template(new int[] {bos}, new int[0]) : Template.NONE;
        return new ByteLevelBpe(g.path(), tokens, merges, split, false, false, added, template, eos);
    }

    static void put(Map<String, GgufValue> kv, ByteLevelBpe t) {
        String pre;
        if (ByteLevelBpe.GPT2_SPLIT.equals(t.splitRegex())) {
            pre = "gpt-2";
        } else if (QWEN2_SPLIT.equals(t.splitRegex())) {
            pre = "qwen2";
        } else {
            throw new IllegalArgumentException("the tokenizer's split regex has no llama.cpp pre-tokenizer name: " + t.splitRegex());
        }
        int n = t.vocabSize();
        String[] tokens = new String[n];
        long[] types = new long[n];
        for (int i = 0; i < n; i++) {
            String s = t.token(i);
            tokens[i] = s == null ? "[PAD" + i + "]" : s; // llama.cpp's converter fills holes the same way
            types[i] = t.addedTokens().containsKey(s) && t.addedTokens().get(s) == i ? CONTROL : NORMAL;
        }
        String[] merges = t.merges().stream().map(p -> p[0] + " " + p[1]).toArray(String[]::new);
        kv.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.string(pre));
        kv.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        kv.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        kv.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, merges));
        int[] prefix = t.template().prefix();
        if (prefix.length > 0) {
            kv.put("tokenizer.ggml.bos_token_id", GgufValue.u32(prefix[0]));
        }
        if (t.eos() >= 0) {
            kv.put("tokenizer.ggml.eos_token_id", GgufValue.u32(t.eos()));
        }
        kv.put("tokenizer.ggml.add_bos_token", GgufValue.of(GgufValueType.BOOL, prefix.length > 0));
    }
}
