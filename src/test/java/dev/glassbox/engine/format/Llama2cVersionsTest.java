package dev.glassbox.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.engine.trace.Capture;

/**
 * The versioned llama2.c formats (export.py's version1_export and version2_export) give the same model as the
 * legacy v0 file: v1 exactly, v2 exactly as its int8 groups dequantise.
 */
class Llama2cVersionsTest {
    @TempDir
    static Path dir;
    static LlamaModel v0;

    @BeforeAll
    static void writeLegacy() throws IOException {
        Path f = dir.resolve("v0.bin");
        Llama2cWriter.writeRandom(new Llama2cWriter.Shape("t", 64, 96, 2, 4, 2, 64, 32), 5, 0.2, f);
        v0 = Llama2cFormat.load(f, Parallel.SERIAL);
    }

    @Test
    void version1WithSharedAndUnsharedClassifierMatchesV0() throws IOException {
        for (boolean shared : new boolean[] {true, false}) {
            Path f = dir.resolve("v1-" + shared + ".bin");
            Files.write(f, version1(v0, shared, null));
            LlamaModel m = Llama2cFormat.load(f, Parallel.SERIAL);
            assertEquals(1, Llama2cFormat.readHeader(MappedFile.open(f)).version());
            assertSameLogits(v0, m, 0f);
        }
    }

    @Test
    void version2IsItsInt8GroupsDequantised() throws IOException {
        int gs = 32;
        Path q = dir.resolve("v2.bin");
        List<float[]> dequantised = new ArrayList<>();
        Files.write(q, version2(v0, gs, dequantised));
        Llama2cFormat.Header h = Llama2cFormat.readHeader(MappedFile.open(q));
        assertEquals(2, h.version());
        assertEquals(gs, h.groupSize());
        LlamaModel m2 = Llama2cFormat.load(q, Parallel.SERIAL);
        // the same dequantised weights written as float32 (v1) must give the same numbers up to float rounding
        // (the int8 dot sums group by group, the float one straight through; JIT and interpreter round apart)
        Path f = dir.resolve("v1-dequantised.bin");
        Files.write(f, version1(v0, true, dequantised));
        assertSameLogits(Llama2cFormat.load(f, Parallel.SERIAL), m2, 1e-5f);
        // and stay close to the float model: int8 with per-group scales errs by at most scale / 2 per weight
        DecoderSession a = v0.newSession(Capture.none(2));
        DecoderSession b = m2.newSession(Capture.none(2));
        float[] la = a.forward(7, 0).clone();
        float[] lb = b.forward(7, 0);
        double worst = 0;
        double range = 0;
        for (int i = 0; i < la.length; i++) {
            worst = Math.max(worst, Math.abs(la[i] - lb[i]));
            range = Math.max(range, Math.abs(la[i]));
        }
        assertTrue(worst < 0.05 * range, "int8 error " + worst + " vs logit scale " + range);
    }

    @Test
    void truncatedVersionedFilesAreRefused() throws IOException {
        byte[] full = version1(v0, true, null);
        Path f = dir.resolve("short.bin");
        Files.write(f, java.util.Arrays.copyOf(full, full.length - 10));
        FormatException e = assertThrows(FormatException.class, () -> Llama2cFormat.load(f, Parallel.SERIAL));
        assertTrue(e.getMessage().startsWith("short.bin: header (64 dim, 2 layers, vocab 64) implies"), e.getMessage());
        ByteBuffer b = ByteBuffer.wrap(full.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, 7);
        Path g = dir.resolve("v7.bin");
        Files.write(g, b.array());
        assertEquals("v7.bin: unsupported llama2.c checkpoint version 7 (supported: 0, 1, 2)",
                assertThrows(FormatException.class, () -> Llama2cFormat.load(g, Parallel.SERIAL)).getMessage());
    }

