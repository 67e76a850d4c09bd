package dev.glassbox.app.ui;

import java.util.Locale;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;

import dev.glassbox.app.service.AblationState;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;

/** "Ablated: L1H3, L2H0 (zero) [Clear]" above every workspace while heads are removed; hidden otherwise. */
final class AblationBar extends HBox {
    final Label heads = new Label();
    final Button clear = Texts.bind(new Button(), "main.clearAblation");

    AblationBar(AblationState state) {
        super(8);
        setId("ablationBar");
        heads.setId("ablationHeads");
        clear.setId("ablationClear");
        setAlignment(Pos.CENTER_LEFT);
        setStyle("-fx-background-color: #5d4a2e; -fx-padding: 3 10 3 10;");
        heads.setStyle("-fx-text-fill: white;");
        clear.setTooltip(new Tooltip("Restore every head (Ctrl+Shift+A)"));
        clear.setOnAction(e -> state.clear());
        getChildren().addAll(heads, clear);
        managedProperty().bind(visibleProperty());
        state.setProperty().addListener((o, a, s) -> show(s));
        show(state.get());
    }

    private void show(HeadSet s) {
        setVisible(!s.isEmpty());
        heads.setText(s.isEmpty() ? "" : "Ablated: " + s.label() + " (" + s.mode().name().toLowerCase(Locale.ROOT) + ")");
        heads.setTooltip(s.isEmpty() ? null : new Tooltip(s.heads().size() + (s.heads().size() == 1 ? " head's" : " heads'")
                + " output replaced by " + (s.mode() == HeadAblation.Mode.ZERO ? "zeros"
                : "its mean over the input the Heads workspace analysed") + " in every run: the Explore generation, grid,"
                + " head view and logit lens, and the Heads workspace's pattern, similarity and role tables.\n"
                + "Toggle heads with Ablate in the Heads workspace (Ctrl+2); Clear (Ctrl+Shift+A) restores them."));
    }
}
