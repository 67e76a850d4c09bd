package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyModels;

/** The GGUF reader on hand-made files: every value type, alignments, and each kind of broken input. */
class GgufReaderTest {
    @TempDir
    Path tmp;

    private Path valid;
    private LlamaModel model;

    @BeforeEach
    void writeValidModel() throws Exception {
        model = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 64, 1, 2, 1, 40, 3,
                DType.F32, DType.Q8_0, DType.F16);
        valid = tmp.resolve("valid.gguf");
        GgufWriter.write(model, TinyModels.tokenizer(40), "tiny", valid);
    }

    private GgufBytes validCopy() throws Exception {
        return GgufBytes.copyOf(GgufReader.read(valid));
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Loads through the public entry point and returns the error message, which must name the file. */
    private String loadError(String name, byte[] bytes) throws Exception {
        Path p = file(name, bytes);
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(p, null, Parallel.SERIAL));
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyMetadataValueTypeReadsBack() throws Exception {
        GgufBytes b = new GgufBytes();
        b.kv.put("u8", GgufValue.of(GgufValueType.UINT8, 250L));
        b.kv.put("i8", GgufValue.of(GgufValueType.INT8, -5L));
        b.kv.put("u16", GgufValue.of(GgufValueType.UINT16, 65000L));
        b.kv.put("i16", GgufValue.of(GgufValueType.INT16, -300L));
        b.kv.put("u32", GgufValue.of(GgufValueType.UINT32, 4_000_000_000L));
        b.kv.put("i32", GgufValue.of(GgufValueType.INT32, -70000L));
        b.kv.put("f32", GgufValue.of(GgufValueType.FLOAT32, 1.5f));
        b.kv.put("bool", GgufValue.of(GgufValueType.BOOL, true));
        b.kv.put("str", GgufValue.of(GgufValueType.STRING, "h\u00e9llo \u2581"));
        b.kv.put("u64", GgufValue.of(GgufValueType.UINT64, 1L << 40));
        b.kv.put("i64", GgufValue.of(GgufValueType.INT64, -(1L << 40)));
        b.kv.put("f64", GgufValue.of(GgufValueType.FLOAT64, Math.PI));
        b.kv.put("a.i32", GgufValue.array(GgufValueType.INT32, new long[] {1, -2, 3}));
        b.kv.put("a.f64", GgufValue.array(GgufValueType.FLOAT64, new double[] {0.25, -8}));
        b.kv.put("a.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false}));
        b.kv.put("a.str", GgufValue.array(GgufValueType.STRING, new String[] {"", "x", "\u2581y"}));
        b.kv.put("a.nested", GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {
                GgufValue.array(GgufValueType.UINT8, new long[] {7}),
                GgufValue.array(GgufValueType.FLOAT32, new float[] {2f, 3f})}));
        GgufFile g = GgufReader.read(file("types.gguf", b.bytes()));
        assertEquals(0, g.tensors().size());
        for (String k : b.kv.keySet()) {
            GgufValue want = b.kv.get(k);
            GgufValue got = g.metadata().get(k);
            assertEquals(want.type(), got.type(), k);
            if (want.type() == GgufValueType.ARRAY) {
                assertEquals(want.elementType(), got.elementType(), k);
                assertTrue(Arrays.deepEquals(new Object[] {want.value()}, new Object[] {got.value()})
                        || want.elementType() == GgufValueType.ARRAY, k);
            } else {
                assertEquals(want.value(), got.value(), k);
            }
        }
        GgufValue[] nested = (GgufValue[]) g.metadata().get("a.nested").value();
        assertArrayEquals(new long[] {7}, (long[]) nested[0].value());
        assertArrayEquals(new float[] {2f, 3f}, (float[]) nested[1].value());
    }

    @Test
    void version2AndCustomAlignmentLoad() throws Exception {
        GgufBytes b = validCopy();
        b.version = 2;
        b.kv.put("general.alignment", GgufValue.u32(64));
        long off = 0;
        for (int i = 0; i < b.tensors.size(); i++) {
            GgufTensorInfo t = b.tensors.get(i);
            b.tensors.set(i, new GgufTensorInfo(t.name(), t.ne(), t.type(), off));
            off = GgufReader.align(off + b.data.get(i).length, 64);
        }
        Path p = file("v2.gguf", b.bytes());
        GgufFile g = GgufReader.read(p);
        assertEquals(2, g.version());
        assertEquals(64, g.alignment());
        assertEquals(0, g.dataOffset() % 64);
        LoadedModel m = ModelLoader.load(p, null, Parallel.SERIAL);
        assertArrayEquals(model.matrices().get("blk.0.attn_k.weight").toFloatArray(),
                m.decoder().matrices().get("blk.0.attn_k.weight").toFloatArray());
    }

    @Test
    void truncatedFiles() throws Exception {
        byte[] all = Files.readAllBytes(valid);
        assertTrue(loadError("cut-data.gguf", Arrays.copyOf(all, all.length - 100))
                .matches(".*tensor '.*' .* needs data bytes \\d+\\.\\.\\d+ but the data section holds only \\d+ bytes \\(truncated\\?\\)"));
        String header = loadError("cut-header.gguf", Arrays.copyOf(all, 200));
        assertTrue(header.contains("truncated"), header);
        assertTrue(loadError("tiny.gguf", Arrays.copyOf(all, 10)).contains("too short for a GGUF file"));
    }

    @Test
    void wrongMagic() throws Exception {
        byte[] all = Files.readAllBytes(valid);
        all[0] = 'X';
        FormatException e = assertThrows(FormatException.class, () -> GgufReader.read(file("magic.gguf", all)));
        assertEquals("magic.gguf: not a GGUF file: magic is 0x46554758, expected 0x46554747 (\"GGUF\")", e.getMessage());
    }

    @Test
    void unsupportedVersions() throws Exception {
        GgufBytes b = validCopy();
        b.version = 1;
        assertTrue(loadError("v1.gguf", b.bytes()).contains("unsupported GGUF version 1"));
        b.version = Integer.reverseBytes(3);
        assertTrue(loadError("be.gguf", b.bytes()).contains("big-endian"));
    }

    @Test
    void tensorOffsetBeyondFile() throws Exception {
        GgufBytes b = validCopy().retype("output_norm.weight",
                t -> new GgufTensorInfo(t.name(), t.ne(), t.type(), 1L << 40));
        assertTrue(loadError("offset.gguf", b.bytes())
                .contains("tensor 'output_norm.weight' data offset 1099511627776 lies beyond the end of the file"));
    }

    @Test
    void misalignedTensorOffset() throws Exception {
        GgufBytes b = validCopy().retype("output_norm.weight",
                t -> new GgufTensorInfo(t.name(), t.ne(), t.type(), t.offset() + 4));
        assertTrue(loadError("align.gguf", b.bytes()).contains("is not a multiple of the alignment 32"));
    }

    @Test
    void absurdCounts() throws Exception {
        GgufBytes b = validCopy();
        b.tensorCountOverride = 1L << 50;
        assertTrue(loadError("count.gguf", b.bytes()).contains("absurd tensor count 1125899906842624"));
        b.tensorCountOverride = -1L;
        assertTrue(loadError("count2.gguf", b.bytes()).contains("absurd tensor count 18446744073709551615"));
        GgufBytes d = validCopy().retype("token_embd.weight",
                t -> new GgufTensorInfo(t.name(), new long[] {32, 1L << 40}, t.type(), t.offset()));
        assertTrue(loadError("dims.gguf", d.bytes()).contains("tensor 'token_embd.weight' has an absurd dimension 1"));
        GgufBytes n = validCopy().retype("token_embd.weight",
                t -> new GgufTensorInfo(t.name(), new long[] {1, 1, 1, 1, 32}, t.type(), t.offset()));
        assertTrue(loadError("ndims.gguf", n.bytes()).contains("tensor 'token_embd.weight' has 5 dimensions (must be 1..4)"));
    }

    @Test
    void absurdStringAndArrayLengths() throws Exception {
        byte[] all = Files.readAllBytes(valid);
        byte[] s = all.clone();
        s[24 + 7] = 0x7F; // the first key's u64 length, top byte
        String msg = loadError("strlen.gguf", s);
        assertTrue(msg.contains("key of metadata entry 0 at byte 24 claims " + (0x7F00000000000000L + "general.architecture".length())
                + " bytes but only"), msg);
        GgufBytes b = validCopy();
        b.kv.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, new float[0]));
        byte[] a = b.bytes();
        // patch the scores array's u64 length (right after its element type) to 2^40
        int at = indexOf(a, "tokenizer.ggml.scores".getBytes()) + "tokenizer.ggml.scores".length() + 8;
        java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, 1L << 40);
        assertTrue(loadError("arrlen.gguf", a).contains("array 'tokenizer.ggml.scores' claims 1099511627776 FLOAT32 elements"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void unknownArchitectureListsSupportedOnes() throws Exception {
        GgufBytes b = validCopy();
        b.kv.put("general.architecture", GgufValue.string("gptj"));
        assertEquals("arch.gguf: architecture 'gptj' is not supported (supported: llama, qwen2, gpt2)",
                loadError("arch.gguf", b.bytes()));
    }

    @Test
    void unsupportedDtypeNamesTensorAndType() throws Exception {
        GgufBytes b = validCopy().retype("blk.0.ffn_up.weight",
                t -> new GgufTensorInfo(t.name(), t.ne(), GgmlType.IQ4_XS, t.offset()));
        assertEquals("dtype.gguf: tensor 'blk.0.ffn_up.weight' has ggml type IQ4_XS, which this engine cannot read"
                + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K)", loadError("dtype.gguf", b.bytes()));
        assertEquals("superblock.gguf: tensor 'blk.0.ffn_up.weight' row of 32 values is not a whole number of Q4_K blocks"
                + " of 256", loadError("superblock.gguf", validCopy().retype("blk.0.ffn_up.weight",
                        t -> new GgufTensorInfo(t.name(), t.ne(), GgmlType.Q4_K, t.offset())).bytes()));
        byte[] raw = validCopy().retype("blk.0.ffn_up.weight",
                t -> new GgufTensorInfo(t.name(), t.ne(), GgmlType.F32, t.offset())).bytes();
        int at = indexOf(raw, "blk.0.ffn_up.weight".getBytes()) + "blk.0.ffn_up.weight".length() + 4 + 16;
        raw[at] = 99; // ggml type id 99
        assertTrue(loadError("typeid.gguf", raw).contains("tensor 'blk.0.ffn_up.weight' has unknown ggml type id 99"));
    }

    @Test
    void missingTensorAndWrongShapeAreNamed() throws Exception {
        GgufBytes b = validCopy();
        int i = b.tensors.indexOf(b.tensors.stream().filter(t -> t.name().equals("blk.0.attn_v.weight")).findFirst().orElseThrow());
        long shift = b.tensors.get(i + 1).offset() - b.tensors.get(i).offset();
        b.tensors.remove(i);
        b.data.remove(i);
        for (int j = i; j < b.tensors.size(); j++) { // keep the data contiguous, as the reader requires
            GgufTensorInfo t = b.tensors.get(j);
            b.tensors.set(j, new GgufTensorInfo(t.name(), t.ne(), t.type(), t.offset() - shift));
        }
        assertEquals("missing.gguf: missing tensor 'blk.0.attn_v.weight'", loadError("missing.gguf", b.bytes()));
        GgufBytes s = validCopy().retype("blk.0.attn_norm.weight",
                t -> new GgufTensorInfo(t.name(), new long[] {16, 2}, t.type(), t.offset())); // same bytes, wrong shape
        assertEquals("shape.gguf: tensor 'blk.0.attn_norm.weight' has shape [16, 2], expected [32]", loadError("shape.gguf", s.bytes()));
    }

    @Test
    void otherTokenizerModelsLoadWithoutTokenizer() throws Exception {
        GgufBytes b = validCopy();
        b.kv.put("tokenizer.ggml.model", GgufValue.string("bert"));
        LoadedModel m = ModelLoader.load(file("berttok.gguf", b.bytes()), null, Parallel.SERIAL);
        assertNull(m.tokenizer());
        assertInstanceOf(LlamaModel.class, m.decoder());
    }

    @Test
    void gpt2TokenizerWithoutMergesIsNamed() throws Exception {
        GgufBytes b = validCopy();
        b.kv.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        assertEquals("gpt2tok.gguf: missing metadata key 'tokenizer.ggml.merges' (needed by a gpt2 tokenizer)",
                loadError("gpt2tok.gguf", b.bytes()));
    }

    @Test
    void bosEosAndByteFallbackComeFromMetadata() throws Exception {
        GgufBytes b = validCopy();
        b.kv.put("tokenizer.ggml.bos_token_id", GgufValue.u32(7));
        b.kv.put("tokenizer.ggml.eos_token_id", GgufValue.u32(8));
        LoadedModel m = ModelLoader.load(file("ids.gguf", b.bytes()), null, Parallel.SERIAL);
        assertEquals(7, m.tokenizer().bos());
        assertEquals(8, m.tokenizer().eos());
        assertEquals(7, m.tokenizer().encode("a")[0]);
    }
}
