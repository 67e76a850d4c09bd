package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import javafx.scene.input.KeyCode;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Steps the Train workspace tests share: open the tab by its shortcut, wait with the workspace's status in a failure. */
final class TrainDriver {
    private final MainWindow window;

    TrainDriver(MainWindow window) {
        this.window = window;
    }

    void waitFor(String what, Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; status: " + window.train().status.getText()
                    + "; error: " + window.errorBanner.getText());
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void openTrainTab(FxRobot robot) {
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT5).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("tabTrain", window.workspaces.getSelectionModel().getSelectedItem().getId(), "Ctrl+5");
    }
}
