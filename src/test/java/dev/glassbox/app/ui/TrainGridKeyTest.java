package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.ColorLegend;

/**
 * The Train workspace's grid keeps its colour key under the grid, as Explore does ({@link ExplorerGridKeyTest}),
 * whole at 1280 x 720 and 1920 x 1080 in English and Chinese under the README's run of the bundled model (the prompt
 * block as tall as in the screenshots). Beside the thumbnails the key was cut by the pane; under them, with the loss
 * plot at least 180 px tall, it ran under the status bar at 1280 x 720.
 */
class TrainGridKeyTest extends GridKeyTestBase {
    TrainGridKeyTest() {
        super(ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) {
        showOn(stage);
    }

    @Test
    void theTrainGridsKeyIsWholeUnderItsGridAtBothSizesInEnglishAndChinese(FxRobot robot) throws Exception {
        loaded(robot).generate("Once upon a time", 32);
        TrainWorkspace t = window.train();
        robot.interact(() -> {
            window.selectWorkspace(4);
            t.heads.field.setText("4");
            t.kvHeads.field.setText("2");
            t.dim.field.setText("32");
            t.batch.field.setText("4");
            t.steps.field.setText("20");
            t.start();
        });
        new TrainDriver(window).waitFor("training", () -> t.framesShownProperty().get() > 0 && !t.running());
        ColorLegend key = t.grid.legend();
        assertTrue(key.getParent() != t.grid, "the key is not beside the thumbnails, in the grid's scroll pane");
        List<String> problems = checkAtBothSizes(key, 4);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

}
