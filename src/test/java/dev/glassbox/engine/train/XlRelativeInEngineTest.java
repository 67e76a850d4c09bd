package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.analysis.walkthrough.WalkthroughBuilder;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.PolicyRunner;
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
        return randomModel(vocab, ContextTraining.FULL, par);
    }

    private static TrainableLlama randomModel(int vocab, ContextTraining context, Parallel par) {
        ModelShape s = new ModelShape(vocab, 16, 24, 2, 4, 2, 48, false, false, 1e-5f, 10000f,
                BlockDesign.LLAMA_XL_RELATIVE, RoutingDesign.DENSE, context);
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

        // the walkthrough draws rotary positions: it refuses this model before tracing rather than misstate its scores
        var refused = assertThrows(IllegalArgumentException.class, () -> WalkthroughBuilder.run(loaded, "Once",
                new WalkthroughBuilder.Request(0, 0, 0, 0f, 0, 1f, 1), () -> false));
        assertTrue(refused.getMessage().contains("relative positions"), refused.getMessage());
    }

    /**
     * Segment recurrence: token by token in the context lab, the policy's memory (Transformer-XL's previous segment,
     * or a sliding window) gives each key its true distance from the query, so the per-position losses equal the
     * trainer's masked forward over the whole row; and they differ from full attention (else this proves nothing).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"xl:segment=6,memory=4", "sliding:W=5"})
    void theLabsSegmentRecurrenceEqualsTheTrainersMaskedForward(String spec, @TempDir Path tmp) throws Exception {
        CharTokenizer tok = CharTokenizer.of(TEXT);
        TrainableLlama model = randomModel(tok.vocabSize(), ContextTraining.parse(spec, 48), Parallel.SERIAL);
        Checkpoint.write(tmp, model, tok, null, Map.of());
        LlamaModel loaded = (LlamaModel) ModelLoader.load(tmp, null).model();
        int[] tokens = tok.encode(TEXT);
        int[] targets = new int[tokens.length];
        for (int t = 0; t + 1 < tokens.length; t++) targets[t] = tokens[t + 1];
        targets[tokens.length - 1] = CrossEntropy.IGNORE;
        model.forward(tokens, targets, 1, tokens.length);
        float[] trainerNll = model.losses().clone();
        ContextPolicy policy = ContextPolicy.parse(spec, 48);
        float[] labNll = new PolicyRunner(loaded, policy).run(tokens, null, () -> false, null).nll();
        float[] fullNll = new PolicyRunner(loaded, new ContextPolicy.Full()).run(tokens, null, () -> false, null).nll();
        double worst = 0, apart = 0;
        for (int t = 0; t < labNll.length; t++) {
            worst = Math.max(worst, Math.abs(labNll[t] - trainerNll[t]));
            apart = Math.max(apart, Math.abs(labNll[t] - fullNll[t]));
        }
        assertTrue(worst < 1e-4, spec + ": max |nll difference| " + worst);
        assertTrue(apart > 1e-3, spec + " differs from full attention somewhere: " + apart);
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
