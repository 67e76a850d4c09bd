package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model bge-small-zh} on the command line, and the warning when a vocabulary lacks the input's characters. */
class BundledChineseEncoderCliTest {
    private static final String TEXT = "我喜欢在公园里散步。";

    @Test
    void miniLmWarnsAboutChineseCharactersAndNamesTheChineseEncoder() {
        CliRun r = CliRun.of("encode", "--model", "minilm", "--text", TEXT);
        assertEquals(0, r.code(), r.err());
        assertEquals("warning: 6 of 10 characters map to [UNK] in all-MiniLM-L6-v2: 喜 欢 在 园 散 步"
                + " \u2014 try --model bge-small-zh", r.err().strip());
        assertTrue(r.out().startsWith("all-MiniLM-L6-v2: 12 tokens"), r.out());
    }

    @Test
    void bgeSmallZhEncodesChineseWithoutWarningAndReportsItsClsEmbedding() throws Exception {
        CliRun r = CliRun.of("encode", "--model", "bge-small-zh", "--text", TEXT, "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err().strip());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals("bge-small-zh-v1.5", o.get("model").asText());
        assertEquals(12, o.get("token_ids").size());
        assertEquals("喜", o.get("tokens").get(2).asText());
        assertEquals("cls", o.get("pooling").asText());
        JsonNode cls = o.get("last_hidden_state").get(0);
        JsonNode e = o.get("sentence_embedding");
        double norm = 0;
        for (JsonNode v : cls) norm += v.asDouble() * v.asDouble();
        norm = Math.sqrt(norm);
        assertEquals(512, e.size());
        for (int i = 0; i < 512; i += 31) assertEquals(cls.get(i).asDouble() / norm, e.get(i).asDouble(), 1e-6);
    }

    @Test
    void inspectAndTraceAcceptTheAlias(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("inspect", "--model", "bge-small-zh", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(4, o.get("layers").asInt());
        assertEquals(8, o.get("heads").asInt());
        assertEquals(21128, o.get("vocab_size").asInt());
        CliRun t = CliRun.of("trace", "--model", "bge-small-zh", "--prompt", "今天天气很好", "--hooks",
                "blocks.0.attn.pattern", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("[8, 8, 8]"), t.out());
    }

    @Test
    void headsRunsOnTheChineseEncoder(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("heads", "--model", "bge-small-zh", "--max-tokens", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> roles = Files.readAllLines(out.resolve("roles.csv"));
        assertEquals(1 + 4 * 8, roles.size(), "a header and 4 layers x 8 heads");
        assertFalse(roles.get(32).contains("NaN"), roles.get(32));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(4, manifest.get("layers").asInt());
    }

    @Test
    void aTokenizerCannotBePairedWithABundledEncoder(@TempDir Path dir) throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("x.json"), "{}"); // a file that exists: the pairing is what is refused
        CliRun r = CliRun.of("inspect", "--model", "bge-small-zh", "--tokenizer", tokenizer.toString());
        assertEquals(2, r.code());
        assertEquals("error: --tokenizer does not apply to the bundled bge-small-zh-v1.5, which brings its own",
                r.err().strip());
    }

    @Test
    void generateWarnsWhenThePromptHasCharactersTheModelLacks() {
        CliRun r = CliRun.of("generate", "--model", "sample-models/tiny-stories-grammar", "--prompt", "Lily 你好",
                "--steps", "2", "--temperature", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("warning: 2 of 6 characters map to <unk> in tiny-stories-grammar: 你 好\n"),
                r.err());
    }
}
