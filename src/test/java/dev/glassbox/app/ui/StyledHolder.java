package dev.glassbox.app.ui;

import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;

import dev.glassbox.visuals.Theme;

/** Shows a holder pane styled as the window's root (dark theme), for tests that lay a workspace out by hand. */
final class StyledHolder {
    private StyledHolder() {
    }

    static void show(Stage stage, Pane holder, double width, double height) {
        Scene scene = new Scene(holder, width, height);
        scene.getStylesheets().add(AppStyle.url(Theme.DARK));
        holder.getStyleClass().add("root");
        stage.setScene(scene);
        stage.show();
    }
}
