package dev.glassbox.app.ui;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.VBox;

/**
 * "What am I seeing?" for one workspace: a small "?" toggle for its toolbar and the side panel it shows, one section
 * per view of the workspace, each in three parts (what the axes and colours mean, how to read it, one thing to look
 * for). The texts are the bundle keys {@code explain.<workspace>.<view>.title|axes|read|look}, following the language.
 * F1 toggles the shown workspace's panel ({@link Shortcuts}).
 */
final class Explanation extends ScrollPane {
    /** The three parts of every section, in the order shown. */
    static final List<String> PARTS = List.of("axes", "read", "look");
    private final ToggleButton toggle = Texts.bind(new ToggleButton(), "explain.toggle");
    private final String workspace;
    private final List<String> views;
    private final VBox content = new VBox(4);

    /** Explains {@code views} (section ids) of {@code workspace} (the key's second part). */
    Explanation(String workspace, String... views) {
        this.workspace = workspace;
        this.views = List.of(views);
        setId(workspace + "Explanation");
        toggle.setId(workspace + "Explain");
        toggle.setFocusTraversable(false);
        HoverTips.installText(toggle, "explain.toggleTip");
        content.setPadding(new Insets(6, 8, 6, 8));
        setContent(content);
        setFitToWidth(true);
        setHbarPolicy(ScrollBarPolicy.NEVER);
        setPrefWidth(300);
        setMinWidth(220);
        setStyle("-fx-border-color: #4a9eda; -fx-border-width: 0 0 0 2;");
        visibleProperty().bind(toggle.selectedProperty());
        managedProperty().bind(visibleProperty());
        // the labels are made when the panel first shows: a hidden explanation costs nothing at start-up
        toggle.selectedProperty().addListener((o, was, on) -> {
            if (on && content.getChildren().isEmpty()) {
                fill();
            }
        });
    }

    /** The "?" button that shows and hides the panel. */
    ToggleButton toggle() { return toggle; }

    /** Shows the panel when hidden, hides it when shown (F1). */
    void flip() { toggle.setSelected(!toggle.isSelected()); }

    boolean shown() { return toggle.isSelected(); }

    /** Every bundle key the panel shows, in order. */
    List<String> keys() {
        List<String> keys = new ArrayList<>(List.of("explain.heading"));
        for (String v : views) {
            keys.add(key(v, "title"));
            for (String p : PARTS) {
                keys.add("explain.part." + p);
                keys.add(key(v, p));
            }
        }
        return keys;
    }

    /** The panel's text as shown (empty until it was first shown). */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (var n : content.getChildren()) {
            if (n instanceof Label l) {
                sb.append(l.getText()).append('\n');
            }
        }
        return sb.toString();
    }

    private String key(String view, String part) {
        return "explain." + workspace + "." + view + "." + part;
    }

    private void fill() {
        Label heading = Texts.label("explain.heading");
        heading.setStyle("-fx-font-size: 1.15em; -fx-font-weight: bold;");
        content.getChildren().add(heading);
        for (String v : views) {
            Label title = wrapped(key(v, "title"));
            title.getStyleClass().add("view-title");
            title.setPadding(new Insets(6, 0, 0, 0));
            content.getChildren().add(title);
            for (String p : PARTS) {
                Label part = wrapped("explain.part." + p);
                part.setStyle("-fx-font-style: italic; -fx-opacity: 0.8;");
                content.getChildren().addAll(part, wrapped(key(v, p)));
            }
        }
    }

    private static Label wrapped(String key) {
        Label l = Texts.label(key);
        l.setWrapText(true);
        l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        l.setMaxWidth(Double.MAX_VALUE);
        return l;
    }

    /** A view whose workspace has an explanation (F1 finds it through this). */
    interface Explained {
        Explanation explanation();
    }
}
