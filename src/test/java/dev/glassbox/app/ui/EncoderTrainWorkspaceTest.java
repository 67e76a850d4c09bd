package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.control.Label;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.engine.train.EncoderListener;

/** The Train workspace's objective picker: an MLM run on stories shows its masked positions and predictions live. */
class EncoderTrainWorkspaceTest extends TrainTestBase {
    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void mlmRunShowsMaskedPositionsWithTopPredictions(FxRobot robot) throws Exception {
        driver.openTrainTab(robot);
        robot.interact(() -> {
            train.task.setValue("copy");
            train.objective.setValue("mlm");
            train.layers.field.setText("1");
            train.heads.field.setText("2");
            train.dim.field.setText("16");
            train.seq.field.setText("16");
            train.batch.field.setText("4");
            train.steps.field.setText("12");
        });
        assertEquals("stories", train.task.getValue(), "an encoder trains on text: the picker moves to stories");
        assertTrue(train.kvHeads.field.isDisabled() && train.options.isDisabled(), "decoder-only choices are off");
        assertTrue(train.masked.getParent() != null, "the masked-token panel replaces the attention grid");
        robot.clickOn("#trainStart");
        driver.waitFor("the run to end", () -> !train.running() && train.controller().maskedProperty().get() != null);
        EncoderListener.MaskedView v = train.controller().maskedProperty().get();
        assertTrue(!v.predictions().isEmpty(), "at least one masked position");
        EncoderListener.Prediction p = v.predictions().getFirst();
        assertEquals(5, p.candidates().size());
        assertTrue(p.probabilities()[0] >= p.probabilities()[4] && p.probabilities()[0] <= 1f, "best first");
        Label header = robot.lookup("#trainMaskedTable").queryAs(javafx.scene.layout.GridPane.class).getChildren().stream()
                .filter(Label.class::isInstance).map(Label.class::cast).findFirst().orElseThrow();
        assertEquals("position", header.getText());
        assertTrue(train.lossLabel.getText().contains("MLM acc"), train.lossLabel.getText());
        assertTrue(train.status.getText().startsWith("Done after 12 steps"), train.status.getText());
    }
}
