package dev.glassbox.engine.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyLlama;

class PerplexityTest {
    private final LlamaModel model = TinyLlama.model(21, 16, 32, 2, 4, 2, 30, 64);

    @Test
    void withinTheContextEveryTokenIsScoredWithItsFullHistory() {
        int[] tokens = new Random(1).ints(40, 0, 30).toArray();
        Perplexity.Result r = Perplexity.score(model, tokens, 64, () -> false);
        DecoderSession s = model.newSession(Capture.none(2));
        double sum = 0;
        for (int t = 0; t + 1 < tokens.length; t++) {
            double lp = Softmax.logProb(s.forward(tokens[t], t), tokens[t + 1]);
            assertEquals(lp, r.logProbs()[t], 1e-5);
            sum += lp;
        }
        assertEquals(sum, r.sequenceLogProb(), 1e-3);
        assertEquals(Math.exp(-sum / 39), r.perplexity(), 1e-3 * r.perplexity());
    }

    @Test
    void longTextsAreScoredInStridedWindows() {
        int[] tokens = new Random(2).ints(100, 0, 30).toArray();
        Perplexity.Result r = Perplexity.score(model, tokens, 16, () -> false);
        assertEquals(99, r.logProbs().length);
        // token 20 lies in the window starting at 8 (strides of 8): predicted from tokens 8..19 at positions 0..11
        DecoderSession s = model.newSession(Capture.none(2));
        float[] logits = null;
        for (int t = 8; t <= 19; t++) logits = s.forward(tokens[t], t - 8);
        assertEquals(Softmax.logProb(logits, tokens[20]), r.logProbs()[19], 1e-5);
        for (float lp : r.logProbs()) assertTrue(lp < 0 && Float.isFinite(lp));
    }
}
