package dev.glassbox.app;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.ui.MainWindow;
import dev.glassbox.app.ui.Shortcuts;

/** The desktop application. */
public final class GlassboxApp extends Application {
    /** Set by {@link Main} for {@code --measure-startup}; null otherwise. */
    static StartupClock clock;

    @Override
    public void start(Stage stage) {
        mark("fx-start");
        MainWindow window = new MainWindow(StartupWarmUp.catalog(), RecentModels.user());
        mark("window-built");
        Scene scene = new Scene(window, 1400, 900);
        Shortcuts.install(scene, stage, window);
        stage.setScene(scene);
        stage.setTitle("Glassbox");
        if (clock != null) {
            scene.addPostLayoutPulseListener(() -> clock.mark("first-pulse"));
        }
        stage.show(); // applies CSS, creates the skins and lays the scene out before the native window opens
        mark("shown");
        if (clock != null) {
            reportWhenInteractive(window);
        }
    }

    private static void mark(String milestone) {
        if (clock != null) {
            clock.mark(milestone);
        }
    }

    /**
     * Waits for the model, then for the second pulse after it: the first pulse lays the window out with the model
     * and hands that frame to the renderer, the second starts once it is drawn. Prints the milestones and quits.
     */
    private static void reportWhenInteractive(MainWindow window) {
        Runnable onModel = () -> {
            clock.mark("model-loaded");
            new AnimationTimer() {
                private int pulses;

                @Override
                public void handle(long now) {
                    if (++pulses == 2) {
                        stop();
                        clock.mark("interactive");
                        System.out.println(clock.report());
                        Platform.exit();
                    }
                }
            }.start();
        };
        if (window.modelProperty().get() != null) {
            onModel.run();
        } else {
            window.modelProperty().addListener((o, a, m) -> {
                if (m != null) {
                    onModel.run();
                }
            });
        }
    }
}
