package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.engine.analysis.walkthrough.Step;
import dev.glassbox.engine.analysis.walkthrough.StepKind;
import dev.glassbox.engine.analysis.walkthrough.Values;
import dev.glassbox.engine.analysis.walkthrough.Walkthrough;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Walkthrough tab on the bundled model: Ctrl+6 opens it, Ctrl+Enter runs it, the keyboard reaches every step
 * (Right one by one, Home, End, Page Down), each step shows its own title and formula, and the numbers on screen are
 * the engine's trace of the same prompt.
 */
class WalkthroughWorkspaceTest extends WindowTestBase {
    private static final String PROMPT = "Once upon a time, Lily";

    WalkthroughWorkspaceTest() {
        super(ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void everyStepIsReachableByKeyboardAndShowsTheTracedNumbers(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.prompt.prompt.setText(PROMPT));
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT6).release(KeyCode.CONTROL);
        WalkthroughWorkspace w = window.walkthrough.get();
        assertSame(w, window.workspaces.getSelectionModel().getSelectedItem().getContent(), "Ctrl+6 shows the walkthrough");
        robot.interact(() -> {
            w.layer.getValueFactory().setValue(1);
            w.head.getValueFactory().setValue(2);
        });
        int before = w.runsDoneProperty().get();
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        d.waitFor("the walkthrough", () -> w.runsDoneProperty().get() > before);
        Walkthrough walk = w.view.walkthrough();
        LoadedModel m = window.modelProperty().get();
        int last = m.tokenizer().encode(PROMPT).length - 1;
        assertEquals(last, walk.position(), "the position starts at the last token");
        assertEquals(1, walk.layer());
        assertEquals(2, walk.head());

        walkEveryStep(robot, w, walk);
        int n = walk.steps().size();
        assertEquals(n - 1, w.view.currentProperty().get(), "Right stops at the last step");
        key(robot, KeyCode.HOME);
        key(robot, KeyCode.PAGE_DOWN);
        assertEquals(walk.firstStepOf(0), w.view.currentProperty().get(), "Page Down jumps to the first layer");
        key(robot, KeyCode.END);
        assertEquals(StepKind.SAMPLE, walk.steps().get(w.view.currentProperty().get()).kind());

        // the numbers are the engine's: the traced pattern row and the sampled token of the same prompt and settings
        Generation.Settings s = window.session().sampling().settings(1);
        TraceRun.Result ref = TraceRun.run(new TraceRun.Request(m, PROMPT, HookSelection.ALL, s), x -> { }, () -> false);
        Trace trace = ref.trace();
        float[] pattern = trace.steps().get(last).get(HookName.of(HookPoint.ATTN_PATTERN, 1)).orElseThrow().values();
        Values softmax = step(walk, StepKind.SOFTMAX).values().get(0);
        float[] shown = softmax.values();
        for (int k = 0; k <= last; k++) {
            assertEquals(pattern[2 * (last + 1) + k], shown[k], 1e-5, "attention weight of key " + k);
        }
        assertEquals(ref.tokens()[last + 1], walk.sampled(), "the sampled token is the one generation picks");

        // hovering a cell reads out its exact value
        int softmaxIndex = walk.steps().indexOf(step(walk, StepKind.SOFTMAX));
        robot.interact(() -> w.view.show(softmaxIndex));
        var valuesView = (javafx.scene.layout.VBox) w.view.valueViews().get(0);
        javafx.scene.canvas.Canvas canvas = (javafx.scene.canvas.Canvas) valuesView.getChildren().get(1);
        robot.interact(() -> javafx.event.Event.fireEvent(canvas, new javafx.scene.input.MouseEvent(
                javafx.scene.input.MouseEvent.MOUSE_MOVED, canvas.localToScene(canvas.getWidth() - 5, 0).getX(),
                canvas.localToScene(0, canvas.getHeight() - 5).getY(), 0, 0,
                javafx.scene.input.MouseButton.NONE, 0, false, false, false, false, false, false, false, false, false,
                false, null)));
        String readout = ((javafx.scene.control.Label) valuesView.lookup("#walkthroughReadout")).getText();
        assertTrue(readout.endsWith(" = " + shown[last]), readout);
        Screenshots.save(window, "walkthrough");

        // the step texts follow the language
        try {
            robot.interact(() -> I18n.setLocale(I18n.CHINESE));
            assertTrue(w.view.lookupAll("#walkthroughTitle").stream().anyMatch(l -> ((javafx.scene.control.Label) l).getText()
                    .endsWith(I18n.text("walkthrough.step.softmax.title"))), "the title in Chinese");
            assertEquals("逐步演示", window.workspaces.getSelectionModel().getSelectedItem().getText());
            Screenshots.save(window, "walkthrough");
        } finally {
            robot.interact(() -> I18n.setLocale(I18n.ENGLISH));
        }
    }

    /**
     * From the first step, Right walks every step in order, each showing its title and each of its values; ends
     * with Right pressed on the last step.
     */
    static void walkEveryStep(FxRobot robot, WalkthroughWorkspace w, Walkthrough walk) {
        robot.clickOn("#walkthroughSteps");
        key(robot, KeyCode.HOME);
        assertEquals(0, w.view.currentProperty().get());
        for (int i = 0; i < walk.steps().size(); i++) {
            assertEquals(i, w.view.currentProperty().get(), "Right walks every step in order");
            Step s = walk.steps().get(i);
            String title = I18n.text("walkthrough.step." + s.kind().key() + ".title", s.args().toArray());
            assertTrue(w.view.lookupAll("#walkthroughTitle").stream()
                    .anyMatch(l -> ((javafx.scene.control.Label) l).getText().endsWith(title)), s.kind() + " title");
            assertEquals(s.values().size(), w.view.valueViews().size(), s.kind() + " shows each of its values");
            key(robot, KeyCode.RIGHT);
        }
    }

    /** Presses {@code code} on the node that has the keyboard focus, as a key press would. */
    static void key(FxRobot robot, KeyCode code) {
        robot.interact(() -> {
            javafx.scene.Node focus = robot.targetWindow().getScene().getFocusOwner();
            javafx.event.Event.fireEvent(focus, new javafx.scene.input.KeyEvent(javafx.scene.input.KeyEvent.KEY_PRESSED,
                    "", "", code, false, false, false, false));
        });
    }

    private static Step step(Walkthrough w, StepKind kind) {
        List<Step> s = w.steps().stream().filter(x -> x.kind() == kind).toList();
        return s.getFirst();
    }
}
