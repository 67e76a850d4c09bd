package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;

/** BPE learned from text (Sennrich et al. 2016), saved as tokenizer.json, encoded alike by the engine and HF tokenizers. */
class BpeLearnerTest {

    static String stories(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(StoryGrammar.story(r));
        }
        return s.toString();
    }

    @Test
    void mergesTheMostFrequentPairWithTheStatedTieBreak() {
        // ids: a 2, b 3, c 4, d 5. Pair counts aa 4, ab 2, ...: merge aa (6) -> "6 a b d 6 a b a c": (6,a) and (a,b)
        // both occur twice and (2,3) < (6,2) wins; then (aa, ab) occurs twice; then no pair occurs twice.
        CharTokenizer t = BpeLearner.learn("aaabdaaabac", 100);
        assertEquals(List.of(List.of("a", "a"), List.of("a", "b"), List.of("aa", "ab")), t.merges());
        assertEquals(9, t.vocabSize());
        assertArrayEquals(new int[] {8, 5, 8, 2, 4}, t.encodeRaw("aaabdaaabac"));
    }

    @Test
    void reachesTheTargetVocabularyAndRoundTrips() {
        String text = stories(200, 1);
        CharTokenizer t = BpeLearner.learn(text, 150);
        assertEquals(150, t.vocabSize());
        assertEquals(t.merges(), BpeLearner.learn(text, 150).merges(), "deterministic");
        int[] ids = t.encodeRaw(text);
        assertTrue(ids.length < text.length() / 2, "merges shorten the text: " + ids.length + " of " + text.length());
        assertEquals(text, t.decode(ids));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpeLearner.learn(text, 10));
        assertTrue(e.getMessage().contains("must exceed the text's"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BpeLearner.parseSpec("bpe:x"));
        assertTrue(e.getMessage().contains("'bpe:x': N must be a whole number"), e.getMessage());
    }

    @Test
    void engineLoaderAndHuggingFaceTokenizersEncodeLikeTheTrainer(@TempDir Path tmp) throws Exception {
        String text = stories(300, 2);
        CharTokenizer t = BpeLearner.learn(text, 200);
        Path file = tmp.resolve("tokenizer.json");
        new ObjectMapper().writeValue(file.toFile(), Checkpoint.tokenizerJson(t));
        Tokenizer engine = TokenizerJson.load(file);
        HuggingFaceTokenizer hf;
        try (InputStream in = Files.newInputStream(file)) {
            hf = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "truncation", "false",
                    "padding", "false"));
        }
        List<String> samples = List.of("Once upon a time, there was a happy cat named Lily.",
                stories(3, 99), "  two  spaces\n\nand newlines\n", "aaaa bbbb", "Zebra? ünïcödé ✓ unknown", "", " ",
                text.substring(0, 500));
        try (hf) {
            for (String s : samples) {
                int[] mine = t.encode(s);
                int[] theirs = Arrays.stream(hf.encode(s).getIds()).mapToInt(Math::toIntExact).toArray();
                assertArrayEquals(mine, theirs, "HF tokenizers on '" + s + "'");
                assertArrayEquals(mine, engine.encode(s), "engine on '" + s + "'");
            }
        }
    }
}
