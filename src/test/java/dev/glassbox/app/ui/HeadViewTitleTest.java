package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.layout.Pane;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The head view's title ("Open a head from the grid …") wraps onto a second line where the view is narrow, at
 * presentation mode's text size: it read "Open a head from the gr…" in Explore at 1280 x 720.
 */
@ExtendWith(ApplicationExtension.class)
class HeadViewTitleTest {
    private HeadView view;
    private Pane holder;

    @Start
    void start(Stage stage) {
        view = new HeadView(m -> { }, (export, done, cancelled) -> { });
        view.setManaged(false);
        holder = new Pane(view);
        StyledHolder.show(stage, holder, 700, 500);
    }

    @Test
    void theTitleIsShownWholeInANarrowViewAtPresentationSize(FxRobot robot) {
        robot.interact(() -> {
            holder.setStyle("-fx-font-size: 19.5px;");
            view.resize(640, 480);
            holder.applyCss();
            view.layout();
        });
        assertFalse(view.title.isTextTruncated(), "the title is shown whole: " + view.title.getText());
        assertTrue(view.title.getHeight() > 1.5 * view.title.getFont().getSize(), "on two lines");
    }
}
