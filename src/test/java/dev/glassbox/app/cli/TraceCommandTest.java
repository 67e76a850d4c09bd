package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.export.NpyArray;
import dev.glassbox.engine.export.NpyReader;
import dev.glassbox.testing.Numpy;
import dev.glassbox.testing.SharedData;

/** `glassbox trace` end to end on stories260K (8 heads of dim 8, 4 key/value heads). */
@Tag("shared-data")
class TraceCommandTest {
    private static final String PROMPT = "Once upon a time, there was a little girl named Lily.";

    @TempDir
    Path dir;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static String model() {
        return SharedData.require("models/stories260K/stories260K.bin").toString();
    }

    private CliRun trace(String prompt, String hooks, String... extra) {
        String tok = SharedData.require("models/stories260K/tok512.bin").toString();
        List<String> args = new java.util.ArrayList<>(List.of("trace", "--model", model(), "--tokenizer", tok,
                "--prompt", prompt, "--hooks", hooks, "--out", dir.resolve("out").toString(), "--threads", "1"));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void patternIsCausalStochasticAndEqualsSoftmaxOfCapturedQueriesAndKeys() throws Exception {
        CliRun r = trace(PROMPT, "blocks.0.attn.pattern,blocks.0.attn.q,blocks.0.attn.k", "--csv");
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("out");
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        int t = manifest.get("token_ids").size();
        assertTrue(t > 10, "tokens: " + t);

        NpyArray p = NpyReader.read(out.resolve("blocks.0.attn.pattern.npy"));
        NpyArray q = NpyReader.read(out.resolve("blocks.0.attn.q.npy"));
        NpyArray k = NpyReader.read(out.resolve("blocks.0.attn.k.npy"));
        assertArrayEquals(new int[] {8, t, t}, p.shape());
        assertArrayEquals(new int[] {t, 8, 8}, q.shape());
        assertArrayEquals(new int[] {t, 4, 8}, k.shape());
        double worst = 0;
        for (int h = 0; h < 8; h++) {
            int kv = h / 2; // grouped-query attention: two query heads share a key head
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int d = 0; d < 8; d++) {
                        dot += (double) q.get(i, h, d) * k.get(j, kv, d);
                    }
                    s[j] = dot / Math.sqrt(8);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j <= i; j++) {
                    z += Math.exp(s[j] - max);
                }
                double rowSum = 0;
                for (int j = 0; j < t; j++) {
                    float got = p.get(h, i, j);
                    rowSum += got;
                    if (j > i) {
                        assertEquals(0f, got, "above the diagonal at head " + h + " (" + i + ", " + j + ")");
                    } else {
                        double want = Math.exp(s[j] - max) / z;
                        worst = Math.max(worst, Math.abs(want - got));
                        assertEquals(want, got, 1e-5, "head " + h + " (" + i + ", " + j + ")");
                    }
                }
                assertEquals(1.0, rowSum, 1e-5, "row sum at head " + h + " query " + i);
            }
        }
        System.out.printf("stories260K layer 0, T=%d: max |pattern - softmax(qk/sqrt d)| = %.3g%n", t, worst);
        for (int h = 0; h < 8; h++) {
            assertTrue(Files.isRegularFile(out.resolve("blocks.0.attn.pattern.head" + h + ".csv")));
        }
        assertEquals(t + 1, Files.readAllLines(out.resolve("blocks.0.attn.pattern.head7.csv")).size());

        String sums = Files.readString(SharedData.require("models/stories260K/SHA256SUMS"));
        String sha = manifest.get("model").get("sha256").asText();
        assertTrue(sums.contains(sha + "  stories260K.bin"), "manifest sha256 " + sha);
        assertEquals(PROMPT, manifest.get("prompt").asText());
        assertEquals(t, manifest.get("prompt_length").asInt());
        assertEquals(64, manifest.get("model").get("config").get("dim").asInt());
        assertTrue(r.out().contains("blocks.0.attn.pattern.npy [8, " + t + ", " + t + "]"), r.out());
    }

    @Test
    void numpyAgreesOnShapeCausalityAndTheRecomputedPattern() throws Exception {
        Numpy.assumeAvailable();
        CliRun r = trace(PROMPT, "blocks.3.attn.*", "--steps", "5");
        assertEquals(0, r.code(), r.err());
        List<String> out = Numpy.run("""
                import numpy as np, sys, json
                d = sys.argv[1]
                m = json.load(open(d + '/manifest.json'))
                p = np.load(d + '/blocks.3.attn.pattern.npy')
                q = np.load(d + '/blocks.3.attn.q.npy').astype(np.float64)
                k = np.load(d + '/blocks.3.attn.k.npy').astype(np.float64)
                T = len(m['token_ids'])
                print(p.dtype, p.shape == (8, T, T), q.shape == (T, 8, 8), k.shape == (T, 4, 8))
                print(float(np.abs(p.sum(-1) - 1).max()) < 1e-5, bool((np.triu(p, 1) == 0).all()))
                kk = np.repeat(k, 2, axis=1)                      # query head h uses key head h // 2
                s = np.einsum('ihd,jhd->hij', q, kk) / np.sqrt(8)
                s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
                e = np.exp(s - s.max(-1, keepdims=True))
                ref = e / e.sum(-1, keepdims=True)
                print(float(np.abs(ref - p).max()))
                print(m['prompt_length'], T, m['settings']['new_tokens'])
                """, dir.resolve("out").toString());
        assertEquals("float32 True True True", out.get(0));
        assertEquals("True True", out.get(1));
        double diff = Double.parseDouble(out.get(2));
        System.out.println("numpy: layer 3 with 5 generated tokens, max |pattern - reference| = " + diff);
        assertTrue(diff < 1e-5, "numpy reference differs by " + diff);
        String[] lens = out.get(3).split(" ");
        assertEquals(Integer.parseInt(lens[0]) + 5, Integer.parseInt(lens[1]), out.get(3));
        assertEquals("5", lens[2]);
    }

    @Test
    void emptyPromptIsAClearErrorAndWritesNothing() {
        CliRun r = trace("", "blocks.0.attn.pattern");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: the prompt is empty"), r.err());
        assertTrue(r.err().contains("no run was started"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void promptLongerThanTheContextIsAClearErrorAndWritesNothing() {
        CliRun r = trace("Once upon a time there was a dog. ".repeat(80), "blocks.0.attn.pattern");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("context holds 512 positions; nothing was traced, shorten the prompt"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void outputPathThatIsAFileIsRefused() throws Exception {
        Files.writeString(dir.resolve("out"), "x");
        CliRun r = trace(PROMPT, "blocks.0.attn.pattern");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a file, not a folder"), r.err());
    }

    @Test
    void hooksMatchingNothingAreRefused() {
        CliRun r = trace(PROMPT, "blocks.9.attn.pattern");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("matches no hook of stories260K.bin (5 layers)"), r.err());
    }
}
