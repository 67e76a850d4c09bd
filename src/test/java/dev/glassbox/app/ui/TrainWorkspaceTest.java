package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.TrainingController;
import dev.glassbox.app.service.TrainingSettings;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.AttentionProbe;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.TrainingProgress;
import dev.glassbox.visuals.chart.Series;

/** The Train workspace driven like a user: settings, Start, live loss and attention, Pause, Resume, Stop, Open in explorer. */
class TrainWorkspaceTest extends TrainTestBase {
    @Start
    void start(Stage stage) { show(stage); }

    private void type(FxRobot robot, SettingField f, String text) {
        robot.clickOn(f.field);
        robot.press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL);
        robot.write(text);
        assertEquals(text, f.field.getText());
    }

    private void tinyModel(FxRobot robot, int steps) {
        robot.interact(() -> train.task.setValue("copy"));
        type(robot, train.layers, "2");
        type(robot, train.heads, "2");
        type(robot, train.kvHeads, "1");
        type(robot, train.dim, "16");
        type(robot, train.seq, "16");
        type(robot, train.batch, "4");
        type(robot, train.steps, Integer.toString(steps));
    }

    private static Series trainSeries(TrainWorkspace t) { return t.plot.series().getFirst(); }

    @Test
    void trainsLivePausesResumesStopsAndOpensTheModel(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        tinyModel(robot, 1_000_000);
        robot.clickOn("#trainStart");
        driver.waitFor("loss points", () -> train.plot.series().size() == 2 && trainSeries(train).x().length >= 3);
        assertTrue(train.start.isDisabled() && train.layers.field.isDisabled(), "settings are locked while training");

        robot.clickOn("#trainPause");
        driver.waitFor("the trainer to park", () -> train.run().paused());
        TrainingProgress last = train.run().lastProgress().orElseThrow();
        Series s = trainSeries(train);
        assertEquals(last.step(), s.x().length, "one point per step, none missing");
        assertEquals(last.step(), s.x()[s.x().length - 1], 0.0);
        assertEquals(last.trainLoss(), s.y()[s.y().length - 1], 0.0, "the curve ends at the trainer's last loss");
        assertTrue(train.lossLabel.getText().startsWith("loss " + TrainingController.formatLoss(last.trainLoss()) + " "),
                train.lossLabel.getText() + " vs " + last.trainLoss());
        assertFalse(train.resume.isDisabled());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(last.step(), train.run().lastProgress().orElseThrow().step(), "no step while paused");

        robot.press(KeyCode.CONTROL).type(KeyCode.P).release(KeyCode.CONTROL); // resume
        int pausedAt = last.step();
        driver.waitFor("steps after resuming", () -> trainSeries(train).x().length > pausedAt + 2);

        robot.type(KeyCode.ESCAPE); // stop
        driver.waitFor("the run to end", () -> !train.running());
        TrainingProgress end = train.run().lastProgress().orElseThrow();
        assertEquals(end.step(), trainSeries(train).x().length, "every step up to the stop is plotted");
        assertTrue(train.status.getText().startsWith("Stopped after " + String.format(java.util.Locale.ROOT, "%,d", end.step()) + " steps"),
                train.status.getText());

        // the grid shows the trained model's heads: 2 layers x (2 heads + mean) on the probe row
        GridContent g = train.attention();
        assertEquals(2, g.rows().size());
        assertEquals(List.of("H0", "H1", "mean"), g.columns());
        driver.waitFor("the thumbnails", () -> train.grid.readyProperty().get());
        assertEquals(g.rows(), train.grid.rows());

        robot.clickOn("#trainOpenInExplorer");
        driver.waitFor("the checkpoint in the explorer", () -> window.modelProperty().get() != null);
        assertEquals(0, window.workspaces.getSelectionModel().getSelectedIndex(), "Explore is shown");
        Path saved = train.lastSaved();
        assertEquals(2, window.modelProperty().get().config().layers());
        assertEquals(train.run().probeText(), window.prompt.prompt.getText(), "the task's probe row becomes the prompt");
        assertEquals(train.run().probeTokens().length - 1, train.run().probeText().length(), "one character per token after BOS");
        var restored = Checkpoint.read(saved, Parallel.SERIAL);
        assertEquals(end.step(), restored.step());
        float[][][][] expected = AttentionProbe.read(restored.model(), train.run().probeTokens());
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                float[][] shown = g.rows().get(l).cells().get(h).weights();
                for (int q = 0; q < expected[l][h].length; q++) {
                    for (int k = 0; k <= q; k++) {
                        assertEquals(expected[l][h][q][k], shown[q][k], 1e-5f, "L" + l + "H" + h + " [" + q + "][" + k + "]");
                    }
                }
            }
        }
    }

    @Test
    void runsToTheEndWithValidationPoints(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        tinyModel(robot, 50);
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        driver.waitFor("the run to end", () -> !train.running() && train.run() != null);
        assertEquals(50, trainSeries(train).x().length);
        Series val = train.plot.series().get(1);
        assertEquals(50 / TrainingSettings.evalEvery(50), val.x().length, "one validation point per eval interval");
        assertEquals(TrainingSettings.evalEvery(50), val.x()[0], 0.0);
        assertEquals(1.0, train.progress.getProgress(), 0.0);
        assertTrue(train.status.getText().startsWith("Done after 50 steps"), train.status.getText());
    }

    @Test
    void invalidSettingsAreExplainedNextToTheirControls(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        type(robot, train.heads, "4");
        type(robot, train.dim, "30");
        type(robot, train.kvHeads, "3");
        type(robot, train.layers, "abc");
        type(robot, train.lr, "2");
        robot.clickOn("#trainStart");
        WaitForAsyncUtils.waitForFxEvents();
        assertNull(train.run(), "nothing started");
        assertEquals("must be a multiple of heads (4)", train.dim.error.getText());
        assertEquals("must divide heads (4): 1, 2, 4", train.kvHeads.error.getText());
        assertEquals("must be a whole number from 1 to 12", train.layers.error.getText());
        assertEquals("must be a number from 0.000001 to 1", train.lr.error.getText());
        type(robot, train.dim, "36");
        assertEquals("", train.dim.error.getText(), "editing clears the message");
        robot.clickOn("#trainStart");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("dim / heads = 9 must be even (rotary positions rotate pairs)", train.dim.error.getText());
    }

    @Test
    void aTextFileTooShortForTheContextIsReportedAtTheDataPicker(FxRobot robot, @TempDir Path tmp) throws Exception {
        driver.openTrainTab(robot);
        Path file = Files.writeString(tmp.resolve("short.txt"), "just a few characters of text");
        robot.interact(() -> train.setTextFile(file));
        type(robot, train.seq, "32");
        robot.clickOn("#trainStart");
        driver.waitFor("the data error", () -> !train.running() && !train.dataError.getText().isEmpty());
        assertTrue(train.dataError.getText().contains("too short for --seq 32"), train.dataError.getText());
        assertEquals("", window.errorBanner.getText(), "no banner, no stack trace");
    }
}
