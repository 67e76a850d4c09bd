package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.TestStage;

/** The heat map on a 4096 x 4096 causal map: level of detail, coordinates under zoom, row selection. */
@ExtendWith(ApplicationExtension.class)
class AttentionHeatmapTest {
    private static final int N = 4096;
    private AttentionHeatmap heatmap;

    @Start
    void start(Stage stage) {
        float[][] w = new float[N][];
        for (int i = 0; i < N; i++) {
            w[i] = new float[i + 1];
        }
        w[3000][1234] = 1f; // one strong weight, far smaller than a screen pixel at fit
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            labels.add("t" + i);
        }
        heatmap = new AttentionHeatmap();
        heatmap.setMatrix(new AttentionMatrix("big", w, labels, labels));
        TestStage.show(stage, new Scene(heatmap, 900, 800));
    }

    private int pixelAt(Point2D p) {
        WritableImage img = heatmap.snapshot(null, null);
        return img.getPixelReader().getArgb((int) p.getX(), (int) p.getY());
    }

    @Test
    void aSubPixelSpikeStaysVisibleWhenTheWholeMapIsShown(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        Point2D c = heatmap.cellCenter(3000, 1234).orElseThrow();
        assertArrayEquals(new int[] {3000, 1234}, heatmap.cellAt(c.getX(), c.getY()).orElseThrow());
        int[] got = new int[1];
        robot.interact(() -> got[0] = pixelAt(c));
        assertEquals(Integer.toHexString(heatmap.argbOf(1f)), Integer.toHexString(got[0]), "max-pooled level shows the spike");
    }

    @Test
    void zoomKeepsCellCoordinatesAndHoverConsistent(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        Point2D centre = new Point2D(AttentionHeatmap.LEFT + (heatmap.canvas().getWidth() - AttentionHeatmap.LEFT) / 2,
                AttentionHeatmap.TOP + (heatmap.canvas().getHeight() - AttentionHeatmap.TOP) / 2);
        int[] before = heatmap.cellAt(centre.getX(), centre.getY()).orElseThrow();
        robot.interact(() -> {
            for (int i = 0; i < 6; i++) {
                heatmap.zoomBy(2);
            }
        });
        int[] cell = heatmap.cellAt(centre.getX(), centre.getY()).orElseThrow();
        assertTrue(Math.abs(cell[0] - before[0]) <= 3 && Math.abs(cell[1] - before[1]) <= 3,
                "zoom keeps the cell under the view centre in place: " + before[0] + "," + before[1] + " -> " + cell[0] + "," + cell[1]);
        assertTrue(heatmap.cellCenter(0, 0).isEmpty(), "zoomed in 64x, the corner is out of view");
        Point2D back = heatmap.cellCenter(cell[0], cell[1]).orElseThrow();
        assertArrayEquals(cell, heatmap.cellAt(back.getX(), back.getY()).orElseThrow());
        robot.moveTo(heatmap.localToScreen(back));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(heatmap.describe(cell[0], cell[1]), heatmap.hoverTextProperty().get());
        robot.clickOn();
        assertEquals(cell[0], heatmap.selectedRowProperty().get(), "a click selects the query row");
    }

    @Test
    void cellsTheVisibleMatrixHidesAreHatchedGreyAndSaySo(FxRobot robot) {
        float[][] w = {{0.5f, 0.5f, 0f}, {0.2f, 0.3f, 0.5f}, {0f, 0.4f, 0.6f}};
        boolean[][] visible = {{true, true, false}, {true, true, true}, {false, true, true}};
        List<String> labels = List.of("Tim", "ceo_of", "is");
        robot.interact(() -> heatmap.setMatrix(new AttentionMatrix("kbert", w, labels, labels).withVisible(visible)));
        WaitForAsyncUtils.waitForFxEvents();
        Point2D hidden = heatmap.cellCenter(0, 2).orElseThrow();
        Point2D shown = heatmap.cellCenter(1, 2).orElseThrow();
        int[] got = new int[2];
        robot.interact(() -> {
            got[0] = pixelAt(hidden);
            got[1] = pixelAt(shown);
        });
        assertTrue(got[0] == 0xFF8A8A8A || got[0] == 0xFFD0D0D0, Integer.toHexString(got[0]));
        assertEquals(Integer.toHexString(heatmap.argbOf(0.5f)), Integer.toHexString(got[1]));
        assertTrue(heatmap.describe(0, 2).endsWith(dev.glassbox.visuals.i18n.I18n.text("heatmap.maskedCell")));
        assertEquals(heatmap.describe(1, 2).indexOf('('), -1);
        robot.interact(() -> heatmap.setMatrix(null));
    }
}
