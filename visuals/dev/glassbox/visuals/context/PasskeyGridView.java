package dev.glassbox.visuals.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Passkey retrieval accuracy over prompt length (columns) x needle depth (rows), with its colour key and, when a
 * length never retrieved the passkey, a sentence saying what that 0 % means; click a cell to inspect it.
 */
public class PasskeyGridView extends CanvasView {
    private final ColorLegend colours = new ColorLegend(new ColorLegend.Spec(I18n.text("passkey.legend"), Palette.VIRIDIS,
            null, 0, 100, false, I18n.text("passkey.legendDirection")));
    private final Label note = new Label();
    private int[] lengths = new int[0];
    private double[] depths = new double[0];
    private double[][] accuracy = new double[0][0];
    private BiConsumer<Integer, Integer> onCell = (a, b) -> { };

    public PasskeyGridView() {
        canvas.setOnMouseClicked(e -> {
            int[] cell = cellAt(e.getX(), e.getY());
            if (cell != null) onCell.accept(cell[0], cell[1]);
        });
        note.setWrapText(true);
        note.setMaxWidth(220);
        note.getStyleClass().add("legend-note");
        VBox side = new VBox(6, colours, note);
        setLegend(side, LegendSide.RIGHT);
        setPrefSize(520, 240);
        setMinHeight(160);
    }

    /** @param accuracy [depth index][length index] in [0, 1] */
    public void setResults(int[] lengths, double[] depths, double[][] accuracy) {
        this.lengths = lengths.clone();
        this.depths = depths.clone();
        this.accuracy = accuracy;
        note.setText(zeroNote());
        redraw();
    }

    /** The sentence under the key: which lengths never found the passkey and what that means ("" when none). */
    public String zeroNote() {
        List<String> zero = new ArrayList<>();
        for (int l = 0; l < lengths.length; l++) {
            boolean none = depths.length > 0;
            for (int d = 0; d < depths.length; d++) none &= accuracy[d][l] == 0;
            if (none) zero.add(Integer.toString(lengths[l]));
        }
        if (zero.isEmpty()) return "";
        return I18n.text(zero.size() == lengths.length ? "passkey.allZero" : "passkey.someZero", String.join(", ", zero));
    }

    /** The colour key beside the grid. */
    public ColorLegend colourLegend() { return colours; }

    /** Called with (length index, depth index) when a cell is clicked. */
    public void setOnCell(BiConsumer<Integer, Integer> handler) { this.onCell = handler; }

    private double left() { return 64 * Theme.textScale(); }

    private double bottom() { return 40 * Theme.textScale(); }

    private static final double TOP = 6;

    int[] cellAt(double x, double y) {
        if (lengths.length == 0 || depths.length == 0) return null;
        double cw = (canvas.getWidth() - left()) / lengths.length;
        double ch = (canvas.getHeight() - TOP - bottom()) / depths.length;
        int li = (int) ((x - left()) / cw);
        int di = (int) ((y - TOP) / ch);
        if (x < left() || li >= lengths.length || y < TOP || di >= depths.length) return null;
        return new int[] {li, di};
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        colours.setVisible(lengths.length > 0);
        if (lengths.length == 0) {
            paintEmpty(g, w, h, I18n.text("passkey.empty"));
            return;
        }
        Theme theme = Theme.current();
        double left = left(), bottom = bottom();
        double cw = (w - left) / lengths.length;
        double ch = (h - TOP - bottom) / depths.length;
        g.setFont(Theme.font(12));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int d = 0; d < depths.length; d++) {
            for (int l = 0; l < lengths.length; l++) {
                double a = accuracy[d][l];
                Color c = Palette.VIRIDIS.color(a);
                g.setFill(c);
                g.fillRect(left + l * cw, TOP + d * ch, cw - 1, ch - 1);
                g.setFill(textOn(c));
                g.fillText(String.format(Locale.ROOT, "%.0f%%", a * 100), left + l * cw + cw / 2, TOP + d * ch + ch / 2);
            }
            g.setFill(theme.text());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(String.format(Locale.ROOT, "%.0f%%", depths[d] * 100), left - 6, TOP + d * ch + ch / 2);
            g.setTextAlign(TextAlignment.CENTER);
        }
        g.setTextBaseline(VPos.TOP);
        for (int l = 0; l < lengths.length; l++) {
            g.fillText(Integer.toString(lengths[l]), left + l * cw + cw / 2, h - bottom + 3);
        }
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(I18n.text("passkey.xAxis"), left + (w - left) / 2, h - 2, w - left);
        g.save();
        g.translate(4, TOP + (h - TOP - bottom) / 2);
        g.rotate(-90);
        g.setTextBaseline(VPos.TOP);
        g.fillText(I18n.text("passkey.yAxis"), 0, 0, h - TOP - bottom);
        g.restore();
    }
}
