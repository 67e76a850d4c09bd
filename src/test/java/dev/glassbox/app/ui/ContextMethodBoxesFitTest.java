package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

/**
 * The Context lab's method boxes show their default methods whole, at the normal text size and at presentation
 * size: at a fixed 190 px the third box read "streaming:sinks=4,W=" (the window was 1280 x 720).
 */
class ContextMethodBoxesFitTest extends WindowTestBase {
    ContextMethodBoxesFitTest() {
        super(1280, 720);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Test
    void defaultMethodsAreShownWhole(FxRobot robot) {
        robot.interact(() -> window.selectWorkspace(2));
        List<String> cut = new ArrayList<>();
        atNormalAndPresentationTextSize(robot, scale -> {
            for (ComboBox<String> c : window.context.get().methods) {
                TextField editor = c.getEditor();
                Text probe = new Text(c.getValue());
                probe.setFont(editor.getFont());
                double room = editor.getWidth() - editor.snappedLeftInset() - editor.snappedRightInset();
                if (probe.getLayoutBounds().getWidth() > room) {
                    cut.add(c.getValue() + " at " + scale + "x: " + Math.round(probe.getLayoutBounds().getWidth())
                            + " px of text in " + Math.round(room) + " px");
                }
            }
        });
        assertTrue(cut.isEmpty(), "cut: " + cut);
    }
}
