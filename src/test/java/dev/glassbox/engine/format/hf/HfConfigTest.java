package dev.glassbox.engine.format.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;

class HfConfigTest {
    @TempDir
    Path dir;

    private HfConfig read(String json) throws Exception {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return HfConfig.read(p);
    }

    private String error(String json) {
        FormatException e = assertThrows(FormatException.class, () -> read(json));
        assertTrue(e.getMessage().startsWith("config.json: "), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static final String LLAMA = """
            {"model_type": "llama", "hidden_size": 64, "intermediate_size": 160, "num_attention_heads": 8,
             "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 512, "rms_norm_eps": 1e-05,
             "max_position_embeddings": 256, "rope_theta": 10000.0%s}""";

    @Test
    void llamaWithGroupedQueryAttention() throws Exception {
        HfConfig h = read(LLAMA.formatted(""));
        ModelConfig c = h.model();
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(RopeStyle.HALF, c.ropeStyle());
        assertEquals(8, c.heads());
        assertEquals(2, c.kvHeads());
        assertEquals(8, c.headDim());
        assertEquals(4, c.groupSize());
        assertEquals(160, c.hiddenDim());
        assertEquals(256, c.contextLength());
        assertEquals(1e-5f, c.normEps());
        assertFalse(h.tiedEmbeddings());
        assertFalse(h.attentionOnly());
    }

    @Test
    void ropeThetaFromTransformersV5RopeParameters() throws Exception {
        String v5 = LLAMA.formatted(", \"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500000.0}")
                .replace("\"rope_theta\": 10000.0", "\"attention_bias\": false");
        assertEquals(500000f, read(v5).model().ropeTheta());
        assertEquals(10000f, read(LLAMA.formatted(", \"rope_scaling\": {\"rope_type\": \"default\"}")).model().ropeTheta());
    }

    @Test
    void qwen2DefaultsFollowQwen2Config() throws Exception {
        HfConfig h = read("""
                {"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 160, "num_attention_heads": 8,
                 "num_hidden_layers": 2, "vocab_size": 512, "tie_word_embeddings": true}""");
        assertEquals(Architecture.QWEN2, h.model().architecture());
        assertEquals(1e-6f, h.model().normEps());
        assertEquals(10000f, h.model().ropeTheta());
        assertEquals(8, h.model().kvHeads(), "num_key_value_heads defaults to the head count");
        assertEquals(32768, h.model().contextLength());
        assertTrue(h.tiedEmbeddings());
    }

    @Test
    void gpt2InnerDimensionDefaultsToFourTimesEmbedding() throws Exception {
        String base = """
                {"model_type": "gpt2", "n_embd": 64, "n_layer": 2, "n_head": 4, "n_positions": 128,
                 "vocab_size": 50257, "layer_norm_epsilon": 1e-05, "n_inner": %s}""";
        HfConfig h = read(base.formatted("null"));
        assertEquals(Architecture.GPT2, h.model().architecture());
        assertEquals(256, h.model().hiddenDim());
        assertEquals(16, h.model().headDim());
        assertEquals(128, h.model().contextLength());
        assertEquals(RopeStyle.NONE, h.model().ropeStyle());
        assertTrue(h.tiedEmbeddings());
        assertEquals(100, read(base.formatted("100")).model().hiddenDim());
        assertTrue(error(base.formatted("100").replace("\"n_head\": 4", "\"n_head\": 5"))
                .contains("n_embd 64 is not a multiple of n_head 5"));
    }

    @Test
    void bert() throws Exception {
        HfConfig h = read("""
                {"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 128, "max_position_embeddings": 128, "type_vocab_size": 2,
                 "layer_norm_eps": 1e-12, "vocab_size": 30522, "hidden_act": "gelu"}""");
        assertEquals(Architecture.BERT, h.model().architecture());
        assertFalse(h.model().architecture().isDecoder());
        assertEquals(128, h.model().hiddenDim());
        assertEquals(1e-12f, h.model().normEps());
        assertEquals(2, h.typeVocabSize());
    }

    @Test
    void attentionOnlyExtensionNeedsNoMlpSize() throws Exception {
        HfConfig h = read(LLAMA.formatted(", \"glassbox_attention_only\": true").replace("\"intermediate_size\": 160,", ""));
        assertTrue(h.attentionOnly());
        assertTrue(error(LLAMA.formatted(", \"glassbox_attention_only\": \"yes\""))
                .contains("key 'glassbox_attention_only' must be true or false"));
    }

    @Test
    void unknownOrMissingModelType() {
        assertEquals("config.json: model_type 'mamba' is not supported (supported: llama, qwen2, mixtral, gpt2, bert, glassbox-seq2seq)",
                error("{\"model_type\": \"mamba\", \"hidden_size\": 64}"));
        assertEquals("config.json: missing key 'model_type'", error("{\"hidden_size\": 64}"));
    }

    @Test
    void missingOrMistypedKeys() {
        assertEquals("config.json: missing key 'hidden_size' (model_type llama)",
                error(LLAMA.formatted("").replace("\"hidden_size\": 64,", "")));
        assertEquals("config.json: missing key 'intermediate_size' (model_type llama)",
                error(LLAMA.formatted("").replace("\"intermediate_size\": 160,", "")));
        assertEquals("config.json: missing key 'n_positions' (model_type gpt2)",
                error("{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_layer\": 2, \"n_head\": 4, \"vocab_size\": 10}"));
        assertEquals("config.json: key 'num_hidden_layers' must be an integer, got 2.5",
                error(LLAMA.formatted("").replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2.5")));
        assertTrue(error("{\"model_type\": ").startsWith("config.json: not valid JSON"));
    }

    @Test
    void implausibleOrUnsupportedSettings() {
        assertTrue(error(LLAMA.formatted("").replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"))
                .contains("kv head count (must divide the head count 8): 3"));
        assertTrue(error(LLAMA.formatted(", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}"))
                .contains("rope_scaling {\"type\":\"linear\",\"factor\":2.0} is not supported"));
        assertTrue(error(LLAMA.formatted(", \"rope_parameters\": {\"rope_type\": \"llama3\", \"factor\": 8.0}"))
                .contains("rope_parameters {\"rope_type\":\"llama3\",\"factor\":8.0} is not supported"));
        assertTrue(error(LLAMA.formatted(", \"hidden_act\": \"gelu\"")).contains("hidden_act 'gelu' is not supported"));
        assertTrue(error(LLAMA.formatted(", \"attention_bias\": true")).contains("attention_bias true"));
    }
}
