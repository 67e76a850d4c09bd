package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Live frames whose pixel arrays are handed back and written again by later frames show what one frame of the same
 * rows shows on a fresh grid.
 */
@ExtendWith(ApplicationExtension.class)
class AttentionGridLiveTest {
    private AttentionGrid live;
    private AttentionGrid fresh;

    @Start
    void start(Stage stage) {
        live = new AttentionGrid();
        fresh = new AttentionGrid();
        stage.setScene(new Scene(new HBox(live, fresh), 900, 500));
        stage.show();
    }

    private static List<float[]> causal(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            float[] row = new float[q + 1];
            for (int k = 0; k <= q; k++) row[k] = (float) rnd.nextDouble() / (q + 1);
            rows.add(row);
        }
        return rows;
    }

    /** Two layers x two heads, the first {@code n} rows of each map. */
    private static List<GridRow> rows(List<List<float[]>> maps, int n) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add("t" + i);
        List<GridRow> out = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            List<AttentionMatrix> cells = new ArrayList<>();
            for (int h = 0; h < 2; h++) {
                cells.add(new AttentionMatrix("m", maps.get(2 * l + h).subList(0, n).toArray(float[][]::new), labels, labels));
            }
            out.add(new GridRow("L" + l, cells));
        }
        return out;
    }

    private static void show(FxRobot robot, AttentionGrid grid, List<GridRow> rows) throws Exception {
        robot.interact(() -> grid.setLiveRows(List.of("H0", "H1"), rows));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> grid.readyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static List<int[]> pixels(AttentionGrid grid) {
        List<int[]> out = new ArrayList<>();
        for (Node cell : grid.lookupAll(".grid-cell")) {
            ImageView view = (ImageView) ((javafx.scene.Parent) cell).getChildrenUnmodifiable().getFirst();
            int w = (int) view.getImage().getWidth();
            int[] px = new int[w * w];
            view.getImage().getPixelReader().getPixels(0, 0, w, w, PixelFormat.getIntArgbPreInstance(), px, 0, w);
            out.add(px);
        }
        return out;
    }

    @Test
    void framesWrittenIntoHandedBackArraysShowTheirOwnRows(FxRobot robot) throws Exception {
        List<List<float[]>> maps = new ArrayList<>();
        for (int i = 0; i < 4; i++) maps.add(causal(160, 10 + i));
        maps.get(1).get(3)[1] = 1f; // an early maximum: later frames scale to it, a stale frame would not
        for (int n = 2; n <= 160; n += 9) {
            show(robot, live, rows(maps, n));
        }
        show(robot, fresh, rows(maps, 155));
        List<int[]> got = WaitForAsyncUtils.asyncFx(() -> pixels(live)).get();
        List<int[]> want = WaitForAsyncUtils.asyncFx(() -> pixels(fresh)).get();
        assertEquals(4, got.size());
        for (int i = 0; i < 4; i++) assertArrayEquals(want.get(i), got.get(i), "cell " + i);
    }
}
