package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/**
 * Two heads ablated in the Heads workspace on the bundled stories sample: the bar lists both, the overview dots
 * them, the Explore generation re-runs with them removed (tokens, patterns and next-token diff equal to the
 * engine's), and Clear (Ctrl+Shift+A) brings back the clean output.
 */
class AblationWindowTest extends WindowTestBase {
    private static final Path MODEL = Path.of("sample-models/tiny-stories-grammar");
    private static final String PROMPT = "Once upon a time";
    private static final int STEPS = 16;

    AblationWindowTest() {
        super(1500, 950);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    /** The engine's greedy generation (the window's default sampling) with {@code iv}, and its layer-1 patterns. */
    private static Generation.Result reference(LoadedModel m, Intervention iv, List<TraceStep> steps) {
        var session = m.decoder().newSession(new Capture(HookSelection.of("blocks.*.attn.pattern"), m.config().layers()), iv);
        return Generation.run(session, m.tokenizer(), m.tokenizer().encode(PROMPT),
                new Generation.Settings(STEPS, 0f, 0.9f, 0, 42, true), steps::add, Generation.TokenListener.NONE, () -> false);
    }

    private void toggle(FxRobot robot, WindowDriver d, HeadsWorkspace ws, int layer, int head) throws Exception {
        robot.clickOn(ws.overview.localToScreen(ws.overview.cellCenter(layer, head).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("layer " + layer + " \u00b7 head " + head, ws.headTitle.getText());
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.ablate);
        d.waitFor("the Heads workspace to re-run", () -> ws.runsDoneProperty().get() > before);
    }

    @Test
    void twoHeadsAblatedReRunEveryViewAndClearRestoresTheCleanRun(FxRobot robot) throws Exception {
        WindowDriver d = openModel(robot, MODEL);
        RunOutcome clean = d.generate(PROMPT, STEPS);
        assertFalse(window.ablationBar.isVisible(), "no bar while nothing is ablated");
        assertFalse(window.explorer.ablationDiff.isVisible());

        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        HeadsWorkspace ws = window.heads();
        int analysed = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        d.waitFor("the head analysis", () -> ws.runsDoneProperty().get() > analysed);
        toggle(robot, d, ws, 1, 1);
        toggle(robot, d, ws, 2, 3);

        assertTrue(window.ablationBar.isVisible());
        assertEquals("Ablated: L1H1, L2H3 (zero)", window.ablationBar.heads.getText());
        assertTrue(window.ablationBar.heads.getTooltip().getText().contains("replaced by zeros"));
        assertTrue(ws.overview.marked(1, 1) && ws.overview.marked(2, 3), "the overview dots the ablated heads");
        assertFalse(ws.overview.marked(0, 0));
        assertTrue(ws.ablate.isSelected(), "the shown head is in the set");
        assertTrue(ws.ablation.getText().startsWith("L1H1, L2H3 zero-ablated: loss "), ws.ablation.getText());

        // the Explore generation ran again with both heads removed
        d.waitFor("the ablated Explore run", () -> window.explorer.ablationDiff.summary.getText().contains("L1H1, L2H3")
                && window.lastRunProperty().get().ablation() != null
                && window.lastRunProperty().get().ablation().set().label().equals("L1H1, L2H3"));
        LoadedModel ref = ModelLoader.load(MODEL, null);
        HeadSet set = HeadSet.parse("1.1,2.3", ref.config(), HeadAblation.Mode.ZERO, null);
        List<TraceStep> steps = new java.util.ArrayList<>();
        Generation.Result expected = reference(ref, set.intervention(ref.config()), steps);
        RunOutcome ablated = window.lastRunProperty().get();
        assertArrayEquals(expected.tokens(), ablated.tokens(), "the window generates what the engine generates without the heads");
        assertFalse(java.util.Arrays.equals(clean.tokens(), ablated.tokens()), "the story changes without the two heads");
        var grid = window.explorer.grid;
        assertTrue(grid.isMarked(1, 1) && grid.isMarked(2, 3), "the Explore grid marks the ablated heads");
        assertFalse(grid.isMarked(1, 2) || grid.isMarked(0, 0) || grid.isMarked(2, 4), "and no other cell (4 = mean)");
        Trace refTrace = Trace.of(steps);
        float[][] pattern = refTrace.attentionPattern(3).orElseThrow()[1];
        float[][] shown = ablated.trace().attentionPattern(3).orElseThrow()[1];
        for (int q = 0; q < pattern.length; q++) {
            assertArrayEquals(pattern[q], shown[q], 1e-5f, "layer 3 head 1 attention at query " + q + " (ablated run)");
        }

        int[] prompt = ref.tokenizer().encode(PROMPT);
        HeadAblation.SetEffect e = HeadAblation.ablate(ref.decoder(), prompt,
                dev.glassbox.engine.analysis.heads.RunOutcome.of(ref.decoder(), prompt, Intervention.NONE), set, 5);
        AblationDiffView diff = window.explorer.ablationDiff;
        assertTrue(diff.isVisible());
        assertEquals(5, diff.rows());
        for (int i = 0; i < 5; i++) {
            assertEquals(ref.tokenizer().display(e.before().ids()[i]), diff.token(i, false), "clean rank " + (i + 1));
            assertEquals(ref.tokenizer().display(e.after().ids()[i]), diff.token(i, true), "ablated rank " + (i + 1));
        }
        assertTrue(diff.summary.getText().contains(String.format(Locale.ROOT, "KL(clean \u2016 ablated) %.4f nats", e.klLast())),
                diff.summary.getText());
        assertTrue(e.klLast() > 1e-4, "removing the two heads moves the prediction");

        // mean ablation of the same heads: their means over the Heads workspace's (clean) input replace them
        robot.interact(() -> ws.ablationMode.setValue(HeadAblation.Mode.MEAN));
        d.waitFor("the mean-ablated Explore run", () -> window.explorer.ablationDiff.summary.getText().contains("mean-ablated")
                && window.lastRunProperty().get().ablation() != null
                && window.lastRunProperty().get().ablation().set().mode() == HeadAblation.Mode.MEAN);
        assertEquals("Ablated: L1H1, L2H3 (mean)", window.ablationBar.heads.getText());
        float[][][] means = HeadAblation.meanOutputs(dev.glassbox.engine.analysis.heads.CapturedRun.of(ref.decoder(),
                ws.report().tokens()));
        HeadSet meanSet = HeadSet.of(ref.config(), HeadAblation.Mode.MEAN, means, set.heads());
        HeadAblation.SetEffect meanEffect = HeadAblation.ablate(ref.decoder(), prompt,
                dev.glassbox.engine.analysis.heads.RunOutcome.of(ref.decoder(), prompt, Intervention.NONE), meanSet, 5);
        assertTrue(diff.summary.getText().contains(String.format(Locale.ROOT, "KL(clean \u2016 ablated) %.4f nats",
                meanEffect.klLast())), diff.summary.getText());
        assertArrayEquals(reference(ref, meanSet.intervention(ref.config()), new java.util.ArrayList<>()).tokens(),
                window.lastRunProperty().get().tokens(), "mean-ablated generation");

        // Clear from the keyboard: the bar goes, Explore generates the clean story again
        int shownRuns = window.runsShownProperty().get();
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT).type(KeyCode.A).release(KeyCode.SHIFT, KeyCode.CONTROL);
        d.waitFor("the clean Explore run", () -> window.runsShownProperty().get() > shownRuns
                && window.lastRunProperty().get().ablation() == null && !window.explorer.ablationDiff.isVisible());
        assertFalse(window.ablationBar.isVisible());
        assertArrayEquals(clean.tokens(), window.lastRunProperty().get().tokens(), "the clean output is back");
        d.waitFor("the clean Heads analysis", () -> !ws.busy() && ws.ablation.getText().isEmpty());
        assertFalse(ws.overview.marked(1, 1));
        assertFalse(window.explorer.grid.isMarked(1, 1) || window.explorer.grid.isMarked(2, 3), "grid marks cleared");
        assertFalse(ws.ablate.isSelected());
    }
}
