package dev.glassbox.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What the colour-key tests share: the window laid out at 1280 x 720 and 1920 x 1080 in a half-scale holder (the
 * headless screen is 1000 x 1000, as in {@link LayoutFitsWindowTest}), in English and Chinese, and a key checked
 * whole: shown, inside every pane around it, above the status bar, each text unelided.
 */
abstract class GridKeyTestBase extends WindowTestBase {
    static final double[][] SIZES = {{1280, 720}, {1920, 1080}};
    Stage stage;

    GridKeyTestBase(java.util.function.Supplier<ModelCatalog> catalog) {
        super(1280, 720, catalog);
    }

    /** Shows the window; each test class calls it from its own {@code @Start} method (TestFX finds only those). */
    void showOn(Stage stage) {
        this.stage = stage;
        show(stage);
    }

    /** The problems of {@code key} at both sizes in both languages, workspace {@code workspace} shown. */
    List<String> checkAtBothSizes(ColorLegend key, int workspace) throws Exception {
        WaitForAsyncUtils.asyncFx(this::holdAtHalfScale).get();
        List<String> problems = new ArrayList<>();
        for (double[] size : SIZES) {
            for (Locale locale : new Locale[] {I18n.ENGLISH, I18n.CHINESE}) {
                WaitForAsyncUtils.asyncFx(() -> {
                    window.selectWorkspace(workspace);
                    I18n.setLocale(locale);
                    stage.setWidth(size[0] / 2);
                    stage.setHeight(size[1] / 2);
                    window.resizeRelocate(0, 0, size[0], size[1]);
                    for (int pass = 0; pass < 3; pass++) {
                        window.applyCss();
                        window.layout();
                    }
                    String state = String.format(Locale.ROOT, "%.0fx%.0f %s", size[0], size[1], locale);
                    problems.addAll(check(state, key));
                }).get();
            }
        }
        return problems;
    }

    /** The key shown, inside the window and every pane around it, and each of its texts shown whole. */
    private List<String> check(String state, ColorLegend key) {
        List<String> problems = new ArrayList<>();
        for (Node p = key; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                problems.add(state + ": the key is not shown");
                return problems;
            }
        }
        Bounds b = inWindow(key);
        if (b.getWidth() < 100 || b.getHeight() < 10) {
            problems.add(state + ": the key has no room " + b);
        }
        Bounds status = inWindow(window.status);
        if (b.getMaxY() > status.getMinY() + 1) {
            problems.add(state + ": the key " + b + " runs under the status bar " + status);
        }
        for (Node p = key.getParent(); p != null && p != window; p = p.getParent()) {
            Bounds pb = inWindow(p);
            if (b.getMinX() < pb.getMinX() - 1 || b.getMinY() < pb.getMinY() - 1
                    || b.getMaxX() > pb.getMaxX() + 1 || b.getMaxY() > pb.getMaxY() + 1) {
                problems.add(state + ": the key " + b + " is cut by " + p.getClass().getSimpleName() + " " + pb);
                break;
            }
        }
        for (Node n : key.lookupAll(".label")) {
            if (n instanceof Label l && l.isVisible() && !l.getText().isEmpty()) {
                Node shown = l.lookup(".text");
                String text = shown instanceof javafx.scene.text.Text t ? t.getText() : l.getText();
                if (!text.replace("\n", " ").strip().equals(l.getText().strip())) {
                    problems.add(state + ": the key's \"" + l.getText() + "\" shows as \"" + text + "\"");
                }
            }
        }
        return problems;
    }

    private Bounds inWindow(Node n) {
        return window.sceneToLocal(n.localToScene(n.getLayoutBounds()));
    }
}
