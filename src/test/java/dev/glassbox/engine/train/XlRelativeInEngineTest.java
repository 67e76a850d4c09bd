package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.EngineLogits;

/**
 * A model with Transformer-XL relative positions (Dai et al. 2019 sec. 3.3) saved by the trainer opens in the engine
 * with its u, v and W_R and gives the trainer's logits (within 1e-4) position by position over the causal cache.
 */
class XlRelativeInEngineTest {
    private static final String TEXT = "Once upon a time, Tom saw a big red ball.";

    private static TrainableLlama randomModel(int vocab, Parallel par) {
        ModelShape s = new ModelShape(vocab, 16, 24, 2, 4, 2, 48, false, false, 1e-5f, 10000f,
                BlockDesign.LLAMA_XL_RELATIVE, RoutingDesign.DENSE, ContextTraining.FULL);
        TrainableLlama m = new TrainableLlama(s, par);
        GradCheck.enlarge(m.params(), new Random(21));
        return m;
    }

    @Test
    void engineLogitsMatchTrainerLogits(@TempDir Path tmp) throws Exception {
        CharTokenizer tok = CharTokenizer.of(TEXT);
        TrainableLlama model = randomModel(tok.vocabSize(), Parallel.SERIAL);
        Checkpoint.write(tmp, model, tok, null, Map.of());
        assertTrue(Files.readString(tmp.resolve("config.json")).contains("\"glassbox_positions\" : \"xl-relative\""));

        LoadedModel loaded = ModelLoader.load(tmp, null);
        assertNotNull(((LlamaModel) loaded.decoder()).relative(), "the engine loaded rotary positions");
        int[] tokens = tok.encode(TEXT);
        EngineLogits.assertMatch(loaded, tokens, model.logits(tokens), tok.vocabSize());

        TrainableLlama back = Checkpoint.read(tmp, Parallel.SERIAL).model();
        assertEquals(BlockDesign.LLAMA_XL_RELATIVE, back.shape().design(), "the trainer reads its design back");
    }

    @Test
    void anUnknownPositionDesignIsAClearError(@TempDir Path tmp) throws Exception {
        CharTokenizer tok = CharTokenizer.of(TEXT);
        Checkpoint.write(tmp, randomModel(tok.vocabSize(), Parallel.SERIAL), tok, null, Map.of());
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"xl-relative\"", "\"alibi\""));
        FormatException e = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class,
                () -> ModelLoader.load(tmp, null));
        assertTrue(e.getMessage().contains("glassbox_positions 'alibi' is not supported"), e.getMessage());
    }
}
