package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Issue #23: the Explore grid's colour key of a 12-head model (stories110M's width: 13 columns with the mean) stays
 * whole inside the left pane at 1280 x 720 and 1920 x 1080, in English and Chinese, every text of it unelided. Beside
 * the grid it was pushed out of the scroll pane's view ("at / la / 0 / sc" showed at 1280 x 720). The Train
 * workspace's grid keeps its key the same way (beside its grid it was cut off by the pane's bottom at 1280 x 720).
 *
 * <p>The headless screen is 1000 x 1000, so the window is laid out at each size in a half-scale holder, as in
 * {@link LayoutFitsWindowTest}.
 */
class ExplorerGridKeyTest extends WindowTestBase {
    private static final double[][] SIZES = {{1280, 720}, {1920, 1080}};
    private static Path dir;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = Files.createTempDirectory("glassbox-key12");
        TinyLlama2c.write(dir.resolve("tiny"), 12, 96, 2, 12, 4);
    }

    ExplorerGridKeyTest() {
        super(1280, 720, () -> new ModelCatalog(ModelCatalog.scan(dir.resolve("tiny"))));
    }

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        show(stage);
    }

    @Test
    void theGridsKeyIsWholeInTheLeftPaneAtBothSizesInEnglishAndChinese(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        d.generate("the cat sat on the mat", 4);
        assertEquals(13, window.explorer.grid.rows().getFirst().cells().size(), "12 heads and their mean");
        List<String> problems = checkAtBothSizes(window.explorer.grid.legend(), 0);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theTrainGridsKeyIsWholeUnderItsGridAtBothSizesInEnglishAndChinese(FxRobot robot) throws Exception {
        loaded(robot);
        TrainWorkspace t = window.train();
        robot.interact(() -> {
            window.selectWorkspace(4);
            t.heads.field.setText("4");
            t.kvHeads.field.setText("2");
            t.dim.field.setText("32");
            t.batch.field.setText("4");
            t.steps.field.setText("20");
            t.start();
        });
        new TrainDriver(window).waitFor("training", () -> t.framesShownProperty().get() > 0 && !t.running());
        ColorLegend key = t.grid.legend();
        assertTrue(key.getParent() != t.grid, "the key is not beside the thumbnails, in the grid's scroll pane");
        List<String> problems = checkAtBothSizes(key, 4);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The problems of {@code key} at both sizes in both languages, workspace {@code workspace} shown. */
    private List<String> checkAtBothSizes(ColorLegend key, int workspace) throws Exception {
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

    /** Moves the window into a holder that shows it at half scale, laid out at its own size. */
    private void holdAtHalfScale() {
        javafx.scene.layout.Pane holder = new javafx.scene.layout.Pane();
        window.getScene().setRoot(holder);
        window.getStyleClass().add("root");
        window.setManaged(false);
        window.getTransforms().add(new javafx.scene.transform.Scale(0.5, 0.5, 0, 0));
        holder.getChildren().add(window);
    }

    private Bounds inWindow(Node n) {
        return window.sceneToLocal(n.localToScene(n.getLayoutBounds()));
    }
}
