package dev.glassbox.app;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.service.ViewJit;
import dev.glassbox.app.ui.MainWindow;
import dev.glassbox.app.ui.Shortcuts;
import dev.glassbox.app.ui.WindowPlacement;
import dev.glassbox.engine.tensor.KernelWarmUp;

/** The desktop application. */
public final class GlassboxApp extends Application {
    /** Set by {@link Main} for {@code --measure-startup}; null otherwise. */
    static StartupClock clock;

    /** Set by {@link Main} for the start-up cache's recording run ({@code --aot-training}). */
    static boolean training;
    /** Set by {@link Main}: the session, lesson or model named on the command line, opened once the window is up. */
    static java.nio.file.Path toOpen;

    @Override
    public void start(Stage stage) {
        mark("fx-start");
        if (!training) {
            var vectorProblem = VectorModule.await();
            if (vectorProblem.isPresent()) {
                Alert alert = new Alert(Alert.AlertType.ERROR, vectorProblem.get());
                alert.setHeaderText(dev.glassbox.visuals.i18n.I18n.text("app.engineFailed"));
                alert.showAndWait();
                Platform.exit();
                return;
            }
        }
        DisplayPreference display = DisplayPreference.user();
        MainWindow window = new MainWindow(StartupWarmUp.catalog(), RecentModels.user(), LanguagePreference.user(), display);
        // anything no task caught (an OutOfMemoryError in a view, say) becomes the window's one-line error banner
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            String message = ErrorMessages.describe("Glassbox", e);
            System.err.println(message);
            Platform.runLater(() -> window.showError(message));
        });
        mark("window-built");
        // where the user left it, else maximised (a projector's 1280 x 720 or a 1920 x 1080 screen: all of it)
        DisplayPreference.Bounds place = WindowPlacement.initial(display);
        Scene scene = new Scene(window, place.width(), place.height());
        WindowPlacement.apply(stage, place, display);
        Shortcuts.install(scene, stage, window);
        stage.setScene(scene);
        stage.setTitle("Glassbox");
        if (clock != null) {
            scene.addPostLayoutPulseListener(() -> clock.mark("first-pulse"));
        }
        stage.show(); // applies CSS, creates the skins and lays the scene out before the native window opens
        mark("shown");
        if (toOpen != null) {
            window.open(toOpen);
        }
        if (training) {
            afterPulses(2, Platform::exit);
        } else if (clock != null) {
            whenInteractive(window, () -> {
                clock.mark("interactive");
                System.out.println(clock.report());
                Platform.exit();
            });
        } else {
            whenInteractive(window, GlassboxApp::warmKernels);
        }
    }

    /**
     * Compiles the engine's vector kernels on a spare core once the window is up, so first analyses run at speed,
     * after keeping JavaFX's code out of C2 ({@link ViewJit}: C2 recompiling it all through a live run takes the
     * engine's CPU).
     */
    private static void warmKernels() {
        Thread t = new Thread(() -> {
            ViewJit.install();
            KernelWarmUp.run(KERNEL_WARM_UP_MILLIS);
        }, "glassbox-kernel-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static final long KERNEL_WARM_UP_MILLIS = 1500;

    private static void mark(String milestone) {
        if (clock != null) {
            clock.mark(milestone);
        }
    }

    private static void afterPulses(int count, Runnable action) {
        new AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == count) {
                    stop();
                    action.run();
                }
            }
        }.start();
    }

    /**
     * Runs {@code action} once the window is interactive: after the model arrived, at the second pulse after it
     * (the first pulse lays the window out with the model and hands that frame to the renderer, the second starts
     * once it is drawn).
     */
    private static void whenInteractive(MainWindow window, Runnable action) {
        Runnable onModel = () -> {
            if (clock != null) {
                clock.mark("model-loaded");
            }
            afterPulses(2, action);
        };
        if (window.modelProperty().get() != null) {
            onModel.run();
        } else {
            window.modelProperty().addListener(new javafx.beans.value.ChangeListener<>() {
                @Override
                public void changed(javafx.beans.value.ObservableValue<? extends dev.glassbox.engine.model.LoadedModel> o,
                                    dev.glassbox.engine.model.LoadedModel a, dev.glassbox.engine.model.LoadedModel m) {
                    if (m != null) {
                        window.modelProperty().removeListener(this);
                        onModel.run();
                    }
                }
            });
        }
    }
}
