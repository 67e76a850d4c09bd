package dev.glassbox.engine.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.AttentionThumbnails;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.StubEncoder;
import dev.glassbox.testing.TinyLlama;

class TraceExporterTest {
    @TempDir
    Path dir;

    @Test
    void decoderHooksAreStackedByPositionAndPatternsAreSquare() throws Exception {
        // the "model file" is a few known bytes so its sha256 can be checked against a literal digest of them
        Path modelFile = dir.resolve("tiny.bin");
        Files.writeString(modelFile, "abc");
        LoadedModel tiny = TinyLlama.loaded(3);
        LoadedModel m = new LoadedModel(tiny.name(), modelFile, "test", tiny.model(), tiny.tokenizer());
        TraceRun.Request req = new TraceRun.Request(m, "hey", HookSelection.of(
                "blocks.*.attn.pattern,blocks.1.attn.q,blocks.1.attn.k,blocks.0.resid_post,logits,embed"),
                new Generation.Settings(2, 0f, 1f, 0, 7, false));
        TraceRun.Result r = TraceRun.run(req, TraceListener.NONE, () -> false);
        int t = r.trace().length();
        assertEquals(6, t);
        Path out = dir.resolve("out");
        TraceManifest written = TraceExporter.export(r.trace(), TraceManifest.of(req, r, "test-1", Instant.EPOCH), out, true);

        Set<String> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertTrue(files.containsAll(List.of("manifest.json", "embed.npy", "logits.npy", "blocks.0.resid_post.npy",
                "blocks.1.attn.q.npy", "blocks.1.attn.k.npy", "blocks.0.attn.pattern.npy", "blocks.2.attn.pattern.npy",
                "blocks.2.attn.pattern.head3.csv")), files.toString());
        assertEquals(8, written.arrays().size()); // 3 patterns, q, k, resid_post, logits, embed

        NpyArray q = NpyReader.read(out.resolve("blocks.1.attn.q.npy"));
        assertArrayEquals(new int[] {t, 4, 4}, q.shape());
        NpyArray k = NpyReader.read(out.resolve("blocks.1.attn.k.npy"));
        assertArrayEquals(new int[] {t, 2, 4}, k.shape());
        NpyArray logits = NpyReader.read(out.resolve("logits.npy"));
        assertArrayEquals(new int[] {t, TinyLlama.VOCAB}, logits.shape());
        NpyArray resid = NpyReader.read(out.resolve("blocks.0.resid_post.npy"));
        assertArrayEquals(new int[] {t, 16}, resid.shape());
        for (int p = 0; p < t; p++) {
            Captured c = r.trace().steps().get(p).get(HookName.of(HookPoint.ATTN_Q, 1)).orElseThrow();
            for (int h = 0; h < 4; h++) {
                for (int d = 0; d < 4; d++) {
                    assertEquals(c.values()[h * 4 + d], q.get(p, h, d));
                }
            }
        }
        for (int p = 0; p < t; p++) { // written a step at a time, as the trace holds them
            float[] want = r.trace().steps().get(p).get(HookName.of(HookPoint.LOGITS)).orElseThrow().values();
            for (int v = 0; v < TinyLlama.VOCAB; v++) {
                assertEquals(want[v], logits.get(p, v));
            }
        }
        NpyArray pat = NpyReader.read(out.resolve("blocks.2.attn.pattern.npy"));
        assertArrayEquals(new int[] {4, t, t}, pat.shape());
        float[][][] expected = r.trace().attentionPattern(2).orElseThrow();
        for (int h = 0; h < 4; h++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    assertEquals(expected[h][i][j], pat.get(h, i, j));
                }
            }
        }
        List<String> csv = Files.readAllLines(out.resolve("blocks.2.attn.pattern.head3.csv"));
        assertEquals(t + 1, csv.size());
        assertTrue(csv.get(0).startsWith("query\\key,0:<s>,1:h,2:e,3:y"), csv.get(0));
        assertEquals(Float.toString(expected[3][5][2]), csv.get(6).split(",")[3]);

        JsonNode j = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("test-1", j.get("glassbox_version").asText());
        assertEquals("1970-01-01T00:00:00Z", j.get("created").asText());
        // sha256("abc"), FIPS 180-2 appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", j.get("model").get("sha256").asText());
        assertEquals(3, j.get("model").get("bytes").asInt());
        assertEquals(16, j.get("model").get("config").get("dim").asInt());
        assertEquals(3, j.get("model").get("config").get("layers").asInt());
        assertEquals("hey", j.get("prompt").asText());
        assertEquals(t, j.get("token_ids").size());
        assertEquals(r.tokens()[5], j.get("token_ids").get(5).asInt());
        assertEquals(4, j.get("prompt_length").asInt());
        assertEquals("decoder", j.get("mode").asText());
        assertEquals(7, j.get("seed").asLong());
        assertEquals(2, j.get("settings").get("new_tokens").asInt());
        assertEquals("CharTokenizer", j.get("tokenizer").get("kind").asText());
        assertEquals(8, j.get("arrays").size());
        assertTrue(j.get("hooks").asText().contains("blocks.*.attn.pattern"));
        for (JsonNode a : j.get("arrays")) {
            int[] shape = new ObjectMapper().convertValue(a.get("shape"), int[].class);
            assertArrayEquals(shape, NpyReader.read(out.resolve(a.get("file").asText())).shape(), a.get("hook").asText());
        }
    }

    /** A stored pattern longer than the exporter's block of rows is written whole: every row, zeros past the query. */
    @Test
    void aLongStoredPatternIsWrittenAcrossBlocksOfRows() throws Exception {
        int n = 600; // 256-row blocks: two whole and a part
        int heads = 2;
        AttentionStore store = new AttentionStore() {
            @Override public int layers() { return 1; }
            @Override public int heads() { return heads; }
            @Override public boolean has(int layer) { return true; }
            @Override public int length() { return n; }
            @Override public void rows(int layer, int head, int from, int to, float[][] out) {
                for (int q = from; q < to; q++) {
                    for (int k = 0; k <= q; k++) out[q - from][k] = head * 1e6f + q * 1000f + k;
                }
            }
            @Override public AttentionThumbnails.Thumbnail thumbnail(int layer, int head, int queries) {
                throw new UnsupportedOperationException();
            }
            @Override public AttentionThumbnails.Layer layerThumbnails(int layer, int queries) {
                throw new UnsupportedOperationException();
            }
            @Override public long bytes() { return 0; }
        };
        List<TraceStep> steps = new ArrayList<>();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = 1;
            steps.add(new TraceStep(i, 1, false, Map.of()));
        }
        TraceRun.Request req = new TraceRun.Request(TinyLlama.loaded(3), "(ids)", HookSelection.of("blocks.0.attn.pattern"),
                new Generation.Settings(0, 0f, 1f, 0, 7, false));
        Trace trace = Trace.of(steps, store);
        TraceManifest written = TraceExporter.export(trace, TraceManifest.of(req,
                new TraceRun.Result(trace, tokens, n, Generation.StopReason.STEPS), "test-1", Instant.EPOCH), dir);
        NpyArray a = NpyReader.read(dir.resolve(written.arrays().getFirst().file()));
        assertArrayEquals(new int[] {heads, n, n}, a.shape());
        float[] v = a.values();
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < n; q++) {
                for (int k = 0; k < n; k++) {
                    assertEquals(k <= q ? h * 1e6f + q * 1000f + k : 0f, v[(h * n + q) * n + k], "head " + h + " row " + q + " key " + k);
                }
            }
        }
    }

    /** A run whose patterns went to the store writes the same files, byte for byte, as one whose steps kept rows. */
    @Test
    void storedPatternsExportAsTheRowsDo() throws Exception {
        LoadedModel m = TinyLlama.loaded(3);
        TraceRun.Request rows = new TraceRun.Request(m, "hey there", HookSelection.of("blocks.*.attn.pattern,blocks.0.resid_post"),
                new Generation.Settings(3, 0f, 1f, 0, 7, false));
        TraceRun.Request stored = rows.storingPatterns();
        TraceRun.Result a = TraceRun.run(rows, TraceListener.NONE, () -> false);
        TraceRun.Result b = TraceRun.run(stored, TraceListener.NONE, () -> false);
        assertTrue(a.trace().attentionStore().isEmpty());
        assertTrue(b.trace().attentionStore().isPresent(), "the stored request kept the patterns in a store");
        Path outA = dir.resolve("rows");
        Path outB = dir.resolve("stored");
        TraceExporter.export(a.trace(), TraceManifest.of(rows, a, "test-1", Instant.EPOCH), outA, true);
        TraceExporter.export(b.trace(), TraceManifest.of(rows, b, "test-1", Instant.EPOCH), outB, true);
        Set<String> files;
        try (Stream<Path> s = Files.list(outA)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".npy") || f.endsWith(".csv"))
                    .collect(Collectors.toSet());
        }
        assertTrue(files.contains("blocks.2.attn.pattern.head1.csv"), files.toString());
        for (String f : files) {
            NpyArray x = f.endsWith(".npy") ? NpyReader.read(outA.resolve(f)) : null;
            if (x != null) {
                NpyArray y = NpyReader.read(outB.resolve(f));
                assertArrayEquals(x.shape(), y.shape(), f);
                float[] xv = x.values();
                float[] yv = y.values();
                for (int i = 0; i < xv.length; i++) assertEquals(xv[i], yv[i], 1e-5f, f + " value " + i);
            } else {
                List<String> la = Files.readAllLines(outA.resolve(f));
                List<String> lb = Files.readAllLines(outB.resolve(f));
                assertEquals(la.size(), lb.size(), f);
                assertEquals(la.getFirst(), lb.getFirst(), f + ": the key labels");
                for (int i = 1; i < la.size(); i++) {
                    String[] ca = la.get(i).split(",");
                    String[] cb = lb.get(i).split(",");
                    assertEquals(ca.length, cb.length, f + " line " + i);
                    assertEquals(ca[0], cb[0], f + " line " + i + ": the query label");
                    for (int c = 1; c < ca.length; c++) {
                        assertEquals(Double.parseDouble(ca[c]), Double.parseDouble(cb[c]), 1e-5, f + " line " + i);
                    }
                }
            }
        }
    }

    @Test
    void aPositionWhereAHookDidNotFireIsNaN() throws Exception {
        LoadedModel m = TinyLlama.loaded(5);
        TraceRun.Request req = new TraceRun.Request(m, "abc", HookSelection.of("logits"), Generation.Settings.greedy(0));
        TraceRun.Result r = TraceRun.run(req, TraceListener.NONE, () -> false);
        List<TraceStep> steps = new ArrayList<>(r.trace().steps());
        TraceStep second = steps.get(1);
        steps.set(1, new TraceStep(second.position(), second.token(), second.generated(), Map.of()));
        TraceExporter.export(Trace.of(steps), TraceManifest.of(req, r, "x", Instant.EPOCH), dir);
        NpyArray logits = NpyReader.read(dir.resolve("logits.npy"));
        assertArrayEquals(new int[] {steps.size(), TinyLlama.VOCAB}, logits.shape());
        float[] first = steps.get(0).get(HookName.of(HookPoint.LOGITS)).orElseThrow().values();
        for (int v = 0; v < TinyLlama.VOCAB; v++) {
            assertEquals(first[v], logits.get(0, v));
            assertTrue(Float.isNaN(logits.get(1, v)), "the missing position is NaN");
        }
    }

    @Test
    void encoderStepIsWrittenInItsCapturedShapes() throws Exception {
        LoadedModel m = new LoadedModel("stub", null, "test", new StubEncoder(), new TinyLlama.CharTokenizer());
        TraceRun.Request req = new TraceRun.Request(m, "abcd", HookSelection.of("blocks.*.attn.pattern,blocks.0.resid_post"),
                Generation.Settings.greedy(0));
        TraceRun.Result r = TraceRun.run(req, TraceListener.NONE, () -> false);
        TraceManifest man = TraceExporter.export(r.trace(), TraceManifest.of(req, r, "x", Instant.now()), dir);
        assertEquals("encoder", man.mode());
        NpyArray p = NpyReader.read(dir.resolve("blocks.1.attn.pattern.npy"));
        assertArrayEquals(new int[] {3, 5, 5}, p.shape());
        assertEquals(StubEncoder.pattern(1, 2, 4, 4, 5), p.get(2, 4, 4));
        assertEquals(StubEncoder.pattern(1, 0, 1, 3, 5), p.get(0, 1, 3));
        NpyArray x = NpyReader.read(dir.resolve("blocks.0.resid_post.npy"));
        assertArrayEquals(new int[] {5, 6}, x.shape());
        assertEquals(m.tokenizer().encode("abcd")[3], x.get(3, 0));
    }

    @Test
    void sha256StreamsLargeFiles() throws Exception {
        Path f = dir.resolve("big.bin");
        byte[] b = new byte[3 * (1 << 20) + 17];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31);
        Files.write(f, b);
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        assertEquals(expected, TraceManifest.sha256(f));
    }
}
