package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;
import dev.glassbox.testing.SharedData;
import dev.glassbox.testing.GoldenLogits;

/**
 * The GGUF qwen2 path (biases, neox rope, tied output, eps 1e-6, theta 1e6) and the writer's rope permutation for
 * llama, checked against an independent PyTorch reference: the tiny-random Hugging Face fixtures (read here with a
 * minimal safetensors parser, rotate_half rope) are exported to GGUF, loaded back through ModelLoader, and their
 * logits compared with golden.json (atol 1e-4; the fixture README says 1e-5 is safe for a float32 run).
 */
@Tag("shared-data")
class HfFixtureViaGgufTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void exportedFixtureMatchesPyTorchGolden(String name) throws Exception {
        Path dir = SharedData.require("fixtures/tiny-random/" + name);
        LlamaModel hf = readHf(dir, name.equals("qwen2") ? Architecture.QWEN2 : Architecture.LLAMA);
        Path gguf = tmp.resolve(name + ".gguf");
        GgufWriter.write(hf, null, name, gguf);
        LoadedModel m = ModelLoader.load(gguf, null, Parallel.SERIAL);
        assertEquals(name.equals("qwen2") ? RopeStyle.HALF : RopeStyle.INTERLEAVED, m.config().ropeStyle());
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        double max = GoldenLogits.maxDifference(m, golden);
        System.out.printf("%s via GGUF: max |logit diff| vs PyTorch golden = %.3g%n", name, max);
        assertTrue(max < 1e-4, name + ": " + max);
    }

    /** Minimal safetensors (all F32) -> LlamaModel with Hugging Face's rotate_half rope. */
    private static LlamaModel readHf(Path dir, Architecture arch) throws Exception {
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        byte[] file = Files.readAllBytes(dir.resolve("model.safetensors"));
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(file, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
        int dim = cfg.get("hidden_size").asInt();
        int heads = cfg.get("num_attention_heads").asInt();
        ModelConfig c = new ModelConfig(arch, dim, cfg.get("intermediate_size").asInt(),
                cfg.get("num_hidden_layers").asInt(), heads, cfg.get("num_key_value_heads").asInt(), dim / heads,
                cfg.get("vocab_size").asInt(), cfg.get("max_position_embeddings").asInt(),
                (float) cfg.get("rms_norm_eps").asDouble(), (float) cfg.get("rope_theta").asDouble(), RopeStyle.HALF);
        Hf f = new Hf(file, header, 8 + n);
        LlamaModel.Layer[] layers = new LlamaModel.Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            boolean bias = arch == Architecture.QWEN2;
            layers[l] = new LlamaModel.Layer(f.vec(p + "input_layernorm.weight"),
                    f.mat(p + "self_attn.q_proj.weight"), f.mat(p + "self_attn.k_proj.weight"),
                    f.mat(p + "self_attn.v_proj.weight"), f.mat(p + "self_attn.o_proj.weight"),
                    bias ? f.vec(p + "self_attn.q_proj.bias") : null, bias ? f.vec(p + "self_attn.k_proj.bias") : null,
                    bias ? f.vec(p + "self_attn.v_proj.bias") : null,
                    f.vec(p + "post_attention_layernorm.weight"), f.mat(p + "mlp.gate_proj.weight"),
                    f.mat(p + "mlp.up_proj.weight"), f.mat(p + "mlp.down_proj.weight"));
        }
        Tensor emb = f.mat("model.embed_tokens.weight");
        Tensor out = header.has("lm_head.weight") ? f.mat("lm_head.weight") : emb;
        return new LlamaModel(c, new LlamaModel.Weights(emb, layers, f.vec("model.norm.weight"), out), Parallel.SERIAL);
    }

    private record Hf(byte[] file, JsonNode header, long dataStart) {
        float[] vec(String key) {
            JsonNode e = header.get(key);
            long from = dataStart + e.get("data_offsets").get(0).asLong();
            long to = dataStart + e.get("data_offsets").get(1).asLong();
            float[] v = new float[(int) ((to - from) / 4)];
            ByteBuffer.wrap(file, (int) from, (int) (to - from)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        Tensor mat(String key) {
            JsonNode shape = header.get(key).get("shape");
            return new F32Tensor(MemorySegment.ofArray(vec(key)), shape.get(0).asInt(), shape.get(1).asInt());
        }
    }
}
