package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.routing.RouteLanesView;

/**
 * A key under a wide view runs its texts in lines as wide as the view, inside it, at presentation mode's text size:
 * under Train's head view and Routing's lanes the texts wrapped at 200 px ("share of sampled / routes in which the /
 * layer ran") and "→ more attention" ran past the view's right edge. Beside a view the key keeps its narrow width.
 */
@ExtendWith(ApplicationExtension.class)
class KeyUnderViewTest {
    private Pane root;

    @Start
    void start(Stage stage) {
        root = new Pane();
        root.setStyle("-fx-font-size: 19.5px;"); // presentation mode's text
        TestStage.show(stage, new Scene(root, 900, 600));
    }

    private static float[][] causal(int n) {
        float[][] w = new float[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                w[q][k] = 1f / (q + 1);
            }
        }
        return w;
    }

    private List<String> laidOut(CanvasView view, double w, double h, boolean expectUnder) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            view.setManaged(false);
            root.getChildren().setAll(view);
            view.resizeRelocate(0, 0, w, h);
            for (int pass = 0; pass < 3; pass++) {
                root.applyCss();
                view.layout();
            }
            List<String> problems = new ArrayList<>();
            String state = view.getClass().getSimpleName() + " " + Math.round(w) + "x" + Math.round(h);
            Bounds key = view.sceneToLocal(view.legend().localToScene(view.legend().getLayoutBounds()));
            boolean under = key.getMinY() >= view.canvas().getHeight();
            if (under != expectUnder) {
                problems.add(state + ": the key is " + (under ? "under" : "beside") + " the picture " + key);
            }
            for (Node n : view.legend().lookupAll(".label")) {
                if (!(n instanceof Label l) || !l.isVisible() || l.getText().isEmpty() || !l.isManaged()) {
                    continue;
                }
                Bounds b = view.sceneToLocal(l.localToScene(l.getLayoutBounds()));
                if (b.getMaxX() > w + 0.5 || b.getMaxY() > h + 0.5) {
                    problems.add(state + ": \"" + l.getText() + "\" " + b + " runs out of the view");
                }
                double oneLine = CanvasView.textWidth(l.getText(), l.getFont()) + 4;
                if (under && oneLine < w - 20 && b.getHeight() > l.getFont().getSize() * 1.6 + 4) {
                    problems.add(state + ": \"" + l.getText() + "\" wraps to " + Math.round(b.getHeight()) + " px");
                }
                if (!under && b.getWidth() > 260) {
                    problems.add(state + ": beside the picture \"" + l.getText() + "\" is " + Math.round(b.getWidth())
                            + " px wide");
                }
            }
            return problems;
        }).get();
    }

    @Test
    void keysUnderWideViewsRunInLinesAsWideAsTheViewAndStayInside() throws Exception {
        List<String> problems = new ArrayList<>();
        AttentionHeatmap map = WaitForAsyncUtils.asyncFx(() -> {
            AttentionHeatmap m = new AttentionHeatmap();
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                labels.add(Integer.toString(i));
            }
            m.setMatrix(new dev.glassbox.visuals.AttentionMatrix("layer 1 · head 0", causal(32), labels, labels));
            return m;
        }).get();
        problems.addAll(laidOut(map, 340, 300, true)); // Train's head view while presenting at 1280 x 720
        problems.addAll(laidOut(map, 800, 400, false)); // wide and short: the key at the right
        problems.addAll(laidOut(map, 340, 300, true)); // and back under it
        RouteLanesView lanes = WaitForAsyncUtils.asyncFx(RouteLanesView::new).get();
        problems.addAll(laidOut(lanes, 690, 560, true)); // Routing's lanes while presenting at 1280 x 720
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
