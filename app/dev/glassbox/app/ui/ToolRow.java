package dev.glassbox.app.ui;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Separator;
import javafx.scene.layout.FlowPane;

/**
 * A tool bar that wraps onto a second row when the window is narrow or the text large, instead of hiding its last
 * controls behind a ToolBar's overflow arrow (on a projector nobody finds them there).
 */
final class ToolRow {
    private ToolRow() {
    }

    static FlowPane of(Node... items) {
        FlowPane row = new FlowPane(Orientation.HORIZONTAL);
        row.getStyleClass().add("tool-row");
        for (Node n : items) {
            if (n instanceof Separator s) {
                s.setOrientation(Orientation.VERTICAL);
            }
        }
        row.getChildren().addAll(items);
        return row;
    }
}
