package dev.glassbox.app;

import java.util.List;

import javafx.scene.control.skin.ButtonSkin;
import javafx.scene.control.skin.ComboBoxListViewSkin;
import javafx.scene.control.skin.LabelSkin;
import javafx.scene.control.skin.ListViewSkin;
import javafx.scene.control.skin.MenuButtonSkin;
import javafx.scene.control.skin.ScrollPaneSkin;
import javafx.scene.control.skin.SpinnerSkin;
import javafx.scene.control.skin.SplitPaneSkin;
import javafx.scene.control.skin.TabPaneSkin;
import javafx.scene.control.skin.TextAreaSkin;
import javafx.scene.control.skin.ToolBarSkin;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelService;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.ui.MainWindow;

/**
 * Work started at launch on a second core while the JavaFX toolkit starts (the launcher thread only waits then):
 * the default model loads, the preferences store (java.util.prefs parses XML) is read once, and the classes of
 * the first window are loaded, so none of it is left for the FX thread.
 */
final class StartupWarmUp {
    private StartupWarmUp() {
    }

    static void start() {
        Thread t = new Thread(StartupWarmUp::run, "glassbox-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        ModelCatalog.discover().defaultModel().ifPresent(e -> ModelService.preload(e.source()));
        RecentModels.user().list();
        // class literals load (not initialise) each class: no static initialiser runs off the FX thread
        List<Class<?>> firstWindow = List.of(MainWindow.class, TabPaneSkin.class, ComboBoxListViewSkin.class,
                TextAreaSkin.class, ScrollPaneSkin.class, ListViewSkin.class, SpinnerSkin.class, ToolBarSkin.class,
                SplitPaneSkin.class, ButtonSkin.class, LabelSkin.class, MenuButtonSkin.class);
        firstWindow.size();
    }
}
