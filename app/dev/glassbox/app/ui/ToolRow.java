package dev.glassbox.app.ui;

import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;

/**
 * A tool bar that wraps onto a second row when the window is narrow or the text large, instead of hiding its last
 * controls behind a ToolBar's overflow arrow (on a projector nobody finds them there). A label followed by a control
 * wraps with it: in presentation mode "depths" and "Minutes" ended one row and their fields began the next.
 */
final class ToolRow {
    private ToolRow() {
    }

    static FlowPane of(Node... items) {
        FlowPane row = new FlowPane(Orientation.HORIZONTAL);
        row.getStyleClass().add("tool-row");
        for (int i = 0; i < items.length; i++) {
            Node n = items[i];
            if (n instanceof Separator s) {
                s.setOrientation(Orientation.VERTICAL);
            }
            if (n instanceof Label name && i + 1 < items.length && labels(items[i + 1])) {
                row.getChildren().add(pair(name, items[++i]));
            } else {
                row.getChildren().add(n);
            }
        }
        return row;
    }

    /** A control a label before it names (not a separator nor another label: a status text stays on its own). */
    private static boolean labels(Node next) {
        return next instanceof Control && !(next instanceof Label) && !(next instanceof Separator);
    }

    /** A label and its control, kept on one row. */
    static HBox pair(Label name, Node control) {
        HBox box = new HBox(4, name, control);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }
}
