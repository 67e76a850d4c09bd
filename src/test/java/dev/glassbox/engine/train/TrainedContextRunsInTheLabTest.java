package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.NativeContext;
import dev.glassbox.engine.context.PolicyRunner;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * A model trained with a context method gives, in the lab under its native method (token by token, the policy's
 * memory), the same per-position losses as the trainer's masked forward over the whole row: training and the lab
 * attend to the same keys, pooled the same way.
 */
class TrainedContextRunsInTheLabTest {

    @ParameterizedTest
    @ValueSource(strings = {"sliding:W=5", "longformer:w=3,dilation=2,global=[0;9]", "xl:segment=6,memory=4",
            "compressive:memory=4,compressed=3,rate=2", "rosa:B=3"})
    void labLossesEqualTrainerLosses(String spec, @TempDir Path tmp) throws Exception {
        TaskData data = new TaskData(SyntheticTask.STORIES);
        TrainOptions o = TrainOptions.of(data, 2, 4, 32, 32, 4, 12, 3).withOut(tmp)
                .withContext(ContextTraining.parse(spec, 32));
        TrainableLlama trained = new Trainer(o, Parallel.SERIAL, line -> { }).run().model();

        LoadedModel loaded = ModelLoader.load(tmp, null);
        String recorded = NativeContext.of(loaded.source()).orElseThrow();
        ContextPolicy policy = ContextPolicy.parse(recorded, loaded.config().contextLength());
        assertEquals(ContextTraining.parse(spec, 32).policy(), policy, "config.json names the trained method");

        int[] tokens = data.tokenizer().encode("Once upon a time, there was a little dog named Sam. He");
        tokens = java.util.Arrays.copyOf(tokens, 32);
        int[] targets = new int[tokens.length];
        for (int t = 0; t + 1 < tokens.length; t++) targets[t] = tokens[t + 1];
        targets[tokens.length - 1] = CrossEntropy.IGNORE;
        trained.forward(tokens, targets, 1, tokens.length);
        float[] trainerNll = trained.losses().clone();
        float[] labNll = new PolicyRunner((LlamaModel) loaded.model(), policy).run(tokens, null, () -> false, null).nll();
        double worst = 0;
        for (int t = 0; t < labNll.length; t++) worst = Math.max(worst, Math.abs(labNll[t] - trainerNll[t]));
        assertTrue(worst < 1e-4, spec + ": max |nll difference| " + worst);

        float[] fullNll = new PolicyRunner((LlamaModel) loaded.model(), new ContextPolicy.Full())
                .run(tokens, null, () -> false, null).nll();
        double apart = 0;
        for (int t = 0; t < labNll.length; t++) apart = Math.max(apart, Math.abs(labNll[t] - fullNll[t]));
        assertTrue(apart > 1e-3, spec + " differs from full attention somewhere (else the check proves nothing)");
    }
}
