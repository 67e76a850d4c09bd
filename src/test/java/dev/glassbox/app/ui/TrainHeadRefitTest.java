package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;

/** The Train workspace's head view fits its map again when the window is resized. */
@ExtendWith(ApplicationExtension.class)
class TrainHeadRefitTest {
    private static final int N = 12;
    private Stage stage;
    private TrainWorkspace train;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        train = new TrainWorkspace(e -> { }, (dir, prompt) -> { });
        TestStage.show(stage, new Scene(train, 1400, 900));
    }

    private static AttentionMatrix map() {
        float[][] w = new float[N][];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            w[i] = new float[i + 1];
            w[i][0] = 1;
            labels.add("t" + i);
        }
        return new AttentionMatrix("L1 H0", w, labels, labels);
    }

    /** How far the fitted map's far edge is from the canvas's right or bottom edge, whichever it reaches. */
    private static double gapToEdge(AttentionHeatmap h) {
        Point2D a = h.cellCenter(0, 0).orElseThrow();
        Point2D last = h.cellCenter(N - 1, N - 1).orElseThrow(() -> new AssertionError("the whole map is in view"));
        double cell = (last.getX() - a.getX()) / (N - 1);
        double right = h.canvas().getWidth() - (last.getX() + cell / 2);
        double bottom = h.canvas().getHeight() - (last.getY() + cell / 2);
        return Math.min(right, bottom);
    }

    @Test
    void aResizedWindowRefitsTheMap(FxRobot robot) {
        AttentionHeatmap h = train.heatmap;
        robot.interact(() -> h.setMatrix(map()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, gapToEdge(h), 1.5, "fitted at first");
        double before = h.canvas().getWidth() * h.canvas().getHeight();
        robot.interact(() -> {
            stage.setWidth(1000); // smaller: the headless screen's buffer is the first size's
            stage.setHeight(650);
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(h.canvas().getWidth() * h.canvas().getHeight() < before, "the head view shrank with the window");
        assertEquals(0, gapToEdge(h), 1.5, "fitted to the smaller view");
    }
}
