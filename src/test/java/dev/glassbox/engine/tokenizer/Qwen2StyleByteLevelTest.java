package dev.glassbox.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.testing.Qwen2StyleTokenizer;

/**
 * The Qwen2 tokenizer.json layout (Split with Qwen2's regex, then ByteLevel without regex, extra special tokens)
 * applied to the GPT-2 vocabulary, against HF tokenizers on the same file.
 */
@Tag("shared-data")
class Qwen2StyleByteLevelTest {
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @TempDir
    Path dir;

    @Test
    void qwen2PreTokenizerAndSpecialTokensMatchHuggingFace() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = Qwen2StyleTokenizer.json(json, QWEN2_REGEX);
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        int id = 50257;
        for (String s : new String[] {"<|im_start|>", "<|im_end|>"}) {
            ObjectNode a = added.addObject();
            a.put("id", id++);
            a.put("content", s);
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", true);
        }
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, json.writeValueAsString(root));

        Tokenizer ours = TokenizerJson.load(f);
        assertEquals(50259, ours.vocabSize());
        HuggingFaceTokenizer hf = HfReference.open(f, false, 1 << 20);
        for (String s : TokenizerCorpus.STRINGS) {
            assertArrayEquals(HfReference.ids(hf, s), ours.encode(s), "'" + s + "'");
            assertEquals(s, ours.decode(ours.encode(s)));
        }
        String chat = "<|im_start|>user\nHello 123456!<|im_end|>\n";
        assertArrayEquals(HfReference.ids(hf, chat), ours.encode(chat));
    }
}
