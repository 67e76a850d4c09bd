package dev.glassbox.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.io.FormatException;

/**
 * BPE over characters as HF tokenizers' BPE model runs it with no byte-level pre-tokenizer: the (normalised)
 * text is one word whose code points are looked up in the vocabulary, then merged by rank. Unknown characters
 * become {@code <0xNN>} byte tokens (byte_fallback), the unk token, or are dropped. With {@code metaspace}
 * set it is the sentencepiece-style layout: spaces become "▁" and one "▁" is prepended (Metaspace /
 * Prepend+Replace normalizer), and the decoder turns "▁" back into spaces.
 */
public final class CharBpe implements Tokenizer {
    static final String METASPACE = "\u2581";

    private final String[] tokens;
    private final Map<String, Integer> vocab;
    private final BpeMerges merges;
    private final int unk;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final Prepend prepend;
    private final boolean metaspace;
    private final boolean splitOnMetaspace;
    private final AddedTokens added;
    private final Map<Integer, String> addedContent = new HashMap<>();
    private final Template template;
    private final int[] byteIds = new int[256];

    /** Where a "▁" is put in front of a text piece (the pieces are the text between added tokens). */
    public enum Prepend {
        /** plain BPE: spaces stay spaces */
        NONE,
        /** Llama's normalizer Sequence [Prepend "▁", Replace " " -> "▁"]: every piece, unconditionally */
        NORMALIZER,
        /** Metaspace pre-tokenizer, prepend_scheme "always": every piece not already starting with "▁" */
        ALWAYS,
        /** Metaspace pre-tokenizer, prepend_scheme "first": only the piece at the start of the text */
        FIRST
    }

    public CharBpe(Path source, String[] tokens, List<String[]> merges, int unk, boolean fuseUnk, boolean byteFallback,
                   Prepend prepend, boolean splitOnMetaspace, Map<String, Integer> addedTokens, Template template)
            throws FormatException {
        this.tokens = tokens.clone();
        this.vocab = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] != null) {
                vocab.putIfAbsent(tokens[i], i);
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
        this.unk = unk;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.prepend = prepend;
        this.metaspace = prepend != Prepend.NONE;
        this.splitOnMetaspace = splitOnMetaspace;
        this.added = new AddedTokens(addedTokens);
        addedTokens.forEach((k, v) -> addedContent.put(v, k));
        this.template = template;
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.format("<0x%02X>", b));
            byteIds[b] = id == null ? -1 : id;
            if (byteFallback && id == null) {
                throw new FormatException(source, "byte_fallback is on but the vocabulary lacks <0x"
                        + String.format("%02X", b) + ">");
            }
        }
    }

    @Override
    public int vocabSize() { return tokens.length; }

    @Override
    public int bos() { return template.prefix().length > 0 ? template.prefix()[0] : -1; }

    @Override
    public int eos() {
        for (String name : List.of("</s>", "<|endoftext|>", "<eos>")) {
            Integer id = vocab.get(name);
            if (id != null) {
                return id;
            }
        }
        return -1;
    }

    @Override
    public int[] encode(String text) {
        Tokenizer.checkLength(text);
        return template.apply(added.encode(text, this::encodeText), 0);
    }

    /** Text between added tokens: spaces to the metaspace (prepended as configured), then BPE word by word. */
    private void encodeText(String text, boolean first, List<Integer> ids) {
        String s = text;
        if (metaspace) {
            s = s.replace(" ", METASPACE);
            boolean add = switch (prepend) {
                case NORMALIZER -> true;
                case ALWAYS -> !s.startsWith(METASPACE);
                case FIRST -> first && !s.startsWith(METASPACE);
                case NONE -> false;
            };
            if (add) {
                s = METASPACE + s;
            }
        }
        if (splitOnMetaspace) {
            int start = 0;
            for (int i = 1; i < s.length(); i++) {
                if (s.startsWith(METASPACE, i)) {
                    word(s.substring(start, i), ids);
                    start = i;
                }
            }
            word(s.substring(start), ids);
        } else {
            word(s, ids);
        }
    }

    /** The unk token, when it is used: without byte fallback every character is represented. */
    @Override
    public int unk() { return byteFallback ? -1 : unk; }

    /** The characters (other than whitespace) outside the vocabulary, each a word of its own here. */
    @Override
    public List<String> unknownWords(String text) {
        List<String> out = new ArrayList<>();
        if (unk() < 0) {
            return out;
        }
        for (AddedTokens.Piece p : added.split(text)) {
            if (!p.isToken()) {
                p.text().codePoints().filter(cp -> !BertNormalizer.isWhitespace(cp))
                        .mapToObj(Character::toString).filter(ch -> !vocab.containsKey(ch)).forEach(out::add);
            }
        }
        return out;
    }

    private void word(String w, List<Integer> out) {
        if (w.isEmpty()) {
            return;
        }
        List<Integer> symbols = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        w.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            Integer id = vocab.get(ch);
            if (id != null) {
                symbols.add(id);
            } else if (byteFallback) {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(-2 - byteIds[b & 0xFF]); // marked: byte tokens never merge
                }
            } else if (unk >= 0) {
                if (!(fuseUnk && !symbols.isEmpty() && symbols.getLast() == -2 - unk)) {
                    symbols.add(-2 - unk);
                }
            }
        });
        // merge each run of mergeable symbols; byte/unk tokens (negative marks) split runs
        for (int s : symbols) {
            if (s >= 0) {
                run.add(s);
            } else {
                flush(run, out);
                out.add(-2 - s);
            }
        }
        flush(run, out);
    }

    private void flush(List<Integer> run, List<Integer> out) {
        if (run.isEmpty()) {
            return;
        }
        for (int id : merges.merge(run.stream().mapToInt(Integer::intValue).toArray())) {
            out.add(id);
        }
        run.clear();
    }

    @Override
    public byte[] bytes(int previous, int token) {
        if (template.contains(token)) {
            return new byte[0];
        }
        String c = addedContent.get(token);
        if (c != null) {
            return c.getBytes(StandardCharsets.UTF_8);
        }
        String t = tokens[token];
        if (t == null) {
            return new byte[0];
        }
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(t.substring(3, 5), 16)};
            } catch (NumberFormatException ignored) {
                // an ordinary token that merely looks like a byte token
            }
        }
        if (metaspace) {
            t = t.replace(METASPACE, " ");
            boolean first = previous < 0 || template.contains(previous);
            if (first && t.startsWith(" ")) {
                t = t.substring(1);
            }
        }
        return t.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String display(int token) {
        String t = tokens[token] == null ? "" : tokens[token];
        return t.replace(METASPACE, "\u2423").replace(' ', '\u2423').replace("\n", "\u21b5");
    }
}
