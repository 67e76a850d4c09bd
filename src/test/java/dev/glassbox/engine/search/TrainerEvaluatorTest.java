package dev.glassbox.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.Checkpoint;

/**
 * The real evaluator trains tiny candidates with the Trainer into checkpoints the engine loads, measures their decode,
 * and a search repeated with the same seed gives the same candidates and the same losses (single-threaded trainers).
 */
class TrainerEvaluatorTest {

    private static SearchSettings settings() {
        SearchSpace tiny = new SearchSpace(List.of(1), List.of(1, 2), List.of(1), List.of(8), List.of(0),
                List.of("full", "sliding:W=4"), List.of(Architecture.Experts.DENSE, new Architecture.Experts(2, 1)),
                List.of(BlockDesign.Positions.ROPE));
        return new SearchSettings("copy", null, null, tiny, Strategy.RANDOM, 4, 2, 2, 4, 4, 8, 2, 3e-3f, 2, 0,
                Costs.Axis.LATENCY);
    }

    private static List<Candidate> search(Path dir) throws Exception {
        SearchSettings s = settings();
        SearchFolder f = SearchFolder.create(dir, s);
        return new Search(s, s.data(), new TrainerEvaluator(s.data(), s, f::candidateDir), f, Search.Listener.NONE)
                .run(List.of(), () -> false).candidates();
    }

    @Test
    void candidatesTrainIntoLoadableCheckpointsAndRepeatWithTheSeed(@TempDir Path tmp) throws Exception {
        List<Candidate> a = search(tmp.resolve("a"));
        List<Candidate> b = search(tmp.resolve("b"));
        assertEquals(2, a.size());
        for (int i = 0; i < a.size(); i++) {
            Candidate x = a.get(i);
            Candidate y = b.get(i);
            assertEquals(x.genome(), y.genome());
            assertEquals(x.curve(), y.curve(), "same seed, same losses");
            assertEquals(x.valLoss(), y.valLoss());
            assertEquals(4, x.curve().size());
            assertTrue(x.status().finished() && x.status() != Candidate.Status.FAILED, x.message());
            assertTrue(x.latencyMs() > 0 && Double.isFinite(x.latencyMs()), "latency " + x.latencyMs());
            Path dir = tmp.resolve("a").resolve(SearchFolder.candidateFolder(x));
            assertEquals(x.architecture().dim(), ModelLoader.load(dir, null).config().dim());
            assertTrue(ModelLoader.load(dir, null).model() instanceof DecoderModel);
            assertEquals(x.parameters(), Checkpoint.read(dir, dev.glassbox.engine.tensor.Parallel.SERIAL).model().parameterCount());
            assertEquals(Costs.flopsPerToken(Checkpoint.read(dir, dev.glassbox.engine.tensor.Parallel.SERIAL).model().shape()),
                    x.flopsPerToken());
        }
    }

    @Test
    void flopsCountTheKeysTheSpanAttends() throws Exception {
        SearchSettings s = settings();
        Architecture full = new Architecture(1, 1, 1, 8, 0, "full", Architecture.Experts.DENSE, BlockDesign.Positions.ROPE);
        Architecture window = new Architecture(1, 1, 1, 8, 0, "sliding:W=4", Architecture.Experts.DENSE, BlockDesign.Positions.ROPE);
        var fs = full.options(s.data(), 8, 1, 1e-3f, 1, 0, false).shape();
        var ws = window.options(s.data(), 8, 1, 1e-3f, 1, 0, false).shape();
        assertEquals(8, Costs.keysAttended(fs));
        assertEquals(4, Costs.keysAttended(ws));
        // d = 8, kv = 8, hidden = 32 (8/3 d rounded up to 16s: max(16, 32)), vocab V
        int v = fs.vocab();
        double expected = 2 * (2 * 64 + 2 * 64) + 4 * 8 * 8 + 2 * 3 * 8 * fs.hidden() + 2 * 8 * v;
        assertEquals(expected, Costs.flopsPerToken(fs), 1e-9);
        assertEquals(expected - 4 * 4 * 8, Costs.flopsPerToken(ws), 1e-9);
    }
}
