package dev.glassbox.engine.format;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.glassbox.engine.format.hf.HfLoader;
import dev.glassbox.engine.format.hf.SafetensorsWriter;
import dev.glassbox.engine.format.onnx.BertOnnxImport;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.format.onnx.OnnxReader;
import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;

/**
 * Coverage-guided fuzzing (Jazzer) of the loaders {@link LoaderFuzzTest} does not cover: a Hugging Face folder
 * (config.json + safetensors header), tokenizer.json (then encoding a text), and ONNX. Any input must load or
 * fail with an IOException (FormatException), never another exception, an OOM or a hang. One {@code @FuzzTest}
 * per JVM, so the first input byte picks the target: 0 = HF folder (payload = config.json, a 0 byte, then
 * model.safetensors), 1 = tokenizer.json, 2 = ONNX. Same time bound as LoaderFuzzTest.
 */
class FormatFuzzTest {
    private static final int HF = 0;
    private static final int TOKENIZER_JSON = 1;
    private static final int ONNX = 2;

    static Stream<byte[]> seeds() throws IOException {
        Path dir = Files.createTempDirectory("format-seed");
        try {
            Path st = dir.resolve("model.safetensors");
            SafetensorsWriter.write(st, Map.of(
                    "model.embed_tokens.weight", SafetensorsWriter.Data.matrix(new float[8 * 4], 8, 4),
                    "model.norm.weight", SafetensorsWriter.Data.vector(new float[4])));
            String config = "{\"model_type\": \"llama\", \"hidden_size\": 4, \"num_attention_heads\": 2,"
                    + " \"num_hidden_layers\": 1, \"vocab_size\": 8, \"intermediate_size\": 8, \"tie_word_embeddings\": true}";
            byte[] hf = concat(config.getBytes(StandardCharsets.UTF_8), new byte[] {0}, Files.readAllBytes(st));
            String tok = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2, \" \": 3},"
                    + " \"merges\": [\"a b\"]}, \"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"a+|b\"}}}";
            String wordPiece = "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": {\"[UNK]\": 0,"
                    + " \"a\": 1, \"##b\": 2}}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}";
            return Stream.of(
                    tagged(HF, hf),
                    tagged(TOKENIZER_JSON, tok.getBytes(StandardCharsets.UTF_8)),
                    tagged(TOKENIZER_JSON, wordPiece.getBytes(StandardCharsets.UTF_8)),
                    tagged(ONNX, onnxPrefix()));
        } finally {
            deleteTree(dir);
        }
    }

    /** The start of the bundled MiniLM ONNX file: real protobuf structure for the mutator to work on. */
    private static byte[] onnxPrefix() throws IOException {
        try (InputStream in = FormatFuzzTest.class.getClassLoader().getResourceAsStream(OnnxModels.MINILM_ONNX)) {
            return in == null ? new byte[] {8, 7} : in.readNBytes(4096);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] tagged(int kind, byte[] payload) {
        return concat(new byte[] {(byte) kind}, payload);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "20s") // Jazzer requires @FuzzTest to be the last annotation
    void formatsAcceptOrRejectCleanly(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (Math.floorMod(input[0], 3)) {
                case HF -> hfFolder(payload);
                case TOKENIZER_JSON -> exercise(TokenizerJson.parse(payload, Path.of("tokenizer.json")));
                default -> BertOnnxImport.load(OnnxReader.read(Path.of("fuzz.onnx"), MemorySegment.ofArray(payload)),
                        Parallel.SERIAL);
            }
        } catch (IOException expected) {
            // FormatException and friends: the loader said clearly what is wrong
        }
    }

    private static void hfFolder(byte[] payload) throws IOException {
        int split = 0;
        while (split < payload.length && payload[split] != 0) split++;
        Path dir = Files.createTempDirectory("fuzz-hf");
        try {
            Files.write(dir.resolve(HfLoader.CONFIG), Arrays.copyOfRange(payload, 0, split));
            Files.write(dir.resolve("model.safetensors"),
                    Arrays.copyOfRange(payload, Math.min(payload.length, split + 1), payload.length));
            HfLoader.load(dir, Parallel.SERIAL);
        } finally {
            deleteTree(dir);
        }
    }

    /** A loaded tokenizer must encode and decode; a text its regex cannot split in budget is a clean error. */
    private static void exercise(Tokenizer t) {
        try {
            t.decode(t.encode("ab c\u00e9 aab  \n1"));
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().contains("split regex")) {
                throw e;
            }
        }
        for (int i = 0; i < Math.min(t.vocabSize(), 64); i++) {
            t.display(i);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
