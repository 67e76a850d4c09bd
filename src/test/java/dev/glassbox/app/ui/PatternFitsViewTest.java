package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;

/**
 * Issue #23: the Heads side panel's pattern of 128 tokens shows every row (its last ~14 were reported cut), and
 * Train's head view fits its map again when the window is resized, at 1280 x 720 and 1920 x 1080. The window is laid
 * out at each size in one FX step (the headless screen is smaller than 1920 x 1080); the last cell's centre must lie
 * on the canvas and inside the window and every pane around the map.
 */
class PatternFitsViewTest extends WindowTestBase {
    private static final double[][] SIZES = {{1280, 720}, {1920, 1080}, {1280, 720}};
    private static TinyModelFolder tiny;

    PatternFitsViewTest() {
        super(1280, 720);
    }

    @Override
    ModelCatalog catalog() {
        try {
            tiny = TinyModelFolder.write("glassbox-pattern-fits", 3);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return tiny.catalog();
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    private static AttentionMatrix causal(int n) {
        float[][] w = new float[n][n];
        List<String> labels = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) w[q][k] = 1f / (q + 1);
            labels.add("t" + q);
        }
        return new AttentionMatrix("L0 H0", w, labels, labels);
    }

    @Test
    void theHeadsPatternAndTrainsHeadViewShowTheirLastRowAtEverySize(FxRobot robot) throws Exception {
        loaded(robot);
        List<String> problems = new ArrayList<>();
        for (int ws : new int[] {1, 4}) {
            onFx(() -> {
                window.selectWorkspace(ws);
                heatmap(ws).setMatrix(causal(128));
            });
            WaitForAsyncUtils.waitForFxEvents();
            for (double[] size : SIZES) {
                onFx(() -> {
                    window.resize(size[0], size[1]);
                    for (int pass = 0; pass < 2; pass++) {
                        window.applyCss();
                        window.layout();
                    }
                    String where = String.format(Locale.ROOT, "%s at %.0fx%.0f", ws == 1 ? "Heads pattern" : "Train head view",
                            size[0], size[1]);
                    String p = lastCellShown(heatmap(ws), 127);
                    if (p != null) problems.add(where + ": " + p);
                });
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private AttentionHeatmap heatmap(int ws) {
        return ws == 1 ? window.heads().pattern : window.train().heatmap;
    }

    /** Null when the centre of cell (last, last) is on the canvas and inside the window and every pane around it. */
    private String lastCellShown(AttentionHeatmap map, int last) {
        Optional<Point2D> c = map.cellCenter(last, last);
        if (c.isEmpty()) {
            return "the last row is off the canvas (" + map.canvas().getWidth() + " x " + map.canvas().getHeight() + ")";
        }
        Point2D p = map.localToScene(c.get());
        for (Node n = map; n != null; n = n.getParent()) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            if (!b.contains(p)) {
                return "the last row's centre " + p + " is outside " + n.getClass().getSimpleName() + " " + b;
            }
        }
        return p.getY() <= window.getHeight() && p.getX() <= window.getWidth() ? null : "below or right of the window " + p;
    }

    private static void onFx(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get();
    }
}