    private static void assertSameLogits(LlamaModel a, LlamaModel b, float tol) {
        DecoderSession sa = a.newSession(Capture.none(a.config().layers()));
        DecoderSession sb = b.newSession(Capture.none(b.config().layers()));
        int[] tokens = {1, 7, 33, 2, 60, 5};
        for (int p = 0; p < tokens.length; p++) {
            float[] la = sa.forward(tokens[p], p).clone();
            float[] lb = sb.forward(tokens[p], p);
            for (int i = 0; i < la.length; i++) assertEquals(la[i], lb[i], tol, "logit " + i + " at " + p);
        }
    }

    // --- writers following export.py ---------------------------------------------------------------

    private static ByteBuffer header(ModelConfig c, int version, boolean shared, int groupSize) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x616b3432).putInt(version);
        b.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.layers()).putInt(c.heads()).putInt(c.kvHeads())
                .putInt(c.vocabSize()).putInt(c.contextLength());
        b.put((byte) (shared ? 1 : 0));
        if (version == 2) b.putInt(groupSize);
        return b;
    }

    /** The matrices in export.py order: embedding, wq.., wk.., wv.., wo.., w1.., w2.., w3.. */
    private static List<Tensor> matrices(LlamaModel m) {
        List<Tensor> t = new ArrayList<>();
        LlamaModel.Layer[] ls = m.weights().layers();
        t.add(m.weights().tokenEmbedding());
        for (LlamaModel.Layer l : ls) t.add(l.wq());
        for (LlamaModel.Layer l : ls) t.add(l.wk());
        for (LlamaModel.Layer l : ls) t.add(l.wv());
        for (LlamaModel.Layer l : ls) t.add(l.wo());
        for (LlamaModel.Layer l : ls) t.add(l.wGate());
        for (LlamaModel.Layer l : ls) t.add(l.wDown());
        for (LlamaModel.Layer l : ls) t.add(l.wUp());
        return t;
    }

    private static void norms(LlamaModel m, ByteArrayOutputStream out) {
        for (LlamaModel.Layer l : m.weights().layers()) floats(out, l.attnNorm());
        for (LlamaModel.Layer l : m.weights().layers()) floats(out, l.ffnNorm());
        floats(out, m.weights().finalNorm());
    }

    /** v1; {@code replace}, when given, supplies the matrices' values in order. */
    static byte[] version1(LlamaModel m, boolean shared, List<float[]> replace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(m.config(), 1, shared, 0).array());
        norms(m, out);
        List<Tensor> ts = matrices(m);
        for (int i = 0; i < ts.size(); i++) floats(out, replace == null ? ts.get(i).toFloatArray() : replace.get(i));
        if (!shared) floats(out, replace == null ? ts.getFirst().toFloatArray() : replace.getFirst());
        return out.toByteArray();
    }

    /** v2: symmetric int8 per group of {@code gs}, all int8 tensors first, then all float scales. */
    static byte[] version2(LlamaModel m, int gs, List<float[]> dequantised) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(m.config(), 2, true, gs).array());
        norms(m, out);
        List<float[]> scales = new ArrayList<>();
        for (Tensor t : matrices(m)) {
            float[] w = t.toFloatArray();
            float[] s = new float[w.length / gs];
            float[] deq = new float[w.length];
            byte[] q = new byte[w.length];
            for (int g = 0; g < s.length; g++) {
                float max = 0;
                for (int j = 0; j < gs; j++) max = Math.max(max, Math.abs(w[g * gs + j]));
                s[g] = max / 127f;
                for (int j = 0; j < gs; j++) {
                    int i = g * gs + j;
                    q[i] = (byte) Math.round(s[g] == 0 ? 0 : w[i] / s[g]);
                    deq[i] = q[i] * s[g];
                }
            }
            out.writeBytes(q);
            scales.add(s);
            dequantised.add(deq);
        }
        for (float[] s : scales) floats(out, s);
        return out.toByteArray();
    }

    private static void floats(ByteArrayOutputStream out, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        out.writeBytes(b.array());
    }
}
