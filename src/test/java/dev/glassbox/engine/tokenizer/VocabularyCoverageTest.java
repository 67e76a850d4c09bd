package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.testing.ChineseText;

/** Which parts of a text a vocabulary lacks: MiniLM's English WordPiece, bge-small-zh's Chinese one, a char BPE. */
class VocabularyCoverageTest {
    private static WordPiece miniLm;
    private static WordPiece bge;

    @BeforeAll
    static void load() throws Exception {
        miniLm = (WordPiece) TokenizerJson.parse(resource("all-minilm-l6-v2-tokenizer.json"), Path.of("minilm.json"));
        bge = (WordPiece) TokenizerJson.parse(resource("bge-small-zh-v1.5-tokenizer.json"), Path.of("bge.json"));
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = VocabularyCoverageTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void miniLmLacksMostCharactersOfAChineseSentence() {
        VocabularyCoverage c = VocabularyCoverage.of(miniLm, "我喜欢在公园里散步。");
        assertEquals(10, c.characters());
        assertEquals(6, c.unknownCharacters());
        assertEquals(List.of("喜", "欢", "在", "园", "散", "步"), c.unknownWords());
        assertTrue(c.hasUnknownChinese());
        assertEquals("6 of 10 characters map to [UNK] in all-MiniLM-L6-v2: 喜 欢 在 园 散 步",
                c.describe("all-MiniLM-L6-v2"));
    }

    @Test
    void bgeSmallZhCoversChineseText() {
        for (String s : List.of("我喜欢在公园里散步。", "机器学习是人工智能的一个分支。", "《红楼梦》是中国古典四大名著之一。")) {
            VocabularyCoverage c = VocabularyCoverage.of(bge, s);
            assertTrue(c.complete(), s + ": " + c.unknownWords());
            assertEquals(0, c.unknownCharacters());
        }
    }

    @Test
    void aWordPieceWordIsLostWholeWithAllItsCharacters() {
        String word = "a".repeat(101); // longer than max_input_chars_per_word: one [UNK]
        VocabularyCoverage c = VocabularyCoverage.of(miniLm, "ok " + word + " 😀");
        assertEquals(List.of(word, "😀"), c.unknownWords());
        assertEquals(104, c.characters());
        assertEquals(102, c.unknownCharacters());
        assertFalse(c.hasUnknownChinese());
    }

    @Test
    void unknownWordsAreExactlyTheUnkTokensOfTheEncoding() {
        for (WordPiece tok : List.of(miniLm, bge)) {
            for (String s : Stream.concat(ChineseText.SENTENCES.stream(), TokenizerCorpus.STRINGS.stream()).toList()) {
                long unks = Arrays.stream(tok.encodeBody(s)).filter(id -> id == tok.unk()).count();
                assertEquals(unks, tok.unknownWords(s).size(), "'" + s + "'");
            }
        }
    }

    @Test
    void theListIsCappedAtTwentyDistinctWords() {
        StringBuilder sb = new StringBuilder();
        for (int cp = 0x4E00; cp < 0x4E00 + 400; cp++) {
            sb.appendCodePoint(cp).appendCodePoint(cp);
        }
        VocabularyCoverage c = VocabularyCoverage.of(miniLm, sb.toString());
        String line = c.describe("m");
        assertTrue(line.endsWith(" \u2026"), line);
        assertEquals(20, c.distinctUnknown(20).size());
        assertEquals(800, c.characters());
        assertTrue(c.unknownCharacters() > 20 && c.unknownCharacters() <= 800, line);
    }

    @Test
    void aCharacterBpeWithoutByteFallbackNamesTheCharactersItLacks() throws Exception {
        Tokenizer tok = TokenizerJson.load(Path.of("sample-models/tiny-stories-grammar/tokenizer.json"));
        String text = "Lily saw 你好 a dog.";
        VocabularyCoverage c = VocabularyCoverage.of(tok, text);
        assertEquals(List.of("你", "好"), c.unknownWords());
        assertEquals(2, c.unknownCharacters());
        assertEquals(14, c.characters());
        long unks = Arrays.stream(tok.encode(text)).filter(id -> id == tok.unk()).count();
        assertEquals(2, unks, "the encoding holds one unknown token per lacking character");
    }
}
