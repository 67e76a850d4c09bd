package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import dev.glassbox.testing.TestStage;

/** The line view of a rectangular cross-attention map (3 target rows x 6 source keys) draws every key. */
@ExtendWith(ApplicationExtension.class)
class AttentionLinesTest {
    private AttentionLines lines;

    @Start
    void start(Stage stage) {
        float[][] w = {
                {1f, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 1f, 0},
                {0, 0, 0, 0, 0, 1f}};
        lines = new AttentionLines();
        lines.setMatrix(new AttentionMatrix("cross", w, List.of("x", "y", "z"), List.of("a", "b", "c", "d", "e", "f")));
        TestStage.show(stage, new Scene(lines, 600, 400));
    }

    @Test
    void everySourceKeyGetsItsOwnSlotAndLine(FxRobot robot) {
        robot.interact(() -> { });
        assertEquals(0, lines.keyStart());
        assertEquals(6, lines.keyEnd(), "all six keys, though there are only three query rows");
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = lines.snapshot(null, null));
        // the line from the last query ends at the last key, just left of the key column
        int x = (int) (0.7 * 600) - 2;
        int y = (int) Math.round(lines.keyY(5));
        Color c = shot[0].getPixelReader().getColor(x, y);
        assertNotEquals(Color.web("#1e1e1e"), c, "a line reaches key 5 at y " + y);
    }
}
