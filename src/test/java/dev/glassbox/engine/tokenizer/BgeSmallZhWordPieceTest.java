package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.testing.ChineseText;

/** The WordPiece tokenizer.json bundled with bge-small-zh-v1.5 (CJK handling, no lowercasing), against HF tokenizers. */
class BgeSmallZhWordPieceTest {
    private static final String RESOURCE = "bge-small-zh-v1.5-tokenizer.json";
    private static WordPiece ours;
    private static HuggingFaceTokenizer hfFull;
    private static HuggingFaceTokenizer hfTruncating;

    @BeforeAll
    static void load() throws Exception {
        byte[] json;
        try (InputStream in = BgeSmallZhWordPieceTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            json = in.readAllBytes();
        }
        ours = (WordPiece) TokenizerJson.parse(json, Path.of(RESOURCE));
        hfFull = HfReference.open(new ByteArrayInputStream(json), false, 1 << 20);
        hfTruncating = HfReference.open(new ByteArrayInputStream(json), true, 512);
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
                assertArrayEquals(HfReference.ids(hfFull, s), ours.encode(s), "'" + s + "'");
            }
        }
    }

    @Test
    void matchesHuggingFaceOnTheGeneralCorpus() {
        for (String s : TokenizerCorpus.STRINGS) {
            assertArrayEquals(HfReference.ids(hfFull, s), ours.encode(s), "'" + s + "'");
        }
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
        int[] full = HfReference.ids(hfFull, ChineseText.LONG);
        assertTrue(full.length > 512, "input must exceed the window: " + full.length);
        int[] expected = HfReference.ids(hfTruncating, ChineseText.LONG);
        assertEquals(512, expected.length);
        assertArrayEquals(expected, ours.encode(ChineseText.LONG));
    }
}
