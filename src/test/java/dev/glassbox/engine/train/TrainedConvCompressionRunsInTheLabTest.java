package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.LearnedCompression;
import dev.glassbox.engine.context.NativeContext;
import dev.glassbox.engine.context.PolicyRunner;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * A model trained with compressive fn=conv saves its learned convolution, and the lab, compressing with it, gives the
 * trainer's per-position losses (as {@link TrainedContextRunsInTheLabTest} shows for the other methods).
 */
class TrainedConvCompressionRunsInTheLabTest {

    @Test
    void labLossesWithTheLearnedCompressionEqualTrainerLosses(@TempDir Path tmp) throws Exception {
        String spec = "compressive:memory=4,compressed=3,rate=2,fn=conv";
        TaskData data = new TaskData(SyntheticTask.STORIES);
        TrainOptions o = TrainOptions.of(data, 2, 4, 32, 32, 4, 12, 3).withOut(tmp)
                .withContext(ContextTraining.parse(spec, 32));
        TrainableLlama trained = new Trainer(o, Parallel.SERIAL, line -> { }).run().model();
        String json = Files.readString(tmp.resolve("training.json"));
        assertTrue(json.contains("\"reconstruction_loss\""), json);

        LoadedModel loaded = ModelLoader.load(tmp, null);
        ContextPolicy policy = ContextPolicy.parse(NativeContext.of(loaded.source()).orElseThrow(),
                loaded.config().contextLength());
        assertEquals(ContextTraining.parse(spec, 32).policy(), policy, "config.json names the trained method");
        LearnedCompression learned = LearnedCompression.read(loaded.source(), loaded.config().layers()).orElseThrow();
        float[] mean = CompressionConv.meanWeights(loaded.config().kvDim(), 2);
        double moved = 0;
        for (int i = 0; i < mean.length; i++) moved = Math.max(moved, Math.abs(learned.key()[0][i] - mean[i]));
        assertTrue(moved > 1e-4, "training moved the convolution away from its mean-pooling start");

        int[] tokens = java.util.Arrays.copyOf(
                data.tokenizer().encode("Once upon a time, there was a little dog named Sam. He"), 32);
        int[] targets = new int[tokens.length];
        for (int t = 0; t + 1 < tokens.length; t++) targets[t] = tokens[t + 1];
        targets[tokens.length - 1] = CrossEntropy.IGNORE;
        trained.forward(tokens, targets, 1, tokens.length);
        float[] trainerNll = trained.losses().clone();
        LlamaModel llama = (LlamaModel) loaded.model();
        float[] labNll = new PolicyRunner(llama, policy, learned).run(tokens, null, () -> false, null).nll();
        double worst = 0;
        for (int t = 0; t < labNll.length; t++) worst = Math.max(worst, Math.abs(labNll[t] - trainerNll[t]));
        assertTrue(worst < 1e-4, "max |nll difference| " + worst);
        float[] comparedNll = ContextLab.run(llama, learned, loaded.tokenizer(), tokens, java.util.List.of(policy),
                ContextLab.PasskeySettings.none(), (stage, done, total) -> { }, () -> false).getFirst().nll();
        // 1e-5, not 0: the interpreter and the JIT may sum vector lanes in different orders
        for (int t = 0; t < labNll.length; t++) {
            assertEquals(labNll[t], comparedNll[t], 1e-5f, "the context lab runs the model with its learned compression");
        }

        ContextPolicy meanPolicy = ContextPolicy.parse("compressive:memory=4,compressed=3,rate=2,fn=mean", 32);
        float[] meanNll = new PolicyRunner(llama, meanPolicy).run(tokens, null, () -> false, null).nll();
        double apart = 0;
        for (int t = 0; t < labNll.length; t++) apart = Math.max(apart, Math.abs(labNll[t] - meanNll[t]));
        assertTrue(apart > 1e-5, "the learned compression differs from mean pooling somewhere (else the check proves nothing)");
    }

    @Test
    void convWithoutLearnedWeightsIsRefusedClearly(@TempDir Path tmp) throws Exception {
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.STORIES), 1, 2, 16, 16, 2, 2, 1).withOut(tmp);
        new Trainer(o, Parallel.SERIAL, line -> { }).run();
        LoadedModel loaded = ModelLoader.load(tmp, null);
        assertTrue(LearnedCompression.read(loaded.source(), loaded.config().layers()).isEmpty());
        ContextPolicy conv = ContextPolicy.parse("compressive:memory=4,compressed=2,rate=2,fn=conv", 16);
        var e = assertThrows(IllegalArgumentException.class, () -> new PolicyRunner((LlamaModel) loaded.model(), conv));
        assertTrue(e.getMessage().contains("fn=conv") && e.getMessage().contains("has none"), e.getMessage());
    }
}
