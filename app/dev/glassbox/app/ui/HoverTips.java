package dev.glassbox.app.ui;

import javafx.beans.binding.Bindings;
import javafx.event.EventHandler;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Tooltips made when the mouse first enters their control instead of when the window is built: each {@link Tooltip}
 * is a popup window of its own and cost about 3 ms of the FX thread at start-up (measured in the main window).
 * The tooltip is installed on entry, so it shows after the usual delay once the mouse rests there.
 */
final class HoverTips {
    private HoverTips() {
    }

    /** {@code text} as {@code control}'s tooltip from the first time the mouse enters it. */
    static void install(Control control, String text) {
        onFirstEntry(control, () -> control.setTooltip(new Tooltip(text)));
    }

    /** The text of bundle key {@code key} as {@code control}'s tooltip, following the language (see {@link I18n}). */
    static void installText(Control control, String key) {
        onFirstEntry(control, () -> {
            Tooltip tip = new Tooltip();
            tip.textProperty().bind(I18n.bind(key));
            control.setTooltip(tip);
        });
    }

    /** Each tab of {@code pane} gets "name (Ctrl+N)", N its position from 1, once the mouse first enters the pane. */
    static void installShortcuts(TabPane pane) {
        onFirstEntry(pane, () -> {
            for (int i = 0; i < pane.getTabs().size(); i++) {
                var tab = pane.getTabs().get(i);
                Tooltip tip = new Tooltip();
                int n = i + 1;
                tip.textProperty().bind(Bindings.createStringBinding(
                        () -> I18n.text("tab.tooltip", tab.getText(), n), tab.textProperty()));
                tab.setTooltip(tip);
            }
        });
    }

    private static void onFirstEntry(Node node, Runnable action) {
        node.addEventHandler(MouseEvent.MOUSE_ENTERED, new EventHandler<>() {
            @Override
            public void handle(MouseEvent e) {
                node.removeEventHandler(MouseEvent.MOUSE_ENTERED, this);
                action.run();
            }
        });
    }
}
