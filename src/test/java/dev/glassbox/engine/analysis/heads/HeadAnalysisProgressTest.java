package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyLlama2c;

/**
 * The head analysis reports real progress (every head counted, in order, to the total; partial reports fill layer
 * by layer), stops before the next head once cancelled, and its whole-sequence ablation gives the numbers of the
 * token-by-token resume.
 */
class HeadAnalysisProgressTest {
    private static LlamaModel model;
    private static int[] tokens;

    @BeforeAll
    static void load() throws Exception {
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(Files.createTempDirectory("glassbox-heads"), 5), null);
        model = (LlamaModel) m.model();
        // long enough for the batched products' vector path (more rows than lanes)
        tokens = m.tokenizer().encode("the cat sat on the mat the cat sat on the mat the cat sat on the mat the cat");
        assertTrue(tokens.length >= 17, "tokens: " + tokens.length);
    }

    private static HeadAnalysis.Settings settings() {
        return HeadAnalysis.Settings.defaults(1, 2, 8);
    }

    @Test
    void countsEveryHeadInOrderAndFillsTheTableLayerByLayer() {
        List<int[]> counts = new ArrayList<>();
        List<HeadAnalysis.Stage> stages = new ArrayList<>();
        List<Long> importanceKnown = new ArrayList<>();
        HeadReport r = HeadAnalysis.analyse(model, tokens, settings(), HeadSet.empty(), Parallel.SERIAL,
                new HeadAnalysis.Progress() {
                    @Override
                    public void stage(HeadAnalysis.Stage s) { stages.add(s); }

                    @Override
                    public void headDone(HeadAblation.Effect e, int done, int total) { counts.add(new int[] {done, total}); }

                    @Override
                    public void partial(HeadReport p) {
                        importanceKnown.add(p.rows().stream().filter(row -> !Double.isNaN(row.importance())).count());
                    }
                });
        int total = TinyLlama2c.LAYERS * TinyLlama2c.HEADS;
        assertEquals(List.of(HeadAnalysis.Stage.values()), stages);
        assertEquals(total, counts.size());
        for (int i = 0; i < total; i++) {
            assertArrayEquals(new int[] {i + 1, total}, counts.get(i));
        }
        // before the ablation, then after each layer but the last (the final report follows)
        List<Long> expected = new ArrayList<>();
        for (int l = 0; l < TinyLlama2c.LAYERS; l++) expected.add((long) l * TinyLlama2c.HEADS);
        assertEquals(expected, importanceKnown);
        assertTrue(r.rows().stream().noneMatch(row -> Double.isNaN(row.importance())));
    }

    @Test
    void everyStageCountsItsStepsFromNoneToItsTotal() {
        java.util.Map<HeadAnalysis.Stage, List<Integer>> counts = new java.util.EnumMap<>(HeadAnalysis.Stage.class);
        java.util.Map<HeadAnalysis.Stage, Integer> totals = new java.util.EnumMap<>(HeadAnalysis.Stage.class);
        try (Parallel two = new Parallel(2)) { // the weight and score stages count from both threads
            HeadAnalysis.analyse(model, tokens, settings(), HeadSet.empty(), two, new HeadAnalysis.Progress() {
                @Override
                public void counted(HeadAnalysis.Stage stage, int done, int total) {
                    counts.computeIfAbsent(stage, k -> new ArrayList<>()).add(done);
                    assertEquals(total, totals.computeIfAbsent(stage, k -> total), stage + "'s total changed");
                }
            });
        }
        int layers = TinyLlama2c.LAYERS;
        assertEquals(java.util.Map.of(HeadAnalysis.Stage.WEIGHTS, 2 * layers, HeadAnalysis.Stage.CAPTURE, tokens.length,
                HeadAnalysis.Stage.SCORES, layers, HeadAnalysis.Stage.PROBE, 1 + 2 * 8,
                HeadAnalysis.Stage.ABLATION, layers * TinyLlama2c.HEADS), totals);
        for (var e : counts.entrySet()) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i <= totals.get(e.getKey()); i++) expected.add(i);
            assertEquals(expected, e.getValue(), e.getKey() + ": 0, 1, ... to the total, one at a time");
        }
    }

    @Test
    void aCancelStopsTheCapturedPassInsideItsBlock() {
        boolean[] cancel = {false};
        List<Integer> positions = new ArrayList<>();
        assertThrows(CancellationException.class, () -> HeadAnalysis.analyse(model, tokens, settings(), HeadSet.empty(),
                Parallel.SERIAL, new HeadAnalysis.Progress() {
                    @Override
                    public boolean cancelled() { return cancel[0]; }

                    @Override
                    public void counted(HeadAnalysis.Stage stage, int done, int total) {
                        if (stage == HeadAnalysis.Stage.CAPTURE) {
                            positions.add(done);
                            cancel[0] = true; // Cancel as the pass starts
                        }
                    }
                }));
        // the whole input is one prefill block: no position of it arrived, so the pass stopped inside
        assertEquals(List.of(0), positions);
    }

    @Test
    void aCancelStopsBeforeTheNextHead() {
        int[] done = {0};
        boolean[] cancel = {false};
        assertThrows(CancellationException.class, () -> HeadAnalysis.analyse(model, tokens, settings(), HeadSet.empty(),
                Parallel.SERIAL, new HeadAnalysis.Progress() {
                    @Override
                    public boolean cancelled() { return cancel[0]; }

                    @Override
                    public void headDone(HeadAblation.Effect e, int n, int total) {
                        done[0] = n;
                        cancel[0] = n == 3;
                    }
                }));
        assertEquals(3, done[0], "no head ran after the cancel");
    }

    @Test
    void aCancelStopsADecoderHeadBetweenItsLayers() {
        CapturedRun clean = CapturedRun.of(model, tokens);
        int[] polls = {0};
        int[] done = {0};
        assertThrows(CancellationException.class, () -> HeadAblation.allHeads(model, clean, HeadSet.empty(),
                HeadAblation.Mode.ZERO, null, 3, Parallel.SERIAL, new HeadAblation.Work() {
                    @Override
                    public boolean cancelled() { return ++polls[0] > 1; } // passes the check before the first head

                    @Override
                    public void headDone(HeadAblation.Effect e, int n, int total) { done[0]++; }
                }));
        assertEquals(0, done[0], "the first head stopped inside");
        assertEquals(2, polls[0], "checked again before the head's first layer");
    }

    @Test
    void aCancelBeforeTheCaptureRunsNoForward() {
        int[] heads = {0};
        assertThrows(CancellationException.class, () -> HeadAnalysis.analyse(model, tokens, settings(), HeadSet.empty(),
                Parallel.SERIAL, new HeadAnalysis.Progress() {
                    @Override
                    public boolean cancelled() { return true; }

                    @Override
                    public void headDone(HeadAblation.Effect e, int n, int total) { heads[0]++; }
                }));
        assertEquals(0, heads[0]);
    }

    @Test
    void wholeSequenceAblationMatchesTheTokenByTokenResume() {
        CapturedRun clean = CapturedRun.of(model, tokens);
        HeadSet base = HeadSet.of(model.config(), HeadAblation.Mode.ZERO, null, List.of(new HeadSet.Head(1, 2)));
        CapturedRun under = CapturedRun.of(model, tokens, base.intervention(model.config()));
        for (HeadSet set : List.of(HeadSet.empty(), base)) {
            CapturedRun run = set.isEmpty() ? clean : under;
            float[][][] means = HeadAblation.meanOutputs(run);
            for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
                List<HeadAblation.Effect> all = HeadAblation.allHeads(model, run, set, mode, means, 3, Parallel.SERIAL,
                        HeadAblation.Work.NONE);
                for (HeadAblation.Effect e : all) {
                    HeadAblation.Effect one = HeadAblation.ablateFrom(model, run, e.layer(), e.head(),
                            HeadAblation.replacement(mode, means, e.layer(), e.head(), model.config().headDim()),
                            set.intervention(model.config()), 3);
                    // float32 logits summed in another order (matrix-vector against batched products): relative 1e-5
                    assertEquals(one.loss(), e.loss(), 1e-5 * Math.max(1, one.loss()), mode + " " + e.layer() + "." + e.head());
                    assertEquals(one.klLast(), e.klLast(), 1e-5 * Math.max(1, one.klLast()));
                    assertArrayEquals(one.topAfter(), e.topAfter());
                }
            }
        }
    }

    @Test
    void headsSideBySideGiveTheSerialNumbersInOrder() {
        CapturedRun clean = CapturedRun.of(model, tokens);
        List<HeadAblation.Effect> serial = HeadAblation.allHeads(model, clean, HeadSet.empty(), HeadAblation.Mode.ZERO,
                null, 3, Parallel.SERIAL, HeadAblation.Work.NONE);
        List<Integer> order = new ArrayList<>();
        List<HeadAblation.Effect> pooled;
        try (Parallel two = new Parallel(2)) {
            pooled = HeadAblation.allHeads(model, clean, HeadSet.empty(), HeadAblation.Mode.ZERO, null, 3, two,
                    new HeadAblation.Work() {
                        @Override
                        public void headDone(HeadAblation.Effect e, int done, int total) {
                            synchronized (order) {
                                order.add(e.layer() * TinyLlama2c.HEADS + e.head());
                                assertEquals(order.size(), done);
                            }
                        }
                    });
        }
        int total = TinyLlama2c.LAYERS * TinyLlama2c.HEADS;
        assertEquals(java.util.stream.IntStream.range(0, total).boxed().toList(), order);
        for (int i = 0; i < total; i++) {
            assertEquals(serial.get(i).loss(), pooled.get(i).loss(), 0.0, "head " + i); // same products, same rows
            assertEquals(serial.get(i).klLast(), pooled.get(i).klLast(), 0.0);
            assertArrayEquals(serial.get(i).topAfter(), pooled.get(i).topAfter());
        }
    }

    @Test
    void theBatchedCaptureGivesTheTokenByTokenOutcome() {
        CapturedRun run = CapturedRun.of(model, tokens);
        dev.glassbox.engine.model.DecoderSession s = model.newSession(
                dev.glassbox.engine.trace.Capture.none(model.config().layers()), dev.glassbox.engine.model.Intervention.NONE);
        RunOutcome one = RunOutcome.forward(tokens, pos -> s.forward(tokens[pos], pos));
        assertEquals(one.loss(), run.outcome().loss(), 1e-5 * Math.max(1, one.loss()));
        for (int i = 0; i < one.lastLogits().length; i++) {
            assertEquals(one.lastLogits()[i], run.outcome().lastLogits()[i], 1e-4, "logit " + i);
        }
        assertEquals(tokens.length, run.residuals()[TinyLlama2c.LAYERS - 1].length);
        assertEquals(tokens.length, run.headOutputs()[0].length);
    }

    @Test
    void aCancelStopsHeadsSideBySideWithinTheirLayer() {
        CapturedRun clean = CapturedRun.of(model, tokens);
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        int[] done = {0};
        try (Parallel two = new Parallel(2)) {
            assertThrows(CancellationException.class, () -> HeadAblation.allHeads(model, clean, HeadSet.empty(),
                    HeadAblation.Mode.ZERO, null, 3, two, new HeadAblation.Work() {
                        @Override
                        public boolean cancelled() { return cancel.get(); }

                        @Override
                        public void headDone(HeadAblation.Effect e, int n, int total) {
                            done[0] = n;
                            cancel.set(true);
                        }
                    }));
        }
        // the heads already running finish; no later layer starts
        assertTrue(done[0] >= 1 && done[0] <= TinyLlama2c.HEADS, "heads reported: " + done[0]);
    }
}
