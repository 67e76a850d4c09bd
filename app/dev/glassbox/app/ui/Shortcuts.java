package dev.glassbox.app.ui;

import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;

/** Ctrl+Enter generate (or run the shown workspace), Esc stop (or leave presentation mode), F5 presentation mode, F11 full screen, Ctrl+plus/minus zoom, Ctrl+O open a model or session, Ctrl+S save the session, Alt+Left/Right lesson steps, Ctrl+1..7 workspaces, Ctrl+P pause/resume training, Ctrl+Shift+A restore ablated heads, F1 what am I seeing. */
public final class Shortcuts {
    private Shortcuts() {
    }

    public static void install(Scene scene, Stage stage, MainWindow w) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            KeyCode k = e.getCode();
            boolean ctrl = e.isShortcutDown();
            boolean handled = true;
            if (ctrl && k == KeyCode.ENTER) {
                w.runShown();
            } else if (k == KeyCode.ESCAPE && w.presenting()) {
                w.endPresentation();
            } else if (k == KeyCode.F5) {
                w.togglePresentation();
            } else if (k == KeyCode.ESCAPE && !stage.isFullScreen()) {
                w.stop();
            } else if (k == KeyCode.F1) {
                w.toggleExplanation();
            } else if (k == KeyCode.F11) {
                stage.setFullScreen(!stage.isFullScreen());
            } else if (ctrl && (k == KeyCode.PLUS || k == KeyCode.EQUALS || k == KeyCode.ADD)) {
                w.zoom(1.1);
            } else if (ctrl && (k == KeyCode.MINUS || k == KeyCode.SUBTRACT)) {
                w.zoom(1 / 1.1);
            } else if (ctrl && k.isDigitKey() && k.getChar().charAt(0) >= '1' && k.getChar().charAt(0) <= '7') {
                w.selectWorkspace(k.getChar().charAt(0) - '1');
            } else if (ctrl && k == KeyCode.P) {
                w.togglePauseTraining();
            } else if (ctrl && e.isShiftDown() && k == KeyCode.A) {
                w.clearAblation();
            } else if (ctrl && k == KeyCode.S) {
                w.chooseSessionToSave();
            } else if (e.isAltDown() && k == KeyCode.RIGHT) {
                w.session().lesson().next();
            } else if (e.isAltDown() && k == KeyCode.LEFT) {
                w.session().lesson().back();
            } else if (ctrl && k == KeyCode.O) {
                w.chooseFile();
            } else {
                handled = false;
            }
            if (handled) {
                e.consume();
            }
        });
    }
}
