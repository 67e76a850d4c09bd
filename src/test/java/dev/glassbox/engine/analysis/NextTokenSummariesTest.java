package dev.glassbox.engine.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.testing.TinyLlama;

/** The per-position summaries a run keeps equal what the full logits give, computed here in float64. */
class NextTokenSummariesTest {
    private static final HookName LOGITS = HookName.of(HookPoint.LOGITS);

    @Test
    void summariesOfAPrefilledAndSampledRunMatchTheFullLogits() {
        LlamaModel model = TinyLlama.model(5, 16, 24, 2, 4, 2, TinyLlama.VOCAB, 40);
        Capture cap = new Capture(HookSelection.of("logits,blocks.*.resid_post"), model.config().layers());
        DecoderSession session = model.newSession(cap);
        int[] prompt = {1, 7, 12, 3, 30, 9, 22, 14, 5, 8, 11};
        NextTokenSummaries summaries = new NextTokenSummaries();
        List<TraceStep> full = new ArrayList<>();
        List<TraceStep> passed = new ArrayList<>();
        var settings = new Generation.Settings(9, 0.9f, 1f, 0, 3, false); // sampled, so the next tokens come from the sampler too
        Generation.Result r = Generation.run(session, null, prompt, settings, step -> {
            full.add(step);
            passed.add(summaries.take(step));
        }, Generation.TokenListener.NONE, () -> false);
        int[] tokens = r.tokens();
        assertEquals(prompt.length + 9, tokens.length);

        List<NextTokenSummaries.Prediction> got = summaries.predictions(tokens);
        assertEquals(full.size(), got.size(), "every step's next token is known (the last one's from the run's tokens)");
        for (int p = 0; p < got.size(); p++) {
            float[] logits = full.get(p).get(LOGITS).orElseThrow().values();
            NextTokenSummaries.Prediction s = got.get(p);
            assertEquals(p, s.position());
            assertEquals(tokens[p + 1], s.next());
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits) max = Math.max(max, v);
            double z = 0;
            for (float v : logits) z += Math.exp(v - max);
            double lse = max + Math.log(z);
            double entropy = 0;
            for (float v : logits) {
                double q = Math.exp(v - lse);
                entropy -= q * Math.log(q);
            }
            assertEquals(logits[tokens[p + 1]] - lse, s.nextLogProb(), 1e-5, "log p at " + p);
            assertEquals(entropy, s.entropy(), 1e-5, "entropy at " + p);
            Integer[] order = IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i)).toArray(Integer[]::new);
            assertEquals(NextTokenSummaries.TOP_K, s.top().size());
            for (int i = 0; i < s.top().size(); i++) {
                TokenProbability t = s.top().get(i);
                assertEquals(order[i], t.token(), "rank " + i + " at " + p);
                assertEquals(Math.exp(logits[order[i]] - lse), t.probability(), 1e-6);
            }
        }
        for (TraceStep st : passed) {
            assertTrue(st.get(LOGITS).isEmpty(), "logits dropped at " + st.position());
            assertTrue(st.get(HookName.of(HookPoint.RESID_POST, 1)).isPresent(), "other hooks kept at " + st.position());
        }
    }

    @Test
    void surprisalOfTheSummariesIsTokenSurprisalsScore() {
        LlamaModel model = TinyLlama.model(8);
        int[] ids = new TinyLlama.CharTokenizer().encode("the cat sat on");
        NextTokenSummaries summaries = new NextTokenSummaries();
        DecoderSession session = model.newSession(new Capture(HookSelection.of("logits"), model.config().layers()));
        Generation.run(session, null, ids, Generation.Settings.greedy(0), summaries::take, Generation.TokenListener.NONE,
                () -> false);
        assertEquals(ids.length - 2, summaries.predictions(new int[0]).size(), "the last step waits for its next token");
        TokenSurprisal.Result ref = TokenSurprisal.score(model, ids);
        List<NextTokenSummaries.Prediction> got = summaries.predictions(ids);
        assertEquals(ref.tokens().size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(ref.tokens().get(i).position(), got.get(i).position() + 1);
            assertEquals(ref.tokens().get(i).token(), got.get(i).next());
            assertEquals(ref.tokens().get(i).logProb(), got.get(i).nextLogProb(), 1e-5);
        }
    }
}
