package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.format.MappedFile;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.ByteLevelBpe;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.tokenizer.TokenizerJson;
import dev.glassbox.testing.SharedData;
import dev.glassbox.testing.GoldenLogits;
import dev.glassbox.testing.Qwen2StyleTokenizer;

/**
 * The GGUF {@code gpt2} architecture: the tiny-random Hugging Face GPT-2 fixture (independent PyTorch golden
 * logits) and the real GPT-2 tokenizer are exported with llama.cpp's names and keys, read back through
 * ModelLoader, and must reproduce the golden logits and GPT-2's token ids.
 */
@Tag("shared-data")
class Gpt2GgufTest {
    private static final String TEXT = "Hello, my dog is cute.";
    private static final int[] GPT2_IDS = {15496, 11, 616, 3290, 318, 13779, 13}; // the fixture README's len7 input

    @TempDir
    Path tmp;

    private static final String[] SAMPLES = {TEXT, "I'm sure they'll say it's 12345 dollars!", "  two  spaces\n\nand lines\r\n",
        "caf\u00e9 \u65e5\u672c\u8a9e \ud83d\ude00", "HELLO'S WORLD'LL", "<|endoftext|>after"};

    private Path exportFixture() throws Exception {
        return exportFixture(TokenizerJson.load(SharedData.require("models/gpt2-bpe/tokenizer.json")));
    }

    private Path exportFixture(Tokenizer tokenizer) throws Exception {
        Path dir = SharedData.require("fixtures/tiny-random/gpt2");
        LoadedModel hf = ModelLoader.load(dir, null, Parallel.SERIAL);
        Path gguf = tmp.resolve("gpt2.gguf");
        GgufWriter.write((Gpt2Model) hf.model(), tokenizer, "tiny-random-gpt2", gguf);
        return gguf;
    }

    /** The GGUF tokenizer must split exactly like the tokenizer.json one it was written from. */
    private static void assertSameEncoding(Tokenizer want, Tokenizer got) {
        for (String s : SAMPLES) {
            assertArrayEquals(want.encode(s), got.encode(s), "'" + s + "'");
            assertEquals(s, got.decode(got.encode(s)));
        }
    }

    @Test
    void exportedFixtureMatchesPyTorchGolden() throws Exception {
        Path gguf = exportFixture();
        GgufFile g = GgufReader.read(MappedFile.open(gguf));
        assertEquals("gpt2", g.string("general.architecture"));
        assertEquals(4, g.integer("gpt2.attention.head_count", 1, 64));
        assertEquals(java.util.List.of(64L, 192L), java.util.Arrays.stream(g.info("blk.0.attn_qkv.weight").ne()).boxed().toList());
        assertTrue(!g.has("output.weight"), "tied head: no output.weight");

        LoadedModel m = ModelLoader.load(gguf, null, Parallel.SERIAL);
        assertInstanceOf(Gpt2Model.class, m.model());
        Path dir = SharedData.require("fixtures/tiny-random/gpt2");
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        double max = GoldenLogits.maxDifference(m, golden);
        System.out.printf("gpt2 via GGUF: max |logit diff| vs PyTorch golden = %.3g%n", max);
        assertTrue(max < 1e-4, "gpt2: " + max);
    }

    @Test
    void gpt2TokenizerSurvivesTheRoundTrip() throws Exception {
        LoadedModel m = ModelLoader.load(exportFixture(), null, Parallel.SERIAL);
        ByteLevelBpe t = assertInstanceOf(ByteLevelBpe.class, m.tokenizer());
        int[] ids = t.encode(TEXT);
        assertArrayEquals(GPT2_IDS, ids);
        assertEquals(50256, t.eos());
        StringBuilder back = new StringBuilder();
        int prev = -1;
        for (int id : ids) {
            back.append(new String(t.bytes(prev, id), StandardCharsets.UTF_8));
            prev = id;
        }
        assertEquals(TEXT, back.toString());
        assertArrayEquals(new int[] {50256}, t.encode("<|endoftext|>"), "added token kept as one id");
        assertSameEncoding(TokenizerJson.load(SharedData.require("models/gpt2-bpe/tokenizer.json")), t);
    }

    /** A Qwen2-style tokenizer.json (Split with Qwen2's regex, ByteLevel without) is stored as pre "qwen2". */
    @Test
    void qwen2PreTokenizerSurvivesTheRoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = Qwen2StyleTokenizer.json(json, GgufByteLevelBpe.QWEN2_SPLIT);
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, json.writeValueAsString(root));
        Tokenizer qwen = TokenizerJson.load(f);
        Path gguf = exportFixture(qwen);
        assertEquals("qwen2", GgufReader.read(MappedFile.open(gguf)).string("tokenizer.ggml.pre"));
        Tokenizer back = ModelLoader.load(gguf, null, Parallel.SERIAL).tokenizer();
        assertSameEncoding(qwen, back);
        assertTrue(!java.util.Arrays.equals(qwen.encode(SAMPLES[1]),
                TokenizerJson.load(SharedData.require("models/gpt2-bpe/tokenizer.json")).encode(SAMPLES[1])),
                "the samples tell the two regexes apart");
    }

    @Test
    void missingPositionEmbeddingIsNamed() throws Exception {
        Path gguf = exportFixture();
        byte[] bytes = Files.readAllBytes(gguf);
        byte[] name = "position_embd.weight".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, name);
        assertTrue(at > 0);
        bytes[at + "position_embd".length() - 1] = 'X'; // same length: the file stays valid, the tensor is gone
        Path broken = tmp.resolve("no-pos.gguf");
        Files.write(broken, bytes);
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(broken, null, Parallel.SERIAL));
        assertTrue(e.getMessage().contains("position_embd.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("no-pos.gguf"), e.getMessage());
    }

    /** llama.cpp's converter stores output.weight as a copy of token_embd: accepted; a different head is refused. */
    @Test
    void outputWeightMustEqualTheTokenEmbedding() throws Exception {
        Path gguf = exportFixture(null);
        GgufBytes b = GgufBytes.copyOf(GgufReader.read(MappedFile.open(gguf)));
        int emb = b.tensors.indexOf(b.tensors.stream().filter(t -> t.name().equals("token_embd.weight")).findFirst().orElseThrow());
        long end = 0;
        for (int i = 0; i < b.tensors.size(); i++) {
            end = Math.max(end, b.tensors.get(i).offset() + b.data.get(i).length);
        }
        GgufTensorInfo e = b.tensors.get(emb);
        b.tensors.add(new GgufTensorInfo("output.weight", e.ne(), e.type(), GgufReader.align(end, 32)));
        b.data.add(b.data.get(emb).clone());
        Path copy = tmp.resolve("copy.gguf");
        Files.write(copy, b.bytes());
        assertInstanceOf(Gpt2Model.class, ModelLoader.load(copy, null, Parallel.SERIAL).model());

        b.data.getLast()[100] ^= 1;
        Path untied = tmp.resolve("untied.gguf");
        Files.write(untied, b.bytes());
        FormatException x = assertThrows(FormatException.class, () -> ModelLoader.load(untied, null, Parallel.SERIAL));
        assertEquals("untied.gguf: tensor 'output.weight' differs from 'token_embd.weight'; an untied GPT-2 head is not supported",
                x.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
