package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.visuals.Theme;

/**
 * Issue #18 in the window: the theme switch and the prompt toggle act at once and are remembered, Ctrl+plus reaches
 * the views' canvas text, and F5 presents (controls hidden, full screen, text larger) until Esc puts everything back.
 */
class PresentationModeTest extends WindowTestBase {
    private Stage stage;

    PresentationModeTest() {
        super(1000, 700);
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        show(stage);
    }

    private Node promptBlock(FxRobot robot) {
        return robot.lookup("#promptBlock").query();
    }

    private void key(FxRobot robot, KeyCode... keys) {
        robot.press(keys).release(keys);
    }

    @Test
    void themeAndPromptToggleApplyAtOnceAndAreRemembered(FxRobot robot) {
        DisplayPreference saved = new DisplayPreference(prefs);
        assertEquals(Theme.DARK, Theme.current());
        assertTrue(window.getStylesheets().contains(AppStyle.url(Theme.DARK)));
        robot.clickOn("#themeToggle");
        assertEquals(Theme.LIGHT, Theme.current(), "every canvas follows the theme");
        assertEquals(java.util.List.of(AppStyle.url(Theme.LIGHT)), window.getStylesheets(), "the app's controls too");
        assertEquals(Theme.LIGHT, saved.theme(), "remembered for the next start");

        assertTrue(promptBlock(robot).isVisible());
        robot.clickOn("#promptToggle");
        assertFalse(promptBlock(robot).isVisible(), "collapsed");
        assertTrue(saved.promptCollapsed(), "remembered");
        robot.clickOn("#promptToggle");
        assertTrue(promptBlock(robot).isVisible());
        assertFalse(saved.promptCollapsed());
    }

    @Test
    void zoomReachesCanvasTextAndPresentationModeRestoresEverything(FxRobot robot) {
        robot.clickOn("#promptToggle"); // collapsed before presenting: still collapsed after
        robot.clickOn("#generateButton"); // focus in the window without typing into the prompt
        key(robot, KeyCode.CONTROL, KeyCode.EQUALS);
        assertEquals(1.1, Theme.textScale(), 1e-9, "Ctrl+plus scales the views' text with the controls'");
        String zoomedStyle = window.getStyle();
        boolean fullBefore = stage.isFullScreen();
        // the headless toolkit paints a full-screen window from its own position: at the screen's corner it fits
        robot.interact(() -> stage.setX(0));
        robot.interact(() -> stage.setY(0));

        key(robot, KeyCode.F5);
        assertTrue(window.presenting());
        assertFalse(window.toolRow.isVisible(), "the editing controls are hidden");
        assertFalse(promptBlock(robot).isVisible());
        assertFalse(window.status.isVisible());
        assertTrue(stage.isFullScreen(), "the view fills the screen");
        assertEquals(1.1 * MainWindow.PRESENTATION_SCALE, Theme.textScale(), 1e-9, "text larger than the zoom");
        assertTrue(window.getStyle().contains(String.format(java.util.Locale.ROOT, "%.1fpx",
                MainWindow.BASE_FONT_PX * 1.1 * MainWindow.PRESENTATION_SCALE)), window.getStyle());

        key(robot, KeyCode.ESCAPE);
        assertFalse(window.presenting());
        assertTrue(window.toolRow.isVisible());
        assertTrue(window.status.isVisible());
        assertFalse(promptBlock(robot).isVisible(), "the prompt block as the user left it");
        assertEquals(fullBefore, stage.isFullScreen());
        assertEquals(1.1, Theme.textScale(), 1e-9);
        assertEquals(zoomedStyle, window.getStyle());

        key(robot, KeyCode.F5);
        key(robot, KeyCode.F5);
        assertFalse(window.presenting(), "F5 also leaves it");
        assertTrue(window.toolRow.isVisible());
    }
}
