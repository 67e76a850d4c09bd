package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.testing.TinyLlama2c;

/**
 * Issue #23: the Explore grid's colour key of a 12-head model (stories110M's width: 13 columns with the mean) stays
 * whole inside the left pane at 1280 x 720 and 1920 x 1080, in English and Chinese, every text of it unelided. Beside
 * the grid it was pushed out of the scroll pane's view ("at / la / 0 / sc" showed at 1280 x 720). The Train
 * workspace's grid keeps its key the same way ({@link TrainGridKeyTest}).
 */
class ExplorerGridKeyTest extends GridKeyTestBase {
    private static Path dir;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = Files.createTempDirectory("glassbox-key12");
        TinyLlama2c.write(dir.resolve("tiny"), 12, 96, 2, 12, 4);
    }

    ExplorerGridKeyTest() {
        super(() -> new ModelCatalog(ModelCatalog.scan(dir.resolve("tiny"))));
    }

    @Start
    void start(Stage stage) {
        showOn(stage);
    }

    @Test
    void theGridsKeyIsWholeInTheLeftPaneAtBothSizesInEnglishAndChinese(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        d.generate("the cat sat on the mat", 4);
        assertEquals(13, window.explorer.grid.rows().getFirst().cells().size(), "12 heads and their mean");
        List<String> problems = checkAtBothSizes(window.explorer.grid.legend(), 0);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
