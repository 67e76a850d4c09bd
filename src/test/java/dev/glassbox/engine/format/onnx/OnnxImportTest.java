package dev.glassbox.engine.format.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;

/** The ONNX reader and BERT mapping on the bundled all-MiniLM-L6-v2, plus damaged files. */
class OnnxImportTest {
    private static byte[] onnx;
    private static byte[] tokenizer;

    @BeforeAll
    static void read() throws Exception {
        onnx = resource(OnnxModels.MINILM_ONNX);
        tokenizer = resource(OnnxModels.MINILM_TOKENIZER);
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = OnnxImportTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void graphHasTheExportedBertStructure() throws Exception {
        OnnxGraph g = OnnxReader.read(Path.of("m.onnx"), MemorySegment.ofArray(onnx));
        assertEquals(java.util.List.of("input_ids", "attention_mask", "token_type_ids"), g.inputs());
        assertEquals("output_0", g.outputs().getFirst());
        OnnxTensor q0 = g.initializers().get(g.node("/encoder/layer.0/attention/self/query/MatMul").orElseThrow().input(1));
        assertArrayEquals(new long[] {384, 384}, q0.dims());
        assertTrue(q0.name().startsWith("onnx::MatMul_"), q0.name());
    }

    @Test
    void configComesFromTheGraph() throws Exception {
        LoadedModel m = OnnxModels.loadBundledMiniLm(Parallel.SERIAL);
        ModelConfig c = m.config();
        assertEquals(Architecture.BERT, c.architecture());
        assertEquals(384, c.dim());
        assertEquals(1536, c.hiddenDim());
        assertEquals(6, c.layers());
        assertEquals(12, c.heads());
        assertEquals(32, c.headDim());
        assertEquals(30522, c.vocabSize());
        assertEquals(512, c.contextLength());
        assertEquals(1e-12f, c.normEps(), 1e-18f);
        long embeddings = (30522L + 512 + 2) * 384 + 2 * 384;
        long layer = 4L * (384 * 384 + 384) + 2L * (1536 * 384) + 1536 + 384 + 4 * 384;
        long pooler = 384L * 384 + 384;
        assertEquals(embeddings + 6 * layer + pooler, m.model().parameterCount());
        assertEquals(22.7e6, m.model().parameterCount(), 0.05e6); // the model card says 22.7M
    }

    @Test
    void matMulWeightsAreTransposedToOutIn() throws Exception {
        OnnxGraph g = OnnxReader.read(Path.of("m.onnx"), MemorySegment.ofArray(onnx));
        float[] stored = g.initializers().get(g.node("/encoder/layer.0/intermediate/dense/MatMul").orElseThrow().input(1)).floats();
        LoadedModel m = OnnxModels.loadBundledMiniLm(Parallel.SERIAL);
        var wIn = m.model().matrices().get("encoder.layer.0.intermediate.dense.weight");
        assertEquals(1536, wIn.rows());
        assertEquals(384, wIn.cols());
        // stored[i][o] with shape [384, 1536] must equal W[o][i]
        for (int[] io : new int[][] {{0, 0}, {5, 1000}, {383, 1535}, {200, 7}}) {
            assertEquals(stored[io[0] * 1536 + io[1]], wIn.row(io[1])[io[0]]);
        }
    }

    @Test
    void modelLoaderOpensOnnxFilesWithTheTokenizerBeside(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("minilm.onnx");
        Files.write(model, onnx);
        Files.write(dir.resolve("tokenizer.json"), tokenizer);
        LoadedModel m = ModelLoader.load(model, null);
        assertEquals("onnx", m.format());
        assertTrue(!m.isDecoder());
        LoadedModel bundled = OnnxModels.loadBundledMiniLm();
        int[] ids = m.tokenizer().encode("same weights, same output");
        float[][] a = m.encoder().encode(ids, null, Capture.none(6));
        float[][] b = bundled.encoder().encode(ids, null, Capture.none(6));
        // a mapped file and a heap copy may take different Vector API paths (lane reduction order), hence 1e-5
        for (int t = 0; t < ids.length; t++) {
            assertArrayEquals(b[t], a[t], 1e-5f);
        }
    }

    @Test
    void missingTokenizerIsAClearError(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("lonely.onnx");
        Files.write(model, onnx);
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(model, null));
        assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
    }

    @Test
    void truncatedAndGarbageFilesAreFormatErrors() {
        for (int len : new int[] {1, 100, 5000, 1_000_000, onnx.length / 2}) {
            byte[] cut = Arrays.copyOf(onnx, len);
            assertThrows(FormatException.class,
                    () -> BertOnnxImport.load(OnnxReader.read(Path.of("cut.onnx"), MemorySegment.ofArray(cut)), Parallel.SERIAL),
                    "truncated at " + len);
        }
        Random r = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[1 + r.nextInt(4000)];
            r.nextBytes(junk);
            assertThrows(FormatException.class,
                    () -> BertOnnxImport.load(OnnxReader.read(Path.of("junk.onnx"), MemorySegment.ofArray(junk)), Parallel.SERIAL));
        }
    }
}
