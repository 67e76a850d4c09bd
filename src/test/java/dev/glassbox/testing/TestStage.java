package dev.glassbox.testing;

import javafx.scene.Scene;
import javafx.stage.Stage;

/** Shows a scene on TestFX's stage, which every test class of a JVM shares. */
public final class TestStage {
    private TestStage() {
    }

    /**
     * Puts {@code scene} on {@code stage} at the screen's corner at its own size, whatever an earlier test left: a
     * resized, moved, maximised or full-screen stage (the headless platform's 1000x1000 screen cannot draw a window
     * that reaches past its edge).
     */
    public static void show(Stage stage, Scene scene) {
        stage.setFullScreen(false);
        stage.setMaximized(false);
        stage.setX(0);
        stage.setY(0);
        stage.setScene(scene);
        stage.sizeToScene();
        stage.show();
    }
}
