package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/**
 * Mixture-of-experts and random-routing checkpoints from the trainer are Mixtral/Llama folders the engine runs
 * with the trainer's logits, and the engine's {@code blocks.l.route} hook records the routers' decisions.
 */
class MoeCheckpointInEngineTest {
    private static final String TEXT = "Once upon a time, Tom saw a big dog.";

    private static TrainOptions options(RoutingDesign r, Path out) {
        return new TrainOptions(new TaskData(SyntheticTask.STORIES), 2, 4, 2, 32, 48, false, false, 48, 4, 3e-3f, 20, -1,
                3, 0.1f, 1f, 10, 0, false, out, "test").withRouting(r);
    }

    private static RoutingDesign design(String variant) {
        return switch (variant) {
            case "top1" -> RoutingDesign.experts(4, 1, ExpertRouter.Kind.TOPK, 0.01f);
            case "top2" -> RoutingDesign.experts(4, 2, ExpertRouter.Kind.TOPK, 0.01f);
            case "hash" -> RoutingDesign.experts(3, 1, ExpertRouter.Kind.HASH, 0f);
            default -> RoutingDesign.randomRouting(0.3f);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"top1", "top2", "hash", "random-routing"})
    void engineLogitsEqualTheTrainersOnTheSavedCheckpoint(String variant, @TempDir Path tmp) throws Exception {
        Path out = tmp.resolve(variant);
        TrainOptions o = options(design(variant), out);
        TrainableLlama trained = new Trainer(o, Parallel.SERIAL, line -> { }).run().model();
        JsonNode cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        if (variant.equals("random-routing")) {
            assertEquals("llama", cfg.get("model_type").asText());
            assertEquals(0.3, cfg.get("glassbox_random_routing_p").asDouble(), 1e-6);
        } else {
            assertEquals("mixtral", cfg.get("model_type").asText());
            assertEquals(o.routing().experts(), cfg.get("num_local_experts").asInt());
            assertEquals(o.routing().topK(), cfg.get("num_experts_per_tok").asInt());
        }

        LoadedModel loaded = ModelLoader.load(out, null);
        LlamaModel lm = (LlamaModel) loaded.decoder();
        assertEquals(!variant.equals("random-routing"), lm.hasExperts());
        assertEquals(variant.equals("random-routing") ? 0.3 : 0, lm.trainedRandomRouting(), 1e-6);
        int[] tokens = o.data().tokenizer().encode(TEXT);
        float[] expected = trained.logits(tokens);
        int vocab = trained.shape().vocab();
        DecoderSession s = loaded.decoder().newSession(new Capture(HookSelection.of("blocks.*.route"), 2));
        double worst = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            float[] got = s.forward(tokens[pos], pos);
            for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(got[v] - expected[pos * vocab + v]));
            Map<HookName, Captured> c = s.drainCaptured();
            if (lm.hasExperts()) {
                for (int l = 0; l < 2; l++) {
                    float[] route = c.get(HookName.of(HookPoint.ROUTE, l)).values();
                    int[] chosen = trained.experts(l)[pos];
                    for (int e : chosen) assertTrue(route[o.routing().experts() + e] > 0, variant + ": expert " + e + " chosen by both");
                }
            } else {
                assertTrue(c.isEmpty(), "dense layers record no route");
            }
        }
        assertTrue(worst < 1e-4, "max |logit difference| " + worst);
    }

    @Test
    void topOneRoutingPicksTheArgmaxExpertAndWeighsItByItsProbability(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("top1");
        new Trainer(options(design("top1"), out), Parallel.SERIAL, line -> { }).run();
        LoadedModel m = ModelLoader.load(out, null);
        DecoderSession s = m.decoder().newSession(new Capture(HookSelection.of("blocks.*.route"), 2));
        int[] ids = m.tokenizer().encode(TEXT);
        for (int pos = 0; pos < ids.length; pos++) {
            s.forward(ids[pos], pos);
            for (Captured c : s.drainCaptured().values()) {
                float[] v = c.values();
                int n = c.dim(1);
                int argmax = 0, chosen = -1, count = 0;
                double sum = 0;
                for (int e = 0; e < n; e++) {
                    sum += v[e];
                    if (v[e] > v[argmax]) argmax = e;
                    if (v[n + e] != 0) { chosen = e; count++; }
                }
                assertEquals(1, count, "top-1 uses one expert");
                assertEquals(argmax, chosen, c.hook() + " at " + pos);
                assertEquals(v[argmax], v[n + chosen], 1e-7, "Switch gate = router probability");
                assertEquals(1, sum, 1e-5);
            }
        }
    }

    @Test
    void hashRoutingSendsATokenIdToTheSameExpertEveryTime(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("hash");
        new Trainer(options(design("hash"), out), Parallel.SERIAL, line -> { }).run();
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        LoadedModel m = ModelLoader.load(out, null);
        int[] ids = m.tokenizer().encode("a cat, a dog, a cat and a dog sat.");
        Map<String, Integer> seen = new HashMap<>();
        DecoderSession s = m.decoder().newSession(new Capture(HookSelection.of("blocks.*.route"), 2));
        int repeats = 0;
        for (int pos = 0; pos < ids.length; pos++) {
            s.forward(ids[pos], pos);
            for (Captured c : s.drainCaptured().values()) {
                int n = c.dim(1);
                int expert = -1;
                for (int e = 0; e < n; e++) if (c.values()[n + e] == 1f) expert = e;
                Integer before = seen.putIfAbsent(c.hook().layer() + ":" + ids[pos], expert);
                if (before != null) {
                    repeats++;
                    assertEquals(before.intValue(), expert, "token " + ids[pos] + " in " + c.hook());
                }
            }
        }
        assertTrue(repeats > 20, "the text repeats tokens: " + repeats);
        assertArrayEquals(new int[] {new ExpertRouter.Hash(3, 1).route(ids[0], null).experts()[0]},
                new int[] {seen.get("1:" + ids[0])});
    }
}
