package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;
import dev.glassbox.app.service.ModelSource;
import dev.glassbox.engine.analysis.walkthrough.StepKind;
import dev.glassbox.engine.analysis.walkthrough.Walkthrough;
import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/**
 * The Walkthrough tab on the bundled MiniLM encoder: the keyboard reaches every step (Right, Left, Home, End), the
 * attention row is the full traced row (no causal mask), and the pass ends in the encoder's output, not a sample.
 */
class WalkthroughMiniLmTest extends WindowTestBase {
    private static final String PROMPT = "the cat sat on the mat";

    WalkthroughMiniLmTest() {
        super(1400, 900);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Override
    ModelCatalog catalog() {
        return new ModelCatalog(List.of(new ModelEntry("all-MiniLM-L6-v2 (bundled)",
                new ModelSource.Bundled(BundledEncoder.MINILM), true, false)));
    }

    @Test
    void everyEncoderStepIsReachableByKeyboardAndShowsTheTracedRow(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        d.waitForModel();
        robot.interact(() -> window.prompt.prompt.setText(PROMPT));
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT6).release(KeyCode.CONTROL);
        WalkthroughWorkspace w = window.walkthrough.get();
        robot.interact(() -> {
            w.layer.getValueFactory().setValue(2);
            w.head.getValueFactory().setValue(5);
            w.position.getValueFactory().setValue(3);
        });
        int before = w.runsDoneProperty().get();
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        d.waitFor("the walkthrough", () -> w.runsDoneProperty().get() > before);
        Walkthrough walk = w.view.walkthrough();
        assertEquals(3, walk.position());
        assertEquals(-1, walk.sampled(), "an encoder samples nothing");

        WalkthroughWorkspaceTest.walkEveryStep(robot, w, walk);
        int n = walk.steps().size();
        assertEquals(StepKind.ENCODER_OUTPUT, walk.steps().get(w.view.currentProperty().get()).kind(), "the last step");
        WalkthroughWorkspaceTest.key(robot, KeyCode.LEFT);
        assertEquals(n - 2, w.view.currentProperty().get(), "Left goes back one step");
        WalkthroughWorkspaceTest.key(robot, KeyCode.HOME);
        assertEquals(0, w.view.currentProperty().get());
        WalkthroughWorkspaceTest.key(robot, KeyCode.END);
        assertEquals(n - 1, w.view.currentProperty().get());

        // the full attention row of the same run, nothing masked
        LoadedModel m = window.modelProperty().get();
        TraceRun.Result ref = TraceRun.run(new TraceRun.Request(m, PROMPT, HookSelection.ALL,
                window.session().sampling().settings(1)), x -> { }, () -> false);
        int t = ref.tokens().length;
        float[] pattern = ref.trace().steps().getFirst().get(HookName.of(HookPoint.ATTN_PATTERN, 2)).orElseThrow().values();
        float[] shown = walk.steps().stream().filter(s -> s.kind() == StepKind.ENC_SOFTMAX).findFirst().orElseThrow()
                .values().get(0).values();
        assertEquals(t, shown.length, "position 3 attends to all " + t + " tokens, after it too");
        for (int k = 0; k < t; k++) {
            assertEquals(pattern[(5 * t + 3) * t + k], shown[k], 1e-5, "attention weight of key " + k);
        }
        Screenshots.save(window, "walkthrough-minilm");
    }
}
