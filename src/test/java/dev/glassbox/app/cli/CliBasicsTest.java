package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;

/** The command line as a user meets it: help, clear one-line errors, and the encoder command. */
class CliBasicsTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"generate", "encode", "inspect", "score", "trace", "context-compare", "context-sweep", "routes", "heads", "train", "bench", "make-random", "export-gguf"}) {
            CliRun r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: glassbox " + c), c + ": " + r.out());
        }
    }

    @Test
    void missingModelIsOneClearLineWithoutAStackTrace() {
        CliRun r = run("generate", "--model", "/no/such/model.bin", "--prompt", "hi");
        assertEquals(2, r.code());
        assertEquals("error: /no/such/model.bin: no such model file or folder", r.err().strip());
    }

    @Test
    void garbageFileIsNamedWithTheProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("junk.bin");
        Files.write(f, new byte[] {1, 2, 3});
        CliRun r = run("inspect", "--model", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: junk.bin: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void encodeRunsTheBundledMiniLm() throws Exception {
        CliRun r = run("encode", "--text", "Attention is all you need.", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        LoadedModel m = OnnxModels.loadBundledMiniLm();
        int[] ids = m.tokenizer().encode("Attention is all you need.");
        assertEquals(ids.length, o.get("token_ids").size());
        for (int i = 0; i < ids.length; i++) assertEquals(ids[i], o.get("token_ids").get(i).asInt());
        float[][] h = m.encoder().encode(ids, null, Capture.none(m.config().layers()));
        JsonNode last = o.get("last_hidden_state");
        assertEquals(384, last.get(0).size());
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < 384; i += 37) assertEquals(h[t][i], last.get(t).get(i).floatValue(), 1e-6f);
        }
    }

    @Test
    void encodeRefusesEmptyText() {
        CliRun r = run("encode", "--text", "  ");
        assertEquals(2, r.code());
        assertEquals("error: the text is empty: nothing to encode", r.err().strip());
    }

    @Test
    void exportGgufWritesAFileThatLoadsBackWithTheSameOutputs(@TempDir Path dir) throws Exception {
        CliRun r = run("export-gguf", "--model", "sample-models/tiny-stories-grammar", "--out", dir.resolve("s.gguf").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("holds the weights only"), r.out());
        LoadedModel a = dev.glassbox.engine.format.ModelLoader.load(Path.of("sample-models/tiny-stories-grammar"), null);
        LoadedModel b = dev.glassbox.engine.format.ModelLoader.load(dir.resolve("s.gguf"),
                Path.of("sample-models/tiny-stories-grammar/tokenizer.json"));
        assertEquals("gguf", b.format());
        int[] ids = a.tokenizer().encode("Once upon a time");
        org.junit.jupiter.api.Assertions.assertArrayEquals(ids, b.tokenizer().encode("Once upon a time"));
        var sa = a.decoder().newSession(Capture.none(a.config().layers()));
        var sb = b.decoder().newSession(Capture.none(b.config().layers()));
        for (int p = 0; p < ids.length; p++) {
            float[] la = sa.forward(ids[p], p).clone();
            float[] lb = sb.forward(ids[p], p);
            for (int i = 0; i < la.length; i++) assertEquals(la[i], lb[i], 1e-5f, "logit " + i + " at " + p);
        }
        CliRun bad = run("export-gguf", "--model", "minilm", "--out", dir.resolve("m.gguf").toString());
        assertEquals(2, bad.code());
    }
}
