package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * The bundled 2-layer attention-only sample trained on repeated random letters (sample-models/README.md: layer-0
 * head 3 is a previous-token head, layer-1 heads 1 and 2 are induction heads): on the repeated-random-tokens probe
 * the analysis must rank exactly those heads first, and ablating the previous-token head must cost the most loss.
 */
class InductionSampleTest {

    private static HeadReport.Row top(HeadReport r, ToDoubleFunction<HeadReport.Row> score) {
        return r.rows().stream().max(Comparator.comparingDouble(score)).orElseThrow();
    }

    @Test
    void thePreviousTokenHeadAndTheInductionPairScoreHighest() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/induction-2l"), null);
        LlamaModel model = (LlamaModel) m.model();
        int bos = m.tokenizer().bos();
        int eos = m.tokenizer().eos();
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(bos, eos, 31);
        int[] probe = RepeatedTokens.generate(bos, 31, m.config().vocabSize(), s.probeUsable(), 7L);
        HeadReport r = HeadAnalysis.analyse(model, probe, s, Parallel.SERIAL);

        HeadReport.Row prev = top(r, x -> x.roles().previousToken());
        assertEquals(0, prev.layer(), "previous-token head " + prev);
        assertEquals(3, prev.head(), "previous-token head " + prev);
        assertTrue(prev.roles().previousToken() > 0.5, "previous-token score " + prev.roles().previousToken());
        for (ToDoubleFunction<HeadReport.Row> score : java.util.List.<ToDoubleFunction<HeadReport.Row>>of(
                x -> x.roles().induction(), HeadReport.Row::prefixMatching)) {
            HeadReport.Row ind = top(r, score);
            assertEquals(1, ind.layer(), "induction head " + ind);
            assertTrue(ind.head() == 1 || ind.head() == 2, "induction head " + ind);
        }
        assertTrue(top(r, HeadReport.Row::prefixMatching).prefixMatching() > 0.5);
        // the previous-token head feeds the induction heads: removing it costs the most loss on the probe
        HeadReport.Row important = top(r, HeadReport.Row::importance);
        assertEquals("L0H3", "L" + important.layer() + "H" + important.head(), "most important head " + important);
        assertTrue(important.importance() > 0.5, "loss increase " + important.importance());
    }
}
