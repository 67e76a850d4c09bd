package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import javafx.scene.Node;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;

/**
 * Files dragged from a file manager onto a node: accepted as a copy (the files stay where they are) while they hover,
 * handed over when dropped. Event filters, so a text field under the pointer does not take a file drag as text.
 */
final class FileDrop {
    private FileDrop() {
    }

    static void install(Node target, Consumer<List<Path>> dropped) {
        target.addEventFilter(DragEvent.DRAG_OVER, e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        target.addEventFilter(DragEvent.DRAG_DROPPED, e -> {
            if (e.getDragboard().hasFiles()) {
                List<Path> paths = e.getDragboard().getFiles().stream().map(File::toPath).toList();
                e.setDropCompleted(true);
                e.consume();
                dropped.accept(paths);
            }
        });
    }
}
