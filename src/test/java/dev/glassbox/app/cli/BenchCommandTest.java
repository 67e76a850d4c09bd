package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.SharedData;

/** make-random and bench through the CLI, on the tiny shape (no timing asserted). */
class BenchCommandTest {
    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @Test
    void benchJsonReportsEveryKey(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny.bin");
        assertEquals(0, cli("make-random", "--shape", "tiny", "--out", model.toString()).code());
        CliRun r = cli("bench", "--model", model.toString(), "--threads", "2", "--steps", "12", "--warmup", "0",
                "--prefill", "40", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        for (String key : new String[] {"decode_tokens_per_s", "decode_tokens_per_s_with_attention",
                "prefill_tokens", "prefill_tokens_per_s", "prefill_tokens_per_s_with_attention", "peak_rss_mb",
                "peak_rss_mb_with_trace"}) {
            assertTrue(o.has(key), "missing " + key + " in " + r.out());
            assertTrue(o.get(key).isNumber(), key + " is not a number");
        }
        assertTrue(o.get("decode_tokens_per_s").asDouble() > 0);
        assertEquals(12, o.get("steps").asInt());
        assertEquals(2, o.get("threads").asInt());
        assertEquals(40, o.get("prefill_tokens").asInt(), "40 prefill tokens: the 12 decoded ones repeated");
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(o.get("peak_rss_mb").asDouble() > 0, "VmHWM read from /proc");
        }
    }

    @Test
    void prefillPromptRepeatsTheForwardedTokens() {
        // decoded = BOS, then sampled tokens; the last one was sampled but never forwarded
        assertArrayEquals(new int[] {1, 5, 7, 1, 5, 7, 1}, BenchCommand.prompt(new int[] {1, 5, 7, 9}, 7));
        assertArrayEquals(new int[] {1, 5}, BenchCommand.prompt(new int[] {1, 5, 7, 9}, 2));
    }

    @Test
    void benchTableAndSampledDecodeRun(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny.bin");
        cli("make-random", "--shape", "tiny", "--out", model.toString(), "--seed", "5");
        CliRun r = cli("bench", "--model", model.toString(), "--threads", "1", "--steps", "6", "--warmup", "0",
                "--temperature", "1.0", "--seed", "42");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("decode t/s") && r.out().contains("tiny.bin"), r.out());
    }

    @Test
    void benchRejectsBadInputWithAMessage(@TempDir Path dir) {
        CliRun missing = cli("bench", "--model", dir.resolve("absent.bin").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent.bin"), missing.err());
        CliRun unknown = cli("make-random", "--shape", "stories7B", "--out", dir.resolve("x.bin").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown shape 'stories7B'"), unknown.err());
    }

    @Test
    void makeRandomIsDeterministicPerSeed(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        Path c = dir.resolve("c.bin");
        cli("make-random", "--shape", "tiny", "--out", a.toString(), "--seed", "9");
        cli("make-random", "--shape", "tiny", "--out", b.toString(), "--seed", "9");
        cli("make-random", "--shape", "tiny", "--out", c.toString(), "--seed", "10");
        byte[] ba = Files.readAllBytes(a);
        assertArrayEquals(ba, Files.readAllBytes(b), "same seed, same bytes");
        assertFalse(java.util.Arrays.equals(ba, Files.readAllBytes(c)), "another seed, other weights");
    }

    @Test
    @Tag("shared-data")
    void makeRandomStories15mLoadsWithTheModelLoader(@TempDir Path dir) throws Exception {
        Path tok = SharedData.require("models/llama2c-tokenizer/tokenizer.bin");
        Path model = dir.resolve("s15m.bin");
        assertEquals(0, cli("make-random", "--shape", "stories15M", "--out", model.toString()).code());
        // Karpathy's stories15M.bin has exactly this size in the same v0 layout
        assertEquals(60_816_028L, Files.size(model));
        LoadedModel m = ModelLoader.load(model, tok, Parallel.SERIAL);
        assertEquals(288, m.config().dim());
        assertEquals(768, m.config().hiddenDim());
        assertEquals(6, m.config().layers());
        assertEquals(32000, m.config().vocabSize());
        assertEquals(256, m.config().contextLength());
    }
}
