package dev.glassbox.visuals;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

import dev.glassbox.visuals.i18n.I18n;

/** The key for {@link TokenChips#colorBySurprisal}: a colour ramp from 0 to {@link TokenChips#MAX_BITS} bits. */
public final class SurprisalLegend extends HBox {
    private static final int STOPS = 8;

    public SurprisalLegend() {
        super(4);
        setAlignment(Pos.CENTER_LEFT);
        getStyleClass().addAll("surprisal-legend", "legend");
        Region ramp = new Region();
        ramp.setPrefSize(120, 10);
        ramp.setMinSize(120, 10);
        StringBuilder g = new StringBuilder("-fx-background-color: linear-gradient(to right");
        for (int i = 0; i <= STOPS; i++) {
            g.append(", ").append(TokenChips.web(TokenChips.SURPRISAL_PALETTE.color(i / (double) STOPS)));
        }
        ramp.setStyle(g.append(");").toString());
        Label low = new Label();
        low.textProperty().bind(I18n.bind("surprisal.legendLow"));
        Label high = new Label();
        high.textProperty().bind(I18n.bind("surprisal.legendHigh", TokenChips.MAX_BITS));
        getChildren().addAll(low, ramp, high);
    }
}
