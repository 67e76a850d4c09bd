package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.concurrent.Worker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.TraceListener;

/** A run with heads ablated: the generation uses the intervention and reports the change against the clean model. */
class AblatedRunTest {
    @BeforeAll
    static void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    private static RunOutcome run(RunRequest req) throws Exception {
        RunTask t = WaitForAsyncUtils.asyncFx(() -> new RunService().start(req, live -> { })).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(t::getState).get().equals(Worker.State.SUCCEEDED)
                || WaitForAsyncUtils.asyncFx(t::getState).get().equals(Worker.State.FAILED));
        if (WaitForAsyncUtils.asyncFx(t::getState).get() == Worker.State.FAILED) {
            throw new AssertionError("the run failed", WaitForAsyncUtils.asyncFx(t::getException).get());
        }
        return WaitForAsyncUtils.asyncFx(t::getValue).get();
    }

    @Test
    void aDecoderRunGeneratesWithoutTheHeadsAndComparesThePromptsNextToken() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/tiny-stories-grammar"), null);
        int[] prompt = m.tokenizer().encode("Once upon a time");
        Generation.Settings s = new Generation.Settings(12, 0f, 0.9f, 0, 42, true);
        HeadSet set = HeadSet.parse("1.1,2.3", m.config(), HeadAblation.Mode.ZERO, null);
        RunOutcome out = run(new RunRequest(m, prompt, s, set));
        int[] expected = Generation.run(m.decoder().newSession(Capture.none(m.config().layers()), set.intervention(m.config())),
                m.tokenizer(), prompt, s, TraceListener.NONE, Generation.TokenListener.NONE, () -> false).tokens();
        assertArrayEquals(expected, out.tokens());
        HeadAblation.SetEffect e = (HeadAblation.SetEffect) out.ablation();
        HeadAblation.SetEffect ref = HeadAblation.ablate(m.decoder(), prompt,
                dev.glassbox.engine.analysis.heads.RunOutcome.of(m.decoder(), prompt, Intervention.NONE), set, RunTask.TOP_K);
        assertEquals(set.heads(), e.set().heads());
        assertEquals(ref.klLast(), e.klLast(), 1e-6);
        assertEquals(ref.lossIncrease(), e.lossIncrease(), 1e-6);
        assertArrayEquals(ref.after().ids(), e.after().ids());
        assertNull(run(new RunRequest(m, prompt, s)).ablation(), "a clean run compares nothing");
    }

    @Test
    void anEncoderRunEncodesWithoutTheHeadsAndReportsTheHiddenStateChange() throws Exception {
        LoadedModel m = OnnxModels.loadBundledMiniLm();
        BertModel bert = (BertModel) m.model();
        int[] ids = m.tokenizer().encode("Attention is all you need.");
        HeadSet set = HeadSet.of(m.config(), HeadAblation.Mode.ZERO, null,
                List.of(new HeadSet.Head(2, 5), new HeadSet.Head(4, 0)));
        RunOutcome out = run(new RunRequest(m, ids, new Generation.Settings(0, 0f, 0.9f, 0, 42, true), set));
        EncoderHeads.SetChange c = (EncoderHeads.SetChange) out.ablation();
        EncoderHeads.SetChange ref = EncoderHeads.change(bert, EncoderHeads.capture(bert, ids), set);
        assertEquals(ref.hiddenChange(), c.hiddenChange(), 1e-6 * Math.max(1, ref.hiddenChange()));
        assertEquals(ref.embeddingCosine(), c.embeddingCosine(), 1e-6);
        assertTrue(c.hiddenChange() > 0 && c.embeddingCosine() < 1);
        // the trace the grid draws is the ablated encode: layer 3 reads layer 2 without L2H5
        Capture cap = new Capture(dev.glassbox.engine.trace.HookSelection.of("blocks.*.attn.pattern"), m.config().layers());
        bert.encode(ids, null, cap, set.intervention(m.config()));
        float[] expected = cap.drain().get(dev.glassbox.engine.trace.HookName.of(
                dev.glassbox.engine.trace.HookPoint.ATTN_PATTERN, 3)).values();
        float[][][] shown = out.trace().attentionPattern(3).orElseThrow();
        int n = ids.length;
        for (int h = 0; h < shown.length; h++) {
            for (int q = 0; q < n; q++) {
                for (int k = 0; k < n; k++) {
                    assertEquals(expected[(h * n + q) * n + k], shown[h][q][k], 1e-5f, "L3H" + h + " q" + q + " k" + k);
                }
            }
        }
    }
}
