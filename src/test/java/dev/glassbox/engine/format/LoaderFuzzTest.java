package dev.glassbox.engine.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.glassbox.engine.format.gguf.GgufModelLoader;
import dev.glassbox.engine.format.gguf.GgufWriter;
import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.SentencePieceBpe;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyModels;

/**
 * Coverage-guided fuzzing (Jazzer) of the three loaders that parse untrusted bytes: any input must give a model
 * (that then runs a step) or a FormatException/IOException, never another exception, an OOM or a hang.
 * <p>
 * Jazzer fuzzes only one {@code @FuzzTest} per JVM, so a single test dispatches on the first input byte:
 * 0 = llama2.c checkpoint, 1 = GGUF, 2 = llama2.c tokenizer.bin. Without JAZZER_FUZZ it runs the seeds only
 * (regression mode); pom.xml's "fuzz" surefire execution sets JAZZER_FUZZ=1 so the default build mutates.
 */
class LoaderFuzzTest {
    private static final int LLAMA2C = 0;
    private static final int GGUF = 1;
    private static final int TOKENIZER = 2;

    /** Small valid inputs of each kind, written here from a random tiny model. */
    static Stream<byte[]> seeds() throws IOException {
        LlamaModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 8, 16, 1, 2, 1, 12, 1,
                DType.F32, DType.F16, DType.BF16);
        LlamaModel q = TinyModels.random(Architecture.QWEN2, RopeStyle.HALF, 32, 32, 1, 2, 2, 12, 2,
                DType.Q8_0, DType.Q4_0, DType.F32);
        SentencePieceBpe tok = TinyModels.tokenizer(12);
        Path dir = Files.createTempDirectory("gguf-seed");
        try {
            Path a = dir.resolve("a.gguf");
            Path b = dir.resolve("b.gguf");
            GgufWriter.write(m, tok, "seed", a);
            GgufWriter.write(q, tok, "seed", b);
            LlamaModel f32 = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 8, 16, 1, 2, 1, 12, 3, DType.F32);
            return Stream.of(
                    tagged(LLAMA2C, TinyModels.llama2cV0(f32)),
                    tagged(GGUF, Files.readAllBytes(a)),
                    tagged(GGUF, Files.readAllBytes(b)),
                    tagged(TOKENIZER, TinyModels.llama2cTokenizer(tok)));
        } finally {
            for (Path p : new Path[] {dir.resolve("a.gguf"), dir.resolve("b.gguf"), dir}) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static byte[] tagged(int kind, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = (byte) kind;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "20s") // Jazzer requires @FuzzTest to be the last annotation
    void loadersAcceptOrRejectCleanly(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (Math.floorMod(input[0], 3)) {
                case LLAMA2C -> {
                    Path p = temp(payload);
                    try {
                        exercise(Llama2cFormat.load(p, Parallel.SERIAL), null);
                    } finally {
                        Files.deleteIfExists(p);
                    }
                }
                case GGUF -> {
                    LoadedModel m = GgufModelLoader.load(new MappedFile(Path.of("fuzz.gguf"), MemorySegment.ofArray(payload)),
                            Parallel.SERIAL);
                    exercise(m.decoder(), m.tokenizer());
                }
                default -> {
                    Path p = temp(payload);
                    try {
                        exercise(null, SentencePieceBpe.read(p));
                    } finally {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException expected) {
            // FormatException and friends: the loader said clearly what is wrong
        }
    }

    private static Path temp(byte[] payload) throws IOException {
        Path p = Files.createTempFile("fuzz", ".bin");
        Files.write(p, payload);
        return p;
    }

    /** A loaded model must run; a loaded tokenizer must round-trip text. */
    private static void exercise(DecoderModel m, Tokenizer t) {
        if (m instanceof LlamaModel lm) {
            DecoderSession s = lm.newSession(Capture.none(m.config().layers()), Intervention.NONE, 2);
            s.forward(0, 0);
            s.forward(m.config().vocabSize() - 1, 1);
        }
        if (t != null) {
            int[] ids = t.encode("ab c\u00e9");
            t.decode(ids);
            for (int i = 0; i < Math.min(t.vocabSize(), 64); i++) {
                t.display(i);
            }
        }
    }
}
