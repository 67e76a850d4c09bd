package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;

import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.context.CoverageMapView;

/**
 * A short view puts its key beside the picture; in presentation mode's large text the Context lab's 220 px coverage
 * maps squeezed their keys to half their width, and each key's texts and colour bar ran over the next map. The key
 * now keeps its least width and wraps its texts within it, inside the view; the picture gives way.
 */
@ExtendWith(ApplicationExtension.class)
class ShortViewKeyTest {
    private Pane root;

    @Start
    void start(Stage stage) {
        root = new Pane();
        root.setStyle("-fx-font-size: 20px;"); // presentation mode's text
        TestStage.show(stage, new Scene(root, 900, 600));
    }

    @Test
    void aShortViewsKeyStaysInsideTheViewWithLargeText(FxRobot robot) throws Exception {
        CoverageMapView v = WaitForAsyncUtils.asyncFx(() -> {
            CoverageMapView view = new CoverageMapView();
            int n = 32;
            BitSet[] direct = new BitSet[n];
            int[] reach = new int[n];
            for (int q = 0; q < n; q++) {
                direct[q] = new BitSet();
                direct[q].set(0, q + 1);
                reach[q] = q + 1;
            }
            view.setCoverage(direct, reach);
            view.setManaged(false); // laid out at 220 x 220, not at its preferred size
            root.getChildren().add(view);
            view.resizeRelocate(0, 0, 220, 220);
            root.applyCss();
            view.layout();
            return view;
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        String outside = WaitForAsyncUtils.asyncFx(() -> {
            StringBuilder b = new StringBuilder();
            for (javafx.scene.Node n : v.legend().lookupAll(".label")) {
                Bounds inView = v.sceneToLocal(n.localToScene(n.getLayoutBounds()));
                if (n.isVisible() && inView.getWidth() > 0 && inView.getMaxX() > 220 + 0.5) {
                    b.append("\n").append(((javafx.scene.control.Label) n).getText()).append(' ').append(inView);
                }
            }
            return b.toString();
        }).get();
        assertTrue(outside.isEmpty(), "texts of the key outside the 220 px view:" + outside);
    }
}
