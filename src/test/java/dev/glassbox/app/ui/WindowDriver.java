package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javafx.geometry.Point2D;
import javafx.scene.input.KeyCode;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/** Drives a {@link MainWindow} like a user and re-runs the engine independently to check what it shows. */
final class WindowDriver {
    private final FxRobot robot;
    private final MainWindow window;

    WindowDriver(FxRobot robot, MainWindow window) {
        this.robot = robot;
        this.window = window;
    }

    void waitFor(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; status: " + window.status.getText()
                    + "; error: " + window.errorBanner.getText());
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void waitForModel() throws Exception {
        waitFor("the model to load", () -> window.modelProperty().get() != null);
    }

    /**
     * Fills the Context lab as a user would: the text file, the four method boxes in order (blank = unused), the
     * tokens scored and the passkey lengths.
     */
    void fillContextLab(ContextWorkspace ws, Path text, int maxLen, String passkeyLengths, String... methods) {
        robot.interact(() -> {
            ws.useTextFile(text);
            for (int i = 0; i < methods.length; i++) {
                ws.methods.get(i).setValue(methods[i]);
            }
            ws.maxLen.getValueFactory().setValue(maxLen);
            ws.passkeyLengths.setText(passkeyLengths);
        });
    }

    /** Types the prompt, sets the number of new tokens, clicks Generate and waits for the finished views. */
    RunOutcome generate(String text, int steps) throws Exception {
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL);
        robot.type(KeyCode.DELETE);
        robot.write(text);
        assertEquals(text, window.prompt.prompt.getText(), "typed prompt");
        robot.interact(() -> window.sampling.steps.getValueFactory().setValue(steps));
        int before = window.runsShownProperty().get();
        robot.clickOn("#generateButton");
        waitFor("the run's views", () -> window.runsShownProperty().get() > before && window.explorer.grid.readyProperty().get());
        return window.lastRunProperty().get();
    }

    /** The same run straight through the engine (greedy, the window's default sampling settings). */
    static Trace referenceTrace(Path model, String text, int steps, int[] tokensOut) throws Exception {
        LoadedModel m = ModelLoader.load(model, null);
        var session = m.decoder().newSession(new Capture(HookSelection.of("blocks.*.attn.pattern"), m.config().layers()));
        java.util.List<TraceStep> steps0 = new java.util.ArrayList<>();
        Generation.Result r = Generation.run(session, m.tokenizer(), m.tokenizer().encode(text),
                new Generation.Settings(steps, 0f, 0.9f, 0, 42, true), steps0::add, Generation.TokenListener.NONE, () -> false);
        System.arraycopy(r.tokens(), 0, tokensOut, 0, Math.min(tokensOut.length, r.tokens().length));
        return Trace.of(steps0);
    }

    /** Opens grid cell (row, col) with a click and checks the head view's title (in the interface's language). */
    void openHead(int layer, int head) {
        robot.clickOn(window.explorer.grid.cell(layer, head));
        WaitForAsyncUtils.waitForFxEvents();
        String title = window.explorer.head.title.getText();
        String expected = dev.glassbox.visuals.i18n.I18n.text("heads.headTitle", layer, head);
        assertTrue(title.startsWith(expected), "'" + title + "' should start with '" + expected + "'");
    }

    /** Moves the mouse over cell (q, k) of the open heat map and returns the hover label. */
    String hover(int q, int k) {
        var hm = window.explorer.head.heatmap;
        Point2D local = hm.cellCenter(q, k).orElseThrow(() -> new AssertionError("cell " + q + "," + k + " not visible"));
        robot.moveTo(hm.localToScreen(local));
        WaitForAsyncUtils.waitForFxEvents();
        return window.explorer.head.hover.getText();
    }

    /**
     * Asserts a hover read-out names the cell exactly and shows weight {@code w}: the app's run and the reference
     * run may differ in the last float bits (vector lane sums are ordered differently once the JIT compiles them),
     * so the number is compared within its display rounding plus 1e-6, not as text.
     */
    static void assertHover(int q, int k, String qTok, String kTok, float w, String actual) {
        String prefix = String.format(Locale.ROOT, "q=%d '%s' -> k=%d '%s': ", q, qTok, k, kTok);
        org.junit.jupiter.api.Assertions.assertTrue(actual.startsWith(prefix), "hover '" + actual + "' should start with '" + prefix + "'");
        String shown = actual.substring(prefix.length());
        org.junit.jupiter.api.Assertions.assertEquals(expectedHover(q, k, qTok, kTok, w).substring(prefix.length()).length(),
                shown.length(), "format of '" + shown + "'");
        double v = Double.parseDouble(shown);
        // half a unit of the shown precision (5 decimals, or 5 significant digits below 0.001) plus float noise
        double shownUnit = w != 0 && Math.abs(w) < 1e-3 ? 5e-5 * Math.abs(w) : 5e-6;
        org.junit.jupiter.api.Assertions.assertEquals(w, v, shownUnit + 1e-6, actual);
    }

    static String expectedHover(int q, int k, String qTok, String kTok, float w) {
        // the view's documented format: 5 decimals, or 5 significant digits for weights below 0.001
        String weight = w != 0 && Math.abs(w) < 1e-3 ? String.format(Locale.ROOT, "%.4e", w) : String.format(Locale.ROOT, "%.5f", w);
        return String.format(Locale.ROOT, "q=%d '%s' -> k=%d '%s': %s", q, qTok, k, kTok, weight);
    }
}
