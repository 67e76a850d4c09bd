package dev.glassbox.engine.format.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tensor.Parallel;

/** config.json of the Glassbox encoder-decoder: what is read, and the messages for what is wrong. */
class Seq2SeqConfigTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            {"model_type": "glassbox-seq2seq", "vocab_size": 29, "hidden_size": 64, "intermediate_size": 176,
             "num_encoder_layers": 3, "num_decoder_layers": 2, "num_attention_heads": 4, "max_source_positions": 20,
             "max_target_positions": 16, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "decoder_start_token_id": 1,
             "eos_token_id": 2 %s}""";

    private HfConfig read(String json) throws Exception {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return HfConfig.read(p);
    }

    private String error(String json) {
        return assertThrows(FormatException.class, () -> read(json)).getMessage();
    }

    @Test
    void readsTheDecoderShapeAndTheEncoderSpec() throws Exception {
        HfConfig h = read(CONFIG.formatted(""));
        assertEquals(Architecture.SEQ2SEQ, h.model().architecture());
        assertEquals(2, h.model().layers(), "the config's layers are the decoder's");
        assertEquals(16, h.model().contextLength());
        assertEquals(16, h.model().headDim());
        assertEquals(new Seq2SeqModel.Spec(3, 20, 1, 2), h.seq2seq());
        assertTrue(h.tiedEmbeddings());
    }

    @Test
    void namesMissingOrUnsupportedKeys() {
        assertTrue(error(CONFIG.formatted("").replace("\"num_encoder_layers\": 3,", "")).contains("missing key 'num_encoder_layers'"));
        assertTrue(error(CONFIG.formatted(", \"tie_word_embeddings\": false")).contains("tie_word_embeddings false is not supported"));
        assertTrue(error(CONFIG.formatted(", \"hidden_act\": \"gelu\"")).contains("hidden_act 'gelu' is not supported"));
        assertTrue(error(CONFIG.formatted("").replace("\"num_encoder_layers\": 3", "\"num_encoder_layers\": 0"))
                .contains("implausible encoder layer count: 0"));
    }

    @Test
    void weightsMustFitTheConfig() throws Exception {
        Path model = dir.resolve("m");
        Files.createDirectories(model);
        Files.writeString(model.resolve("config.json"), CONFIG.formatted(""));
        SafetensorsWriter.write(model.resolve("model.safetensors"), java.util.Map.of("model.shared.weight",
                SafetensorsWriter.Data.matrix(new float[29 * 64], 29, 64)));
        FormatException e = assertThrows(FormatException.class, () -> HfLoader.load(model, Parallel.SERIAL));
        assertTrue(e.getMessage().contains("model.encoder.layers.0.input_layernorm.weight"), e.getMessage());
    }
}
