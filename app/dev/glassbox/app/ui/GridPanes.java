package dev.glassbox.app.ui;

import javafx.geometry.Insets;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;

import dev.glassbox.visuals.AttentionGrid;

/** The Explore and Train workspaces' attention grid: in a scroll pane, its thumbnails grown to it, its key under it. */
final class GridPanes {
    private GridPanes() {
    }

    /**
     * A pane with {@code grid} in a scroll pane (its thumbnails grow with the view) and the grid's colour key, with
     * id {@code keyId}, under it in the pane's width: beside a 12-head grid the key scrolled out of view.
     */
    static BorderPane withKeyUnder(AttentionGrid grid, String keyId) {
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(false);
        grid.growInto(scroll);
        BorderPane pane = new BorderPane(scroll);
        var key = grid.legendOutside();
        key.setId(keyId);
        key.setPadding(new Insets(4, 6, 4, 6));
        pane.widthProperty().addListener((o, was, w) -> key.setWidthLimit(Math.max(120, w.doubleValue() - 16)));
        pane.setBottom(key);
        return pane;
    }
}
