package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Trains a small encoder-decoder (1 + 1 layers, dim 64, 2 heads, 600 steps of 32 pairs) on string reversal
 * once, then checks what it learned and that the inference engine runs the saved checkpoint exactly as the
 * trainer does: same logits under teacher forcing, same greedy decodes, and an anti-diagonal cross-attention.
 */
class Seq2SeqTrainingTest {
    private static final Seq2SeqData DATA = new Seq2SeqData(SyntheticTask.REVERSE);
    private static final Parallel PAR = new Parallel(2);
    private static Path dir;
    private static Seq2SeqTrainer.Result result;
    private static LoadedModel loaded;

    @BeforeAll
    static void train() throws Exception {
        dir = Files.createTempDirectory("seq2seq-reverse");
        Seq2SeqOptions o = new Seq2SeqOptions(DATA, Seq2SeqOptions.shape(DATA, 64, 0, 1, 1, 2), 32, 3e-3f, 600, -1,
                1, 0.1f, 1f, 100, 256, dir.resolve("model"), "test");
        result = new Seq2SeqTrainer(o, PAR, line -> { }).run();
        loaded = ModelLoader.load(dir.resolve("model"), null, PAR);
    }

    @AfterAll
    static void close() throws Exception {
        PAR.close();
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void learnsToReverseHeldOutStrings() {
        assertTrue(result.accuracy() >= 0.9, "exact match on held-out strings " + result.accuracy());
        assertTrue(result.valLoss() < 0.1, "validation loss " + result.valLoss());
        List<Double> losses = result.trainLosses();
        assertTrue(losses.getLast() < losses.getFirst() / 10, "loss fell from " + losses.getFirst() + " to " + losses.getLast());
    }

    @Test
    void heldOutStringsAreNeverTrainedOn() {
        for (int step = 0; step < 50; step++) {
            Seq2SeqBatch b = DATA.trainBatch(1, step, 32);
            for (int i = 0; i < b.batch(); i++) {
                StringBuilder s = new StringBuilder();
                for (int t = 1; t < b.sourceLengths()[i] - 1; t++) {
                    s.append(DATA.tokenizer().pieces().get(b.source()[i * b.sourceSeq() + t]));
                }
                assertTrue(!Seq2SeqData.heldOut(s.toString()), "training drew held-out '" + s + "'");
            }
        }
        for (Seq2SeqData.Pair p : DATA.validationPairs(100)) {
            assertTrue(Seq2SeqData.heldOut(p.source()));
            assertEquals(new StringBuilder(p.source()).reverse().toString(), p.target());
        }
    }

    @Test
    void checkpointIsHuggingFaceLayoutWithGlassboxModelType() throws Exception {
        Path m = dir.resolve("model");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "training.json"}) {
            assertTrue(Files.isRegularFile(m.resolve(f)), f);
        }
        JsonNode c = new ObjectMapper().readTree(m.resolve("config.json").toFile());
        assertEquals(Seq2SeqModel.MODEL_TYPE, c.get("model_type").asText());
        assertEquals(1, c.get("num_encoder_layers").asInt());
        assertEquals(DATA.eos(), c.get("eos_token_id").asInt());
        assertEquals(Architecture.SEQ2SEQ, loaded.config().architecture());
        assertTrue(loaded.isSeq2Seq() && !loaded.isDecoder());
        assertEquals(result.model().parameterCount(), loaded.model().parameterCount());
        java.util.Set<String> engineNames = new java.util.HashSet<>(loaded.model().matrices().keySet());
        engineNames.addAll(loaded.model().vectors().keySet());
        assertEquals(result.model().params().stream().map(Param::name).collect(java.util.stream.Collectors.toSet()),
                engineNames, "the engine lists every tensor under its file name");
        JsonNode t = new ObjectMapper().readTree(m.resolve("training.json").toFile());
        assertEquals(result.accuracy(), t.get("exact_match").asDouble(), 1e-12);
    }

    @Test
    void engineLogitsEqualTheTrainersForwardOnTheSavedCheckpoint() throws Exception {
        TrainableSeq2Seq reread = Seq2SeqCheckpoint.read(dir.resolve("model"), PAR).model();
        Seq2SeqModel engine = loaded.seq2seq();
        int vocab = DATA.tokenizer().vocabSize();
        double worst = 0;
        for (String s : new String[] {"hello", "zq", "abcdefghi"}) {
            int[] source = DATA.sourceIds(s);
            assertArrayEquals(source, engine.sourceIds(loaded.tokenizer().encode(s)), "engine tokenizer lays out the source");
            // teacher forcing on a wrong target too: the logits must agree whatever the decoder is fed
            int[] targetIn = DATA.targetInput(new StringBuilder(s).reverse() + "x");
            float[] expected = reread.logits(source, targetIn);
            Seq2SeqModel.Session session = engine.start(source, false);
            for (int t = 0; t < targetIn.length; t++) {
                float[] got = session.step(targetIn[t]);
                for (int v = 0; v < vocab; v++) {
                    worst = Math.max(worst, Math.abs(got[v] - expected[t * vocab + v]));
                }
            }
        }
        assertTrue(worst < 1e-4, "max |logit difference| " + worst);
    }

    @Test
    void engineGreedyDecodesEqualTheTrainers() {
        List<Seq2SeqData.Pair> pairs = DATA.validationPairs(64);
        int[][] sources = pairs.stream().map(p -> DATA.sourceIds(p.source())).toArray(int[][]::new);
        int[][] trainer = result.model().greedy(sources, DATA.bos(), DATA.eos(), 16);
        for (int i = 0; i < sources.length; i++) {
            Seq2SeqModel.Decoded d = loaded.seq2seq().generate(sources[i], 16, false, () -> false, t -> { });
            assertArrayEquals(trainer[i], d.output(), pairs.get(i).source());
        }
    }

    /**
     * The alignment map: for output character i of an n-character source, the cross-attention (mean over heads)
     * peaks on source character n-1-i, at source position n-i after BOS.
     */
    @Test
    void crossAttentionOfReverseIsAntiDiagonal() {
        int aligned = 0;
        int total = 0;
        for (Seq2SeqData.Pair p : DATA.validationPairs(64)) {
            int n = p.source().length();
            if (n < 4) {
                continue;
            }
            Seq2SeqModel.Decoded d = loaded.seq2seq().generate(DATA.sourceIds(p.source()), 16, true, () -> false, t -> { });
            assertEquals(Generation.StopReason.END_OF_SEQUENCE, d.stop());
            Seq2SeqModel.AttentionMap cross = d.patterns().get(Seq2SeqModel.crossPattern(0));
            assertEquals(n + 2, cross.keys());
            assertEquals(d.output().length + 1, cross.queries(), "one row per decoder position, the one predicting the end too");
            for (int i = 0; i < n; i++) {
                float[] mean = new float[cross.keys()];
                for (int h = 0; h < cross.heads(); h++) {
                    for (int k = 0; k < cross.keys(); k++) {
                        mean[k] += cross.get(h, i, k) / cross.heads();
                    }
                }
                int best = 0;
                for (int k = 1; k < mean.length; k++) {
                    if (mean[k] > mean[best]) best = k;
                }
                total++;
                if (best == n - i) aligned++;
            }
        }
        assertTrue(aligned >= 0.8 * total, aligned + " of " + total + " outputs attend to their mirrored source character");
    }

    @Test
    void capturedPatternsHaveTheirStableNamesAndShapes() {
        Seq2SeqModel.Decoded d = loaded.seq2seq().generate(DATA.sourceIds("abc"), 16, true, () -> false, t -> { });
        assertEquals(List.of("encoder.blocks.0.attn.pattern", "decoder.blocks.0.attn.pattern",
                "decoder.blocks.0.cross_attn.pattern"), List.copyOf(d.patterns().keySet()));
        Seq2SeqModel.AttentionMap self = d.patterns().get("decoder.blocks.0.attn.pattern");
        for (int h = 0; h < self.heads(); h++) {
            for (int q = 0; q < self.queries(); q++) {
                double sum = 0;
                for (int k = 0; k < self.keys(); k++) {
                    sum += self.get(h, q, k);
                    if (k > q) assertEquals(0f, self.get(h, q, k), "causal");
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
        assertEquals(5, d.patterns().get("encoder.blocks.0.attn.pattern").queries());
    }

    @Test
    void badInputsAreRejectedWithTheAllowedRange() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> loaded.seq2seq().start(new int[40], false));
        assertTrue(tooLong.getMessage().contains("1 to 16"), tooLong.getMessage());
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> new Seq2SeqData(SyntheticTask.STORIES));
        assertTrue(task.getMessage().contains("copy, reverse or sort"), task.getMessage());
        assertTrue(Arrays.equals(new int[0], loaded.seq2seq().generate(DATA.sourceIds("ab"), 1, false, () -> true, t -> { }).output()));
    }
}
