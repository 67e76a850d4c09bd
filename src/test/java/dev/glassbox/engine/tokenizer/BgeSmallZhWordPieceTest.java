package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.testing.ChineseText;

/** The WordPiece tokenizer.json bundled with bge-small-zh-v1.5 (CJK handling, no lowercasing), against HF tokenizers. */
class BgeSmallZhWordPieceTest {
    private static BundledWordPiece tokenizers;
    private static WordPiece ours;

    @BeforeAll
    static void load() throws Exception {
        tokenizers = BundledWordPiece.load(BundledEncoder.BGE_SMALL_ZH, 512);
        ours = tokenizers.ours();
    }

    @Test
    void readsTheChineseBertLayout() {
        assertEquals(21128, ours.vocabSize());
        assertEquals(101, ours.bos());
        assertEquals(102, ours.eos());
        assertEquals(100, ours.unk());
        assertEquals(512, ours.maxLength());
    }

    @Test
    void matchesHuggingFaceOnChineseAndMixedText() {
        for (String s : ChineseText.SENTENCES) {
            if (s != ChineseText.LONG) {
                tokenizers.assertMatchesHuggingFace(s);
            }
        }
    }

    @Test
    void matchesHuggingFaceOnTheGeneralCorpus() {
        TokenizerCorpus.STRINGS.forEach(tokenizers::assertMatchesHuggingFace);
    }

    @Test
    void eachChineseCharacterIsOneToken() {
        int[] ids = ours.encode("我喜欢在公园里散步。");
        assertEquals(12, ids.length, "[CLS], nine characters, the full stop, [SEP]");
        for (int i = 1; i <= 10; i++) {
            assertTrue(ids[i] != ours.unk(), "position " + i + " is known");
        }
    }

    @Test
    void longInputIsTruncatedLikeHuggingFace() {
        int[] full = HfReference.ids(tokenizers.hfFull(), ChineseText.LONG);
        assertTrue(full.length > 512, "input must exceed the window: " + full.length);
        int[] expected = HfReference.ids(tokenizers.hfTruncating(), ChineseText.LONG);
        assertEquals(512, expected.length);
        assertArrayEquals(expected, ours.encode(ChineseText.LONG));
    }
}
