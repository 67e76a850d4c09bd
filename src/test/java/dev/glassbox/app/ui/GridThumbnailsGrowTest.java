package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import javafx.geometry.Bounds;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.AttentionGrid;

/**
 * The Explore grid's thumbnails grow with the window: at 1920 x 1080 a 2-layer, 4-head model's grid fills its pane
 * with thumbnails drawn at their full size (they stayed 48 pixels in a corner), and they stay at least 48 pixels,
 * whole in the pane, at 1280 x 720; their layer and head names are as large as the window's text, bold. Laid out at each size in a half-scale holder, as in {@link ExplorerGridKeyTest}.
 */
class GridThumbnailsGrowTest extends WindowTestBase {
    private static Path dir;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = Files.createTempDirectory("glassbox-grow");
        TinyLlama2c.write(dir.resolve("tiny"), 7);
    }

    GridThumbnailsGrowTest() {
        super(1280, 720, () -> new ModelCatalog(ModelCatalog.scan(dir.resolve("tiny"))));
    }

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        show(stage);
    }

    @Test
    void thumbnailsUseTheRoomOfALargeWindowAndStayWholeInASmallOne(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        d.generate("the cat sat on the mat", 8);
        AttentionGrid grid = window.explorer.grid;
        robot.interact(this::holdAtHalfScale);
        int small = sideAt(1280, 720, grid);
        int large = sideAt(1920, 1080, grid);
        assertTrue(small >= 48, "at least 48 pixels at 1280 x 720: " + small);
        assertTrue(large >= 1.5 * small && large >= 96, "grown at 1920 x 1080: " + large + " (1280 x 720: " + small + ")");
        WaitForAsyncUtils.waitFor(20, java.util.concurrent.TimeUnit.SECONDS, () -> grid.readyProperty().get());
        ImageView view = (ImageView) grid.cell(1, 2).getChildren().getFirst();
        assertEquals(large, (int) view.getImage().getWidth(), "drawn at the side shown, not scaled up");
        assertEquals(large, (int) view.getBoundsInParent().getWidth(), "shown at the side");
        int again = sideAt(1280, 720, grid);
        assertEquals(small, again, "back to the small window's side");
        // the layer and head names beside thumbnails this large: the text's size, bold (they were 0.85em, grey)
        javafx.scene.control.Label l0 = grid.lookupAll(".grid-header").stream().map(javafx.scene.control.Label.class::cast)
                .filter(l -> l.getText().equals("L0")).findFirst().orElseThrow();
        double text = 13; // AppStyle's .root font size
        assertTrue(l0.getFont().getSize() >= text && l0.getFont().getStyle().toLowerCase(Locale.ROOT).contains("bold"),
                "L0 in " + l0.getFont() + ", the window's text in " + text + " px");
    }

    /** Lays the window out at w x h and returns the thumbnails' side, checking the grid is whole in its scroll pane. */
    private int sideAt(double w, double h, AttentionGrid grid) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            stage.setWidth(w / 2);
            stage.setHeight(h / 2);
            window.resizeRelocate(0, 0, w, h);
            for (int pass = 0; pass < 4; pass++) {
                window.applyCss();
                window.layout();
            }
            javafx.scene.Parent p = grid.getParent();
            while (!(p instanceof ScrollPane)) {
                p = p.getParent();
            }
            ScrollPane scroll = (ScrollPane) p;
            Bounds view = scroll.getViewportBounds();
            Bounds g = grid.getLayoutBounds();
            String state = String.format(Locale.ROOT, "%.0fx%.0f", w, h);
            assertTrue(g.getWidth() <= view.getWidth() + 1 && g.getHeight() <= view.getHeight() + 1,
                    state + ": grid " + g + " is larger than its view " + view);
            return grid.thumbnailSide();
        }).get();
    }
}
