package dev.glassbox.visuals;

import java.util.Locale;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.paint.Color;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Shows a {@link LensTable}: one cell per (layer, position) with the top token, shaded by its probability, and the
 * colour key under the table.
 */
public final class LogitLensView extends GridPane {
    private Palette palette = Palette.VIRIDIS;
    private LensTable table = LensTable.EMPTY;
    private final ColorLegend legend = new ColorLegend(new ColorLegend.Spec(I18n.text("lens.legend"), palette, null, 0, 1,
            false, I18n.text("lens.legendDirection")));

    public LogitLensView() {
        setHgap(2);
        setVgap(2);
        setPadding(new Insets(6));
        getStyleClass().add("logit-lens");
        setTable(LensTable.EMPTY);
    }

    public LensTable table() { return table; }

    /** The colour key under the table. */
    public ColorLegend legend() { return legend; }

    /** Says the lens is being read: the previous table is gone, the next comes with {@link #setTable}. */
    public void showReading() {
        this.table = LensTable.EMPTY;
        getChildren().clear();
        add(new Label(I18n.text("lens.reading")), 0, 0);
    }

    public void setTable(LensTable t) {
        this.table = t;
        getChildren().clear();
        if (t.isEmpty()) {
            add(new Label(I18n.text("lens.empty")), 0, 0);
            return;
        }
        for (int p = 0; p < t.positionLabels().size(); p++) {
            Label h = new Label(t.positionLabels().get(p));
            h.getStyleClass().add("grid-header");
            add(h, p + 1, 0);
        }
        for (int l = 0; l < t.layerLabels().size(); l++) {
            add(new Label(t.layerLabels().get(l)), 0, l + 1);
            for (int p = 0; p < t.positionLabels().size(); p++) {
                float prob = t.probabilities()[l][p];
                Label c = new Label(t.topTokens()[l][p]);
                Color bg = palette.color(prob);
                c.setStyle(String.format(Locale.ROOT, "-fx-background-color: rgb(%d,%d,%d); -fx-text-fill: %s; -fx-padding: 1 4 1 4;",
                        (int) (bg.getRed() * 255), (int) (bg.getGreen() * 255), (int) (bg.getBlue() * 255),
                        CanvasView.textOn(bg).equals(Color.BLACK) ? "black" : "white"));
                c.setTooltip(new Tooltip(I18n.text("lens.tooltip", t.layerLabels().get(l), t.positionLabels().get(p),
                        t.topTokens()[l][p], String.format(Locale.ROOT, "%.4f", prob))));
                add(c, p + 1, l + 1);
            }
        }
        add(legend, 0, t.layerLabels().size() + 1, t.positionLabels().size() + 1, 1);
    }
}
