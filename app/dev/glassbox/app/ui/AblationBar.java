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
import dev.glassbox.visuals.i18n.I18n;

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
        clear.setTooltip(Texts.tooltip("ablation.clearTip"));
        clear.setOnAction(e -> state.clear());
        getChildren().addAll(heads, clear);
        managedProperty().bind(visibleProperty());
        state.setProperty().addListener((o, a, s) -> show(s));
        show(state.get());
    }

    private void show(HeadSet s) {
        setVisible(!s.isEmpty());
        heads.setText(s.isEmpty() ? "" : I18n.text("ablation.bar", s.label(), modeName(s.mode())));
        heads.setTooltip(s.isEmpty() ? null : new Tooltip(I18n.text("ablation.barTip", s.heads().size(),
                I18n.text(s.mode() == HeadAblation.Mode.ZERO ? "ablation.zeros" : "ablation.mean"))));
    }

    /** An ablation mode in the current language ("zero", "mean"). */
    static String modeName(HeadAblation.Mode mode) {
        return I18n.text("ablation.mode." + mode.name().toLowerCase(Locale.ROOT));
    }
}
