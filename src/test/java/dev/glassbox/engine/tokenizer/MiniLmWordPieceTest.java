package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.onnx.BundledEncoder;

/** The WordPiece tokenizer.json bundled with all-MiniLM-L6-v2, against HF tokenizers. */
class MiniLmWordPieceTest {
    private static BundledWordPiece tokenizers;
    private static WordPiece ours;
    private static HuggingFaceTokenizer hfFull;

    @BeforeAll
    static void load() throws Exception {
        tokenizers = BundledWordPiece.load(BundledEncoder.MINILM, 128);
        ours = tokenizers.ours();
        hfFull = tokenizers.hfFull();
    }

    @Test
    void readsTheBertLayout() {
        assertInstanceOf(WordPiece.class, ours);
        assertEquals(30522, ours.vocabSize());
        assertEquals(101, ours.bos());
        assertEquals(102, ours.eos());
        assertEquals(128, ours.maxLength());
    }

    @Test
    void matchesHuggingFaceOnVariedText() {
        TokenizerCorpus.STRINGS.forEach(tokenizers::assertMatchesHuggingFace);
    }

    @Test
    void specialTokensInTextAreMatchedFirst() {
        String s = "hello [SEP] world [MASK]!";
        assertArrayEquals(HfReference.ids(hfFull, s), ours.encode(s));
    }

    @Test
    void overlongWordBecomesUnk() {
        String word = "a".repeat(101);
        assertArrayEquals(new int[] {101, 100, 102}, ours.encode(word));
        assertArrayEquals(HfReference.ids(hfFull, word), ours.encode(word));
    }

    @Test
    void longInputIsTruncatedLikeHuggingFace() {
        String longText = String.join(" ", TokenizerCorpus.STRINGS).repeat(3);
        int[] full = HfReference.ids(hfFull, longText);
        assertTrue(full.length > 300, "input must exceed the window: " + full.length);
        int[] expected = HfReference.ids(tokenizers.hfTruncating(), longText);
        assertEquals(128, expected.length);
        assertArrayEquals(expected, ours.encode(longText));
    }

    @Test
    void decodeReEncodesToTheSameIds() {
        for (String s : TokenizerCorpus.STRINGS) {
            int[] ids = ours.encode(s);
            if (Arrays.stream(ids).anyMatch(i -> i == 100)) {
                continue; // [UNK] loses the text
            }
            String text = ours.decode(ids);
            assertArrayEquals(ids, ours.encode(text), "'" + s + "' decoded to '" + text + "'");
        }
    }
}
