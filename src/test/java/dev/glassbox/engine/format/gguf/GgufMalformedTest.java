package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyModels;

/**
 * Malformed GGUF files built from a valid one: each must fail with a FormatException naming the file and the
 * problem (the time bound only guards against a hang).
 */
class GgufMalformedTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private Path valid;

    @BeforeEach
    void writeValidModel() throws Exception {
        valid = tmp.resolve("valid.gguf");
        GgufWriter.write(TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 64, 1, 2, 1, 40, 3,
                DType.F32), TinyModels.tokenizer(40), "tiny", valid);
    }

    private GgufBytes validCopy() throws Exception {
        return GgufBytes.copyOf(GgufReader.read(valid));
    }

    private String loadError(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        FormatException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> assertThrows(FormatException.class, () -> ModelLoader.load(p, null, Parallel.SERIAL)));
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }

    @Test
    void validFileLoads() throws Exception {
        ModelLoader.load(valid, null, Parallel.SERIAL); // the base every case below breaks in one place
    }

    @Test
    void hugeMetadataArrayIsRefusedBeforeDecoding() throws Exception {
        GgufBytes b = validCopy();
        b.kv.put("junk.array", GgufValue.array(GgufValueType.UINT8, new long[(1 << 22) + 1]));
        String m = loadError("array.gguf", b.bytes());
        assertContains(m, "array 'junk.array' has 4194305 elements");
        assertContains(m, "limited to 4194304 elements each");
    }

    @Test
    void overlappingTensorsAreRefused() throws Exception {
        GgufBytes b = validCopy();
        GgufTensorInfo first = b.tensors.get(0);
        b.retype(b.tensors.get(1).name(), t -> new GgufTensorInfo(t.name(), t.ne(), t.type(), first.offset()));
        String m = loadError("overlap.gguf", b.bytes());
        assertContains(m, "tensor '" + b.tensors.get(1).name() + "' data offset 0 should be");
        assertContains(m, "overlaps the tensor before it");
    }

    @Test
    void extraLayerTensorsBeyondBlockCountAreNamed() throws Exception {
        GgufBytes b = validCopy();
        GgufTensorInfo last = b.tensors.getLast();
        byte[] norm = new byte[4 * 32];
        long off = GgufReader.align(last.offset() + b.data.getLast().length, GgufReader.DEFAULT_ALIGNMENT);
        b.tensors.add(new GgufTensorInfo("blk.1.attn_norm.weight", new long[] {32}, GgmlType.F32, off));
        b.data.add(norm);
        String m = loadError("extra.gguf", b.bytes());
        assertContains(m, "'blk.1.attn_norm.weight'");
        assertContains(m, "not part of a llama model of 1 layers");
    }

    @Test
    void aQ8_0BlockWithANaNScaleNamesTheTensor() throws Exception {
        Path q8 = tmp.resolve("q8.gguf");
        GgufWriter.write(TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 64, 1, 2, 1, 40, 3,
                DType.Q8_0, DType.F32), TinyModels.tokenizer(40), "tiny", q8);
        GgufBytes b = GgufBytes.copyOf(GgufReader.read(q8));
        int i = 0;
        while (b.tensors.get(i).type() != GgmlType.Q8_0) {
            i++;
        }
        byte[] blocks = b.data.get(i);
        blocks[34] = 0x00; // the second block's float16 scale, little-endian: 0x7e00 is a NaN
        blocks[35] = 0x7e;
        String m = loadError("nan-scale.gguf", b.bytes());
        assertContains(m, "tensor '" + b.tensors.get(i).name() + "'");
        assertContains(m, "non-finite scale");
    }

    @Test
    void nanInfiniteOrNegativeHyperParametersNameTheKey() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1e-5f}) {
            GgufBytes b = validCopy();
            b.kv.put("llama.attention.layer_norm_rms_epsilon", GgufValue.f32(bad));
            assertContains(loadError("eps.gguf", b.bytes()), "metadata 'llama.attention.layer_norm_rms_epsilon' = " + bad);
        }
        GgufBytes b = validCopy();
        b.kv.put("llama.rope.freq_base", GgufValue.of(GgufValueType.FLOAT64, 1e300));
        assertContains(loadError("theta.gguf", b.bytes()), "metadata 'llama.rope.freq_base' = Infinity is not a finite number");
        GgufBytes s = validCopy();
        s.kv.put("llama.rope.scaling.factor", GgufValue.f32(Float.NaN));
        assertContains(loadError("scaling.gguf", s.bytes()), "metadata 'llama.rope.scaling.factor' = NaN");
    }

    @Test
    void ggufNameWithoutTheMagicReportsBadMagic() throws Exception {
        byte[] llama2cLike = new byte[64];
        llama2cLike[0] = 'G';
        llama2cLike[1] = 'G';
        String m = loadError("model.gguf", llama2cLike);
        assertContains(m, "not a GGUF file: magic is");
    }
}
