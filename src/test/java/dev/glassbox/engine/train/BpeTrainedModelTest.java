package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.testing.EngineLogits;

/** A model trained on a small text with a learned BPE loads in the engine, gives the trainer's logits and generates text. */
class BpeTrainedModelTest {

    @Test
    void trainedWithBpeLoadsAndGeneratesInTheEngine(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("stories.txt");
        Files.writeString(text, BpeLearnerTest.stories(400, 3));
        int vocab = 160;
        TextData data = TextData.read(text, 48, t -> BpeLearner.learn(t, vocab));
        assertEquals(vocab, data.tokenizer().vocabSize());
        Path out = tmp.resolve("m");
        TrainOptions o = new TrainOptions(data, 2, 4, 4, 48, 0, false, true, 48, 8, 1e-2f, 150, -1, 4, 0.1f, 1f, 150, 0,
                false, out, "test");
        Trainer.Result r = new Trainer(o, Parallel.SERIAL, line -> { }).run();
        // well below the uniform log(160) = 5.08 nats per token: the model learned the text
        assertTrue(r.valLoss() < 3.0, "validation loss " + r.valLoss());

        LoadedModel loaded = ModelLoader.load(out, null);
        String prompt = "Once upon a time, there was a";
        int[] tokens = data.tokenizer().encode(prompt);
        assertArrayEquals(tokens, loaded.tokenizer().encode(prompt));
        EngineLogits.assertMatch(loaded, tokens, r.model().logits(tokens), vocab);

        Generation.Result g = Generation.run(loaded.decoder().newSession(Capture.none(loaded.config().layers())),
                loaded.tokenizer(), tokens, Generation.Settings.greedy(30), TraceListener.NONE,
                Generation.TokenListener.NONE, () -> false);
        int[] trainerGreedy = r.model().generate(tokens, 30, 0f, new Random(1));
        assertArrayEquals(trainerGreedy, g.generated(), "engine and trainer generate the same greedy tokens");
        String generated = loaded.tokenizer().decode(g.generated());
        assertTrue(generated.length() > 30 && generated.matches("[ -~\\n]+"), "generated '" + generated + "'");
        System.out.printf("val loss %.3f, generated %s: %s (%s)%n", r.valLoss(), java.util.Arrays.toString(g.generated()), generated, g.stop());
        String[] words = generated.trim().split("[^A-Za-z]+");
        assertTrue(Files.readString(text).contains(" " + words[0]), "'" + words[0] + "' is a word of the text");
    }
}
