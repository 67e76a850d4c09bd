package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

/** With no bundled model the window still opens, says what to do, and keeps Generate disabled. */
class EmptyWindowTest extends WindowTestBase {
    EmptyWindowTest() {
        super(1000, 700);
    }

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Test
    void showsAnEmptyStateAndDisablesRunning(FxRobot robot) {
        assertTrue(window.emptyState.isVisible());
        assertTrue(window.emptyState.getText().contains("Open model"), window.emptyState.getText());
        assertFalse(window.explorer.isVisible());
        assertTrue(window.generate.isDisabled() && window.step.isDisabled() && window.stop.isDisabled());
        robot.clickOn("#promptField").write("x");
        robot.press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.ENTER)
                .release(javafx.scene.input.KeyCode.CONTROL);
        assertTrue(window.lastRunProperty().get() == null, "Ctrl+Enter without a model does nothing");
    }
}
