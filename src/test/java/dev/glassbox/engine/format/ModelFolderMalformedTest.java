package dev.glassbox.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.hf.SafetensorsWriter;
import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyModels;

/**
 * Malformed model folders (generated here): a FIFO where a tokenizer is searched, links leading out of the folder,
 * extra layers, absurd hyper-parameters, invalid UTF-8. Each fails with a FormatException naming the file and the
 * problem; the time bound only guards against a hang.
 */
class ModelFolderMalformedTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final int DIM = 8;
    private static final int HIDDEN = 16;
    private static final int VOCAB = 12;

    @TempDir
    Path tmp;

    private static String config(int layers, String extra) {
        return """
                {"model_type": "llama", "hidden_size": %d, "num_attention_heads": 2, "num_hidden_layers": %d,
                 "vocab_size": %d, "intermediate_size": %d, "max_position_embeddings": 32,
                 "tie_word_embeddings": true%s}""".formatted(DIM, layers, VOCAB, HIDDEN, extra);
    }

    /** A tiny tied Llama folder whose checkpoint holds {@code layers} layers. */
    private Path hfFolder(Path dir, int layers, String configLayersAndExtra) throws Exception {
        Files.createDirectories(dir);
        Map<String, SafetensorsWriter.Data> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", matrix(VOCAB, DIM));
        t.put("model.norm.weight", vector(DIM));
        for (int l = 0; l < layers; l++) {
            String b = "model.layers." + l + ".";
            t.put(b + "input_layernorm.weight", vector(DIM));
            t.put(b + "post_attention_layernorm.weight", vector(DIM));
            for (String p : new String[] {"q", "k", "v", "o"}) {
                t.put(b + "self_attn." + p + "_proj.weight", matrix(DIM, DIM));
            }
            t.put(b + "mlp.gate_proj.weight", matrix(HIDDEN, DIM));
            t.put(b + "mlp.up_proj.weight", matrix(HIDDEN, DIM));
            t.put(b + "mlp.down_proj.weight", matrix(DIM, HIDDEN));
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), t);
        Files.writeString(dir.resolve("config.json"), configLayersAndExtra);
        return dir;
    }

    private static SafetensorsWriter.Data matrix(int rows, int cols) {
        float[] v = new float[rows * cols];
        Arrays.fill(v, 0.01f);
        return SafetensorsWriter.Data.matrix(v, rows, cols);
    }

    private static SafetensorsWriter.Data vector(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return SafetensorsWriter.Data.vector(v);
    }

    private static String loadError(Path model) {
        FormatException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> assertThrows(FormatException.class, () -> ModelLoader.load(model, null, Parallel.SERIAL)));
        return e.getMessage();
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }

    @Test
    void fifoBesideALlama2cModelIsSkippedWhenSearchingForTheTokenizer() throws Exception {
        LlamaModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 8, 16, 1, 2, 1, 12, 3, DType.F32);
        Path model = tmp.resolve("model.bin");
        Files.write(model, TinyModels.llama2cV0(m));
        assertEquals(0, new ProcessBuilder("mkfifo", tmp.resolve("tok12.bin").toString()).start().waitFor());
        String e = loadError(model);
        assertContains(e, "model.bin: no tokenizer found: pass --tokenizer");
        Files.write(tmp.resolve("tok99.bin"), TinyModels.llama2cTokenizer(TinyModels.tokenizer(12)));
        assertEquals(12, assertTimeoutPreemptively(HANG_GUARD,
                () -> ModelLoader.load(model, null, Parallel.SERIAL)).tokenizer().vocabSize()); // the regular one is found
    }

    @Test
    void extraLayersInTheCheckpointAreNamed() throws Exception {
        Path dir = hfFolder(tmp.resolve("extra"), 2, config(1, ""));
        String e = loadError(dir);
        assertContains(e, "extra: 9 tensor(s) in the checkpoint are not part of a llama model of 1 layers");
        assertContains(e, "'model.layers.1.");
        assertTrue(ModelLoader.load(hfFolder(tmp.resolve("ok"), 1, config(1, "")), null, Parallel.SERIAL)
                .tokenizer() == null); // the same folder with matching layers loads
    }

    @Test
    void absurdHyperParametersNameTheKeyAndFile() throws Exception {
        assertEquals("config.json: key 'rms_norm_eps' = Infinity is not a finite number in 1.0E-30..1.0",
                loadError(hfFolder(tmp.resolve("eps"), 1, config(1, ", \"rms_norm_eps\": 1e300"))));
        assertContains(loadError(hfFolder(tmp.resolve("neg"), 1, config(1, ", \"rms_norm_eps\": -1e-6"))),
                "config.json: key 'rms_norm_eps' = -1.0E-6");
        assertContains(loadError(hfFolder(tmp.resolve("theta"), 1, config(1, ", \"rope_theta\": 0"))),
                "config.json: key 'rope_theta' = 0.0 is not a finite number");
        assertContains(loadError(hfFolder(tmp.resolve("nan"), 1, config(1, ", \"rope_theta\": NaN"))),
                "config.json: not valid JSON at line");
    }

    @Test
    void linksLeadingOutOfTheFolderAreRefusedWithoutQuotingTheTarget() throws Exception {
        Path dir = hfFolder(tmp.resolve("links"), 1, config(1, ""));
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "hunter2 is the password\n");
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), secret);
        String e = loadError(dir);
        assertContains(e, "tokenizer.json: is a link that leads outside the model folder");
        assertFalse(e.contains("hunter2"), e);
    }

    @Test
    void huggingFaceCacheSnapshotLinksIntoItsBlobsAreFollowed() throws Exception {
        Path repo = tmp.resolve("models--org--tiny");
        Path built = hfFolder(tmp.resolve("build"), 1, config(1, ""));
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve("abc123"));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Path blob = Files.move(built.resolve(f), blobs.resolve(f.hashCode() + ""));
            Files.createSymbolicLink(snapshot.resolve(f), Path.of("../../blobs").resolve(blob.getFileName()));
        }
        assertEquals(1, ModelLoader.load(snapshot, null, Parallel.SERIAL).config().layers());
        Path other = Files.createDirectories(tmp.resolve("models--org--other").resolve("blobs"));
        Files.move(blobs.resolve("config.json".hashCode() + ""), other.resolve("cfg"));
        Files.delete(snapshot.resolve("config.json"));
        Files.createSymbolicLink(snapshot.resolve("config.json"), other.resolve("cfg"));
        assertContains(loadError(snapshot), "config.json: is a link that leads outside the model folder");
    }

    @Test
    void invalidUtf8IsReportedWithItsByteOffset() throws Exception {
        Path text = Files.write(tmp.resolve("text.txt"), new byte[] {'a', 'b', 'c', (byte) 0xC3, '(', 'd'});
        FormatException e = assertThrows(FormatException.class, () -> ModelFiles.readUtf8(text, 1 << 20, "text"));
        assertEquals("text.txt: not valid UTF-8: invalid byte sequence at byte offset 3", e.getMessage());
        assertEquals("abc\u00e9", ModelFiles.decodeUtf8("abc\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), text));
    }
}
