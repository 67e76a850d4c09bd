package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.hf.SafetensorsFile;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.EngineLogits;

/** The GPT-2 block design saves in Hugging Face's GPT-2 layout, which the engine's {@link Gpt2Model} runs unchanged. */
class Gpt2CheckpointTest {

    private static TrainOptions gpt2(Path out) {
        return TrainOptions.of(new TaskData(SyntheticTask.STORIES), 2, 4, 32, 32, 4, 20, 3)
                .withDesign(BlockDesign.GPT2).withOut(out);
    }

    @Test
    void engineGpt2ModelGivesTheTrainersLogits(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("gpt2");
        TrainOptions o = gpt2(out);
        TrainableLlama trained = new Trainer(o, Parallel.SERIAL, line -> { }).run().model();

        JsonNode c = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("gpt2", c.get("model_type").asText());
        SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"));
        for (String name : List.of("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.1.ln_1.bias",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.bias", "transformer.h.1.mlp.c_fc.weight",
                "transformer.h.1.mlp.c_proj.weight", "transformer.h.0.ln_2.weight", "transformer.ln_f.bias")) {
            assertTrue(st.contains(name), name);
        }
        int hidden = trained.shape().hidden();
        assertArrayEquals(new long[] {32, 96}, st.entry("transformer.h.0.attn.c_attn.weight").shape(), "Conv1D [in, 3 out]");
        assertArrayEquals(new long[] {32, hidden}, st.entry("transformer.h.0.mlp.c_fc.weight").shape(), "Conv1D [in, out]");

        LoadedModel loaded = ModelLoader.load(out, null);
        assertInstanceOf(Gpt2Model.class, loaded.model());
        String text = "Once upon a time, Tom";
        int[] tokens = o.data().tokenizer().encode(text);
        assertArrayEquals(tokens, loaded.tokenizer().encode(text));
        float[] expected = trained.logits(tokens);
        int vocab = trained.shape().vocab();
        EngineLogits.assertMatch(loaded, tokens, expected, vocab);

        Checkpoint.Restored back = Checkpoint.read(out, Parallel.SERIAL);
        assertEquals(BlockDesign.GPT2, back.model().shape().design());
        assertArrayEquals(expected, back.model().logits(tokens), "the trainer reads its GPT-2 checkpoint back exactly");
    }

    @Test
    void resumingAGpt2RunContinuesExactly(@TempDir Path tmp) throws Exception {
        TrainOptions straight = gpt2(tmp.resolve("a"));
        List<Double> all = new Trainer(straight, Parallel.SERIAL, line -> { }).run().trainLosses();
        Path b = tmp.resolve("b");
        new Trainer(gpt2(b), Parallel.SERIAL, line -> { }).run(10);
        TrainOptions again = gpt2(b);
        again = new TrainOptions(again.data(), again.layers(), again.heads(), again.kvHeads(), again.dim(), again.hidden(),
                again.attentionOnly(), again.tied(), again.seq(), again.batch(), again.lr(), again.steps(), again.warmup(),
                again.seed(), again.weightDecay(), again.clip(), again.evalEvery(), again.saveEvery(), true, b, "",
                again.design(), again.routing(), again.context(), again.regime());
        assertEquals(all.subList(10, 20), new Trainer(again, Parallel.SERIAL, line -> { }).run().trainLosses());
    }

    @Test
    void mixedDesignsAndUnsupportedGpt2ShapesAreRefusedBeforeTraining(@TempDir Path tmp) {
        Path out = tmp.resolve("m");
        TrainOptions mixed = TrainOptions.of(new TaskData(SyntheticTask.COPY), 1, 2, 8, 16, 2, 2, 1)
                .withDesign(BlockDesign.LLAMA.withNorm(BlockDesign.Norm.LAYER)).withOut(out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(mixed, Parallel.SERIAL, line -> { }).run());
        assertTrue(e.getMessage().contains("layer norm, swiglu mlp, rope positions") && e.getMessage().contains("--gpt2"),
                e.getMessage());
        TrainOptions attnOnly = gpt2(out).withAttentionOnly(true);
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(attnOnly, Parallel.SERIAL, line -> { }).run());
        assertTrue(e.getMessage().contains("GPT-2 blocks always have an MLP"), e.getMessage());
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void gpt2ExtrasTheLayoutCannotHoldAreRefusedBeforeTraining(@TempDir Path tmp) {
        Path out = tmp.resolve("m");
        TrainOptions moe = gpt2(out).withRouting(RoutingDesign.experts(4, 2, dev.glassbox.engine.model.ExpertRouter.Kind.TOPK, 0.01f));
        TrainOptions skip = gpt2(out).withRouting(RoutingDesign.randomRouting(0.3f));
        TrainOptions window = gpt2(out).withContext(ContextTraining.parse("sliding:W=8", 32));
        for (var c : java.util.Map.of(moe, "mixture-of-experts", skip, "--random-routing", window, "--context sliding:W=8").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(c.getKey(), Parallel.SERIAL, line -> { }).run());
            assertTrue(e.getMessage().startsWith("cannot save as GPT-2") && e.getMessage().contains(c.getValue()), e.getMessage());
        }
        assertFalse(Files.exists(out), "nothing was written");
    }
}
