package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Train after a run, in presentation mode (F5) on a 1280 x 720 projector, English and Chinese: the head view's key
 * is whole inside the window and, under the map, each of its texts is on one line when the line has room (they
 * wrapped at 200 px and "→ more attention" was cut at the window's edge); the grid shows all rows of a 3 x 4 model without
 * scrolling (the defaults' 2 layers showed ~1.5); leaving presentation mode puts the settings form's divider back where it
 * was (it stayed where the larger text had pushed it), and the loss plot's. (Heads' layer pickers, 70 px, showed "0"
 * as "C" while presenting.)
 */
class TrainPresentingTest extends GridKeyTestBase {
    private static final double W = 1280, H = 720;

    TrainPresentingTest() {
        super(() -> new ModelCatalog(List.of()));
    }

    @Start
    void start(Stage stage) {
        showOn(stage);
    }

    private void layOut() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window.resizeRelocate(0, 0, W, H);
            for (int pass = 0; pass < 3; pass++) {
                window.applyCss();
                window.layout();
            }
        }).get();
        WaitForAsyncUtils.waitForFxEvents(); // what the layout asked for later (Platform.runLater)
        WaitForAsyncUtils.asyncFx(() -> {
            window.applyCss();
            window.layout();
        }).get();
    }

    private static <T> T around(Node n, Class<T> type) {
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (type.isInstance(p)) {
                return type.cast(p);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " around " + n);
    }

    @Test
    void presentingAtProjectorSizeShowsTheKeysAndGridWholeAndLeavingRestoresTheForm(FxRobot robot) throws Exception {
        TrainWorkspace t = window.train();
        robot.interact(() -> {
            window.selectWorkspace(4);
            // 3 layers of the defaults' 4 heads: the headless toolkit's keys are ~25 px shorter than the app's on
            // a display, where the defaults' 2 layers did not fit
            t.layers.field.setText("3");
            t.heads.field.setText("4");
            t.kvHeads.field.setText("4");
            t.dim.field.setText("32");
            t.batch.field.setText("4");
            t.steps.field.setText("20");
            t.start();
        });
        new TrainDriver(window).waitFor("training", () -> t.framesShownProperty().get() > 0 && !t.running());
        robot.interact(() -> t.heatmap.setMatrix(t.grid.rows().get(1).cells().get(0)));
        WaitForAsyncUtils.asyncFx(this::holdAtHalfScale).get();
        List<String> problems = new ArrayList<>();
        for (Locale locale : new Locale[] {I18n.ENGLISH, I18n.CHINESE}) {
            WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(locale)).get();
            layOut();
            SplitPane formSplit = around(t.formScroll, SplitPane.class);
            SplitPane plotSplit = around(t.plot, SplitPane.class);
            double before = formSplit.getDividerPositions()[0];
            double plotBefore = plotSplit.getDividerPositions()[0];
            WaitForAsyncUtils.asyncFx(window::startPresentation).get();
            layOut();
            String state = locale + " presenting";
            problems.addAll(keyProblems(state, t.heatmap));
            ScrollPane gridScroll = around(t.grid, ScrollPane.class);
            double view = gridScroll.getViewportBounds().getHeight();
            if (t.grid.getHeight() > view + 1) {
                problems.add(state + ": the grid is " + Math.round(t.grid.getHeight()) + " px tall in a "
                        + Math.round(view) + " px view");
            }
            WaitForAsyncUtils.asyncFx(() -> window.selectWorkspace(1)).get();
            layOut();
            for (javafx.scene.control.Spinner<Integer> sp : List.of(window.heads().layer, window.heads().columnLayer)) {
                javafx.scene.control.TextField editor = sp.getEditor();
                double room = editor.getWidth() - editor.getInsets().getLeft() - editor.getInsets().getRight();
                if (room < CanvasView.textWidth("00", editor.getFont())) { // a 12-layer model's "11"
                    problems.add(state + ": the Heads layer picker " + sp.getId() + " has " + Math.round(room)
                            + " px for its number");
                }
            }
            WaitForAsyncUtils.asyncFx(() -> window.selectWorkspace(4)).get();
            WaitForAsyncUtils.asyncFx(window::endPresentation).get();
            layOut();
            double after = formSplit.getDividerPositions()[0];
            if (Math.abs(after - before) > 0.01) {
                problems.add(locale + ": the form's divider was at " + String.format(Locale.ROOT, "%.3f", before)
                        + " before presenting, at " + String.format(Locale.ROOT, "%.3f", after) + " after");
            }
            double plotAfter = plotSplit.getDividerPositions()[0];
            if (Math.abs(plotAfter - plotBefore) > 0.01) {
                problems.add(locale + ": the loss plot's divider was at " + String.format(Locale.ROOT, "%.3f",
                        plotBefore) + " before presenting, at " + String.format(Locale.ROOT, "%.3f", plotAfter) + " after");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The view's key inside the view and the window; under the view, a text that fits a line is on one line. */
    private List<String> keyProblems(String state, CanvasView view) {
        List<String> problems = new ArrayList<>();
        ColorLegend key = (ColorLegend) view.legend();
        Bounds v = inWindow(view);
        Bounds k = inWindow(key);
        boolean under = k.getMinY() >= inWindow(view.canvas()).getMaxY();
        for (Node n : key.lookupAll(".label")) {
            if (!(n instanceof Label l) || !l.isVisible() || l.getText().isEmpty()) {
                continue;
            }
            Bounds b = inWindow(l);
            if (b.getMaxX() > Math.min(v.getMaxX(), W) + 1 || b.getMaxY() > Math.min(v.getMaxY(), H) + 1) {
                problems.add(state + ": the key's \"" + l.getText() + "\" at " + b + " is cut (view " + v + ")");
            }
            double oneLine = CanvasView.textWidth(l.getText(), l.getFont()) + 4;
            if (under && oneLine < k.getWidth() - 12 && b.getHeight() > l.getFont().getSize() * 1.6 + 4) {
                problems.add(state + ": the key's \"" + l.getText() + "\" wraps to " + Math.round(b.getHeight())
                        + " px in a " + Math.round(k.getWidth()) + " px key");
            }
        }
        return problems;
    }

    private Bounds inWindow(Node n) {
        return window.sceneToLocal(n.localToScene(n.getLayoutBounds()));
    }
}
