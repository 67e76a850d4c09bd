package dev.glassbox.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.prefs.Preferences;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;
import dev.glassbox.app.service.ModelSource;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What every main-window UI test sets up ({@code @Start void start(Stage stage) { show(stage); }}): the window shown on the TestFX stage with the app's keyboard shortcuts and
 * throw-away preferences, removed after each test. Subclasses name the window's size (the app's 1400 x 900 by default)
 * and the models it offers (a constructor's catalog or {@link #catalog()}, none by default), and may read parts of the
 * window once it is shown ({@link #opened()}).
 */
@ExtendWith(ApplicationExtension.class)
abstract class WindowTestBase {
    /** The label the window lists the bundled all-MiniLM-L6-v2 under ({@link #miniLm()}). */
    static final String MINI_LM_LABEL = "all-MiniLM-L6-v2 (encoder, bundled)";

    private final int width;
    private final int height;
    private final Supplier<ModelCatalog> catalog;
    MainWindow window;
    Preferences prefs;

    /** The app's own window size, listing no models. */
    WindowTestBase() {
        this(() -> new ModelCatalog(List.of()));
    }

    /** The app's own window size, listing {@code catalog} (read when the window opens, after {@code @BeforeAll}). */
    WindowTestBase(Supplier<ModelCatalog> catalog) {
        this(1400, 900, catalog);
    }

    WindowTestBase(int width, int height) {
        this(width, height, () -> new ModelCatalog(List.of()));
    }

    WindowTestBase(int width, int height, Supplier<ModelCatalog> catalog) {
        this.width = width;
        this.height = height;
        this.catalog = catalog;
    }

    /** The models the window lists. */
    ModelCatalog catalog() {
        return catalog.get();
    }

    /** A catalog of the bundled all-MiniLM-L6-v2 encoder alone. */
    static ModelCatalog miniLm() {
        return new ModelCatalog(List.of(new ModelEntry(MINI_LM_LABEL, new ModelSource.Bundled(BundledEncoder.MINILM), true, false)));
    }

    /** The language the window starts in. */
    Locale locale() {
        return I18n.ENGLISH;
    }

    /** Runs on the FX thread once the window is shown. */
    void opened() {
    }

    /** A driver for the window, once its first model has loaded. */
    WindowDriver loaded(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        d.waitForModel();
        return d;
    }

    /** A driver for the window, once it has opened {@code model} (as "Open model" does) and loaded it. */
    WindowDriver openModel(FxRobot robot, Path model) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        robot.interact(() -> window.openModel(model));
        d.waitForModel();
        return d;
    }

    /**
     * Lays the window out at the normal text size and at presentation mode's (1.5 x), running {@code check} with the
     * scale on the FX thread after each layout.
     */
    void atNormalAndPresentationTextSize(FxRobot robot, java.util.function.DoubleConsumer check) {
        for (double scale : new double[] {1, 1.5}) {
            robot.interact(() -> window.setStyle("-fx-font-size: " + 13 * scale + "px;"));
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                window.applyCss();
                window.layout();
                check.accept(scale);
            });
        }
    }

    /** Shows the window on {@code stage}: each test's {@code @Start} method calls this (TestFX looks there only). */
    void show(Stage stage) {
        prefs = Preferences.userRoot().node("dev/glassbox/test-" + UUID.randomUUID());
        I18n.setLocale(locale()); // tests look texts up in English whatever the machine's language
        window = new MainWindow(catalog(), new RecentModels(prefs), new LanguagePreference(prefs), new DisplayPreference(prefs));
        Scene scene = new Scene(window, width, height);
        Shortcuts.install(scene, stage, window);
        TestStage.show(stage, scene);
        opened();
    }

    @AfterEach
    void forgetPrefs() throws Exception {
        prefs.removeNode();
        WaitForAsyncUtils.asyncFx(() -> { // the window's texts change on the FX thread
            I18n.setLocale(I18n.ENGLISH);
            Theme.currentProperty().set(Theme.DARK); // the theme and text scale are global: the next test starts as the app does
            Theme.textScaleProperty().set(1);
        }).get();
    }

    /** The scale {@link #holdAtHalfScale()} shows the window at. */
    static final double HALF_SCALE = 0.5;

    /**
     * Moves the window from the scene's root into a holder that shows it at half scale, laid out at its own size (a
     * window larger than the headless screen). Call on the FX thread.
     */
    void holdAtHalfScale() {
        javafx.scene.layout.Pane holder = new javafx.scene.layout.Pane();
        window.getScene().setRoot(holder);
        window.getStyleClass().add("root"); // the style sheets' .root rules (colours, font) as when it was the root
        window.setManaged(false);
        window.getTransforms().add(new javafx.scene.transform.Scale(HALF_SCALE, HALF_SCALE, 0, 0));
        holder.getChildren().add(window);
    }
}
