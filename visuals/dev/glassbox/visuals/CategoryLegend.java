package dev.glassbox.visuals;

import java.util.List;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

/** The key of a categorical colour encoding (experts, series): a title and one swatch per name. Style class {@code legend}. */
public final class CategoryLegend extends FlowPane {
    /** One colour and what it stands for. */
    public record Entry(String name, Color color) {
    }

    private List<Entry> entries = List.of();

    public CategoryLegend() {
        super(10, 2);
        getStyleClass().add("legend");
        setAlignment(Pos.CENTER_LEFT);
    }

    public void show(String title, List<Entry> list) {
        entries = List.copyOf(list);
        getChildren().clear();
        Label t = new Label(title);
        t.getStyleClass().add("legend-title");
        getChildren().add(t);
        for (Entry e : entries) {
            Rectangle swatch = new Rectangle(12, 12, e.color());
            swatch.setStroke(Color.gray(0.5));
            Label l = new Label(e.name());
            l.getStyleClass().add("legend-tick");
            HBox item = new HBox(4, swatch, l);
            item.setAlignment(Pos.CENTER_LEFT);
            getChildren().add(item);
        }
    }

    public List<Entry> entries() { return entries; }
}
