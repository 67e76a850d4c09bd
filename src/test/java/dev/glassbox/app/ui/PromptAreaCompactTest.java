package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Node;
import javafx.scene.layout.Region;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;

/**
 * The prompt area above the tabs at 1280 x 720 (a classroom projector) with the bundled model: the model's description
 * on one line (all of it in its tooltip; two lines on a 1080-px-tall window), one row of chips in a one-row box, and
 * no output box before there is an output; after a run the output is shown whole. At 1280 x 720 the area took ~290 px
 * from the views (description two lines, a 52 px chip box for one row of chips, an empty 40 px output box).
 */
class PromptAreaCompactTest extends WindowTestBase {
    PromptAreaCompactTest() {
        super(1280, 720, ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    /** Lays the window out at {@code w} x {@code h} in a half-scale holder (the headless screen is 1000 x 1000). */
    private void layOut(double w, double h) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            if (window.getParent() == null || window.isManaged()) {
                javafx.scene.layout.Pane holder = new javafx.scene.layout.Pane();
                window.getScene().setRoot(holder);
                window.getStyleClass().add("root");
                window.setManaged(false);
                window.getTransforms().add(new javafx.scene.transform.Scale(0.5, 0.5, 0, 0));
                holder.getChildren().add(window);
            }
            window.resizeRelocate(0, 0, w, h);
        }).get();
        for (int pulse = 0; pulse < 3; pulse++) { // the boxes take their texts' heights after the pass that measured them
            WaitForAsyncUtils.waitForFxEvents();
            WaitForAsyncUtils.asyncFx(() -> {
                window.applyCss();
                window.layout();
            }).get();
        }
    }

    private static double lineHeight(javafx.scene.control.Label l) {
        return l.getFont().getSize() * 1.5;
    }

    @Test
    void thePromptAreaIsCompactAt1280x720AndShowsTheOutputOnceThereIsOne(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        layOut(1280, 720);
        PromptPane p = window.prompt;
        Node block = window.lookup("#promptBlock");
        assertFalse(window.modelGuide.getText().isBlank(), "the bundled model has a description");
        assertTrue(window.modelGuide.getHeight() < lineHeight(window.modelGuide),
                "the description takes one line: " + window.modelGuide.getHeight());
        assertFalse(p.outputScroll.isVisible(), "no output box before a run");
        double chipRow = p.chips.getHeight();
        assertTrue(chipRow > 0 && chipRow < 40, "the prompt's chips fit on one row: " + chipRow);
        assertTrue(p.chipScroll.getHeight() <= chipRow + 14, "the chip box is one row tall (and its border): "
                + p.chipScroll.getHeight() + " for chips " + chipRow);
        double before = ((Region) block).getHeight() + window.modelGuide.getHeight();
        assertTrue(((Region) block).getHeight() <= p.getHeight() + 4, "the prompt block is no taller than its content: "
                + ((Region) block).getHeight() + " for " + p.getHeight());
        assertTrue(before <= 150, "description and prompt block take " + before + " px");

        d.generate("Once upon a time", 24);
        layOut(1280, 720);
        assertTrue(p.outputScroll.isVisible(), "the output is shown");
        assertFalse(p.output.getText().isBlank());
        Region viewport = (Region) p.output.getParent();
        assertTrue(p.outputScroll.getViewportBounds().getHeight() + 1 >= Math.min(p.output.getHeight(), PromptPane.OUTPUT_HEIGHT),
                "the output is whole (or scrolls beyond its largest box): " + p.outputScroll.getViewportBounds() + " for "
                        + p.output.getHeight() + " in " + viewport);

        layOut(1920, 1080);
        assertTrue(window.modelGuide.isWrapText(), "on a taller window the description may take two lines");
        layOut(1280, 720);
        assertEquals(false, window.modelGuide.isWrapText());
    }
}
