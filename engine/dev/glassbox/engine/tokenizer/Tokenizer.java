package dev.glassbox.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Text to token ids and back, with the model family's conventions (BOS, dummy prefix, [CLS]/[SEP]). */
public interface Tokenizer {
    /**
     * Longest text {@link #encode} accepts, in UTF-16 chars: 2^20 (a 1 MB text, about 250k tokens, more than the
     * longest context a model here reads). Checked before any work so a huge prompt fails at once.
     */
    int MAX_TEXT_CHARS = 1 << 20;

    /** Fails with a message naming the limit when {@code text} is longer than {@link #MAX_TEXT_CHARS}. */
    static void checkLength(String text) {
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("the text is " + text.length() + " characters long, over the tokenizer"
                    + " limit of " + MAX_TEXT_CHARS + " characters; shorten it");
        }
    }

    int vocabSize();

    /**
     * Encodes {@code text} the way the model expects its input (special tokens included); an
     * IllegalArgumentException when it is longer than {@link #MAX_TEXT_CHARS}.
     */
    int[] encode(String text);

    /** The raw bytes token {@code token} adds to the text when it follows {@code previous} (-1 at start). */
    byte[] bytes(int previous, int token);

    /** A short human-readable form of one token for labels and chips (whitespace made visible). */
    String display(int token);

    /** Beginning-of-sequence id, or -1. */
    int bos();

    /** End-of-sequence id, or -1. */
    int eos();

    /** The unknown token's id, or -1 when this tokenizer represents every text (byte-level or byte fallback). */
    default int unk() { return -1; }

    /**
     * The pieces of {@code text} (whole pre-tokenized words, after normalisation) that this tokenizer maps to
     * {@link #unk()}, in order, repeats included; empty when it has no unknown token.
     */
    default List<String> unknownWords(String text) { return List.of(); }

    /** Decodes ids to text, joining bytes first so multi-byte characters split over tokens survive. */
    default String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int id : ids) {
            out.writeBytes(bytes(prev, id));
            prev = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
