package dev.glassbox.engine.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.analysis.Perplexity;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;

/**
 * The context lab's {@code full} method is the model's own forward: on the bundled models (dense, mixture of
 * experts, random routing) its per-token nll equals {@code score}'s. The lab once ran MoE blocks without their
 * experts (perplexity 5,700 instead of 4.39 on this text with moe-stories).
 */
class ContextLabMatchesScoreTest {
    /** The first 60 characters of the TinyStories sample. */
    private static final String TEXT = "Once upon a time there was a little boy named Ben. Ben love";

    @ParameterizedTest
    @ValueSource(strings = {"moe-stories", "random-routing-stories", "tiny-stories-grammar"})
    void fullAttentionInTheLabScoresAsScoreDoes(String name) throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models", name), null);
        LlamaModel llama = (LlamaModel) m.model();
        int[] ids = m.tokenizer().encode(TEXT);
        Perplexity.Result score = Perplexity.score(llama, ids, 64, () -> false);
        ContextLab.MethodResult full = ContextLab.run(llama, m.tokenizer(), ids, List.of(new ContextPolicy.Full()),
                ContextLab.PasskeySettings.none(), (stage, done, total) -> { }, () -> false).getFirst();
        for (int t = 0; t < ids.length - 1; t++) {
            assertEquals(-score.logProbs()[t], full.nll()[t], 1e-5, name + " nll at " + t);
        }
        assertEquals(score.perplexity(), full.perplexity(0, ids.length), 1e-4 * score.perplexity(), name + " perplexity");
    }
}
