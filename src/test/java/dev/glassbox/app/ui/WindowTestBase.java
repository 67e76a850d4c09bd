package dev.glassbox.app.ui;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.prefs.Preferences;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What every main-window UI test sets up ({@code @Start void start(Stage stage) { show(stage); }}): the window shown on the TestFX stage with the app's keyboard shortcuts and
 * throw-away preferences, removed after each test. Subclasses name the models the window offers ({@link #catalog()},
 * none by default) and may read parts of the window once it is shown ({@link #opened()}).
 */
@ExtendWith(ApplicationExtension.class)
abstract class WindowTestBase {
    private final int width;
    private final int height;
    MainWindow window;
    Preferences prefs;

    WindowTestBase(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /** The models the window lists. */
    ModelCatalog catalog() {
        return new ModelCatalog(List.of());
    }

    /** The language the window starts in. */
    Locale locale() {
        return I18n.ENGLISH;
    }

    /** Runs on the FX thread once the window is shown. */
    void opened() {
    }

    /** Shows the window on {@code stage}: each test's {@code @Start} method calls this (TestFX looks there only). */
    void show(Stage stage) {
        prefs = Preferences.userRoot().node("dev/glassbox/test-" + UUID.randomUUID());
        I18n.setLocale(locale()); // tests look texts up in English whatever the machine's language
        window = new MainWindow(catalog(), new RecentModels(prefs), new LanguagePreference(prefs), new DisplayPreference(prefs));
        Scene scene = new Scene(window, width, height);
        Shortcuts.install(scene, stage, window);
        stage.setScene(scene);
        stage.show();
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
}
