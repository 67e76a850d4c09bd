package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import javafx.geometry.Point2D;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.PolicyRunner;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.SharedData;
import dev.glassbox.visuals.heads.ScoreGridView;

/** The workspaces on the pretrained stories260K (shared reference data), checked against the engine. */
@Tag("shared-data")
class Stories260kWorkspacesTest extends WindowTestBase {
    Stories260kWorkspacesTest() {
        super(1500, 950);
    }

    @Start
    void start(Stage stage) { show(stage); }

    private void runAndWait(FxRobot robot, WindowDriver d, WorkspacePane ws) throws Exception {
        int before = ws.runsDoneProperty().get();
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        d.waitFor(ws.getId() + " run", () -> ws.runsDoneProperty().get() > before);
    }

    @Test
    void headsAndContextLabOnStories260k(FxRobot robot) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        WindowDriver d = openModel(robot, model);
        String prompt = "Once upon a time, there was a little girl named Lily. She liked to play with her ball.";
        robot.interact(() -> window.prompt.prompt.setText(prompt));
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        runAndWait(robot, d, window.heads());

        LoadedModel ref = ModelLoader.load(model, null);
        int[] tokens = HeadsAnalysis.inputTokens(ref, prompt);
        HeadReport r = HeadAnalysis.analyse((LlamaModel) ref.model(), tokens, HeadsAnalysis.settings(ref), Parallel.shared());
        HeadsWorkspace ws = window.heads();
        robot.interact(() -> ws.role.setValue("induction"));
        for (int[] c : new int[][] {{0, 0}, {2, 5}, {4, 7}}) {
            Point2D p = ws.overview.cellCenter(c[0], c[1]).orElseThrow();
            robot.moveTo(ws.overview.localToScreen(p));
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals("layer " + c[0] + " \u00b7 H" + c[1] + ": " + MetricTexts.name("induction") + " = " + ScoreGridView.format(r.row(c[0], c[1]).roles().induction()),
                    ws.hover.getText());
        }

        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT3).release(KeyCode.CONTROL);
        ContextWorkspace cw = window.context();
        Path text = Files.createTempFile("glassbox-lab", ".txt");
        Files.writeString(text, prompt.repeat(8));
        d.fillContextLab(cw, text, 160, "", "full", "streaming:sinks=4,W=28", "", "");
        runAndWait(robot, d, cw);
        int[] ids = java.util.Arrays.copyOf(ref.tokenizer().encode(Files.readString(text)), 160);
        float[] nll = new PolicyRunner((LlamaModel) ref.model(), ContextPolicy.parse("streaming:sinks=4,W=28", 512))
                .run(ids, null, () -> false, null).nll();
        float[] shown = cw.results().get(1).nll();
        assertEquals(nll.length, shown.length);
        for (int t = 0; t < nll.length; t++) {
            assertEquals(nll[t], shown[t], 1e-4, "nll at " + t);
        }
        assertTrue(cw.results().get(1).perplexity(0, 160) > 1, String.format(Locale.ROOT, "%.3f", cw.results().get(1).perplexity(0, 160)));
        Files.deleteIfExists(text);
    }
}
