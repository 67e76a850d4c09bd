package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyLlama2c;

/**
 * Cancel in the Heads analysis' weight stage (issue #23): on stories110M the stage is ~10 s of CPU and had no check
 * inside (CancelLatencyBenchmark), so each layer's bases, each weight table and each head's row of a penalty or a
 * circuit table ask Cancel first.
 */
class HeadWeightsCancelTest {
    private static LlamaModel model;
    private static int[] tokens;

    @BeforeAll
    static void load() throws Exception {
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(Files.createTempDirectory("glassbox-heads"), 5), null);
        model = (LlamaModel) m.model();
        tokens = m.tokenizer().encode("the cat sat on the mat the cat");
    }

    @Test
    void theWeightStageAsksCancelBeforeEachLayerTableAndHeadRow() {
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(1, 2, 8);
        int layers = model.config().layers();
        int pairs = s.crossLayer() ? layers * (layers + 1) / 2 : layers;
        AtomicInteger checks = new AtomicInteger();
        List<HeadAnalysis.Stage> stages = new ArrayList<>();
        int[] checksAtCapture = {-1};
        // cancelled once the next stage began (the rest of the analysis is not what this test is about)
        assertThrows(CancellationException.class, () -> HeadAnalysis.analyse(model, tokens, s, HeadSet.empty(),
                Parallel.SERIAL, new HeadAnalysis.Progress() {
            @Override
            public void stage(HeadAnalysis.Stage st) {
                stages.add(st);
                if (st == HeadAnalysis.Stage.CAPTURE) checksAtCapture[0] = checks.get();
            }

            @Override
            public boolean cancelled() {
                checks.incrementAndGet();
                return checksAtCapture[0] >= 0;
            }
        }));
        // per layer: its bases (before each head's basis of each of the 6 kinds and each of its columns), then each
        // head of its 4 penalties (K and V: each kv head); per pair of layers: the 6 similarity tables and each head's
        // row of the 2 circuit tables; then the check between stages
        int heads = model.config().heads();
        int kvHeads = model.config().kvHeads();
        int kinds = WeightKind.values().length;
        int basisChecks = 0;
        for (int l = 0; l < layers; l++) {
            AtomicInteger n = new AtomicInteger();
            WeightOrthogonality.LayerSubspaces.of(HeadSlices.of(model, l), n::incrementAndGet);
            basisChecks += n.get();
        }
        assertTrue(basisChecks > layers * kinds * heads, "a check per column too: " + basisChecks);
        assertEquals(basisChecks + layers * (1 + 2 * heads + 2 * kvHeads) + pairs * (kinds + 2 * heads) + 1,
                checksAtCapture[0]);
    }

    @Test
    void aCancelDuringTheWeightStageStopsAtTheNextTable() {
        AtomicInteger asked = new AtomicInteger();
        List<HeadAnalysis.Stage> stages = new ArrayList<>();
        assertThrows(CancellationException.class, () -> HeadAnalysis.analyse(model, tokens,
                HeadAnalysis.Settings.defaults(1, 2, 8), HeadSet.empty(), Parallel.SERIAL, new HeadAnalysis.Progress() {
                    @Override
                    public void stage(HeadAnalysis.Stage st) { stages.add(st); }

                    @Override
                    public boolean cancelled() { return asked.incrementAndGet() >= 3; }
                }));
        assertEquals(3, asked.get(), "stopped at the first check after the Cancel");
        assertEquals(List.of(HeadAnalysis.Stage.WEIGHTS), stages);
    }
}
