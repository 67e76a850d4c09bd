package dev.glassbox.visuals.walkthrough;

import java.util.List;
import java.util.Locale;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

import dev.glassbox.engine.analysis.walkthrough.Values;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.i18n.I18n;

/**
 * One labelled strip or small heatmap of a walkthrough step: cells coloured by value (viridis from the smallest to
 * the largest shown value, masked cells grey), the numbers written in the cells when there is room, a colour bar
 * with the two ends, and the exact value of the cell under the mouse.
 */
final class ValuesView extends VBox {
    private static final Palette PALETTE = Palette.VIRIDIS;
    private static final double LABEL_WIDTH = 150;
    private static final double MAX_CELL = 72;
    private static final double MIN_CELL = 6;

    private final Values values;
    private final float[] v;
    private final Canvas canvas = new Canvas();
    private final Tooltip tip = new Tooltip();
    final Label readout = new Label(" ");
    private final float min;
    private final float max;
    private int rows;
    private int cols;
    private double cell;
    private double top;

    ValuesView(Values values, double width) {
        this.values = values;
        this.v = values.values();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            if (Float.isFinite(f)) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
        }
        this.min = lo == Float.POSITIVE_INFINITY ? 0 : lo;
        this.max = hi == Float.NEGATIVE_INFINITY ? 0 : hi;
        setSpacing(6);
        getStyleClass().add("walkthrough-values");
        Label title = new Label(values.label() + "   " + shape());
        title.setFont(Font.font("System", FontWeight.BOLD, 22));
        readout.setFont(Font.font("Monospaced", 20));
        readout.setId("walkthroughReadout");
        tip.setShowDelay(Duration.millis(80));
        tip.setFont(Font.font(20));
        Tooltip.install(canvas, tip);
        layoutCells(width);
        draw();
        canvas.setOnMouseMoved(e -> hover(indexAt(e.getX(), e.getY())));
        canvas.setOnMouseExited(e -> readout.setText(" "));
        getChildren().addAll(title, canvas, legend(), readout);
    }

    private String shape() {
        return switch (values) {
            case Values.Strip s -> "[" + s.values().length + "]";
            case Values.Grid g -> "[" + g.rows() + " × " + g.cols() + "]";
        };
    }

    private List<String> rowLabels() {
        return values instanceof Values.Grid g ? g.rowLabels() : List.of();
    }

    private List<String> colLabels() {
        return switch (values) {
            case Values.Strip s -> s.cells();
            case Values.Grid g -> g.colLabels();
        };
    }

    private double left() { return rowLabels().isEmpty() ? 0 : LABEL_WIDTH; }

    /** Fits the cells into {@code width}: a grid keeps its shape, a long strip wraps into rows. */
    private void layoutCells(double width) {
        double avail = Math.max(200, width - left());
        if (values instanceof Values.Grid g) {
            rows = g.rows();
            cols = g.cols();
            cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.min(avail / cols, 520.0 / rows)));
        } else {
            int n = v.length;
            cols = n;
            cell = Math.min(MAX_CELL, avail / n);
            if (cell < 14) {
                cell = 14;
                cols = Math.max(1, (int) (avail / cell));
            }
            rows = (n + cols - 1) / cols;
        }
        boolean labelled = !colLabels().isEmpty() && cell >= 28;
        int longest = colLabels().stream().mapToInt(l -> clip(l).length()).max().orElse(0);
        top = labelled ? Math.min(100, 24 + 10 * longest) : 0;
        canvas.setWidth(left() + cols * cell + 2);
        canvas.setHeight(top + rows * cell + 2);
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        boolean numbers = cell >= 56;
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i < v.length; i++) {
            int r = i / cols;
            int c = i % cols;
            double x = left() + c * cell;
            double y = top + r * cell;
            float f = v[i];
            Color fill = Float.isFinite(f) ? PALETTE.color(position(f)) : Color.gray(0.82);
            g.setFill(fill);
            g.fillRect(x, y, cell - (cell > 10 ? 1 : 0), cell - (cell > 10 ? 1 : 0));
            if (numbers || !Float.isFinite(f) && cell >= 22) {
                g.setFill(Float.isFinite(f) && fill.getBrightness() < 0.6 ? Color.WHITE : Color.BLACK);
                g.setFont(Font.font("System", cell >= 64 ? 17 : 14));
                g.fillText(Float.isFinite(f) ? short4(f) : "−∞", x + cell / 2, y + cell / 2);
            }
        }
        g.setFill(Color.BLACK);
        g.setFont(Font.font("System", 18));
        g.setTextAlign(TextAlignment.RIGHT);
        List<String> rl = rowLabels();
        if (!rl.isEmpty() && cell >= 16) {
            for (int r = 0; r < Math.min(rows, rl.size()); r++) {
                g.fillText(clip(rl.get(r)), LABEL_WIDTH - 8, top + r * cell + cell / 2);
            }
        }
        List<String> cl = colLabels();
        if (top > 0) {
            g.setTextAlign(TextAlignment.LEFT);
            for (int c = 0; c < Math.min(cols, cl.size()); c++) {
                g.save();
                g.translate(left() + c * cell + cell / 2, top - 6);
                g.rotate(-60);
                g.fillText(clip(cl.get(c)), 0, 0);
                g.restore();
            }
        }
    }

    private static String clip(String s) {
        String t = s.replace("\n", "↵");
        return t.length() > 12 ? t.substring(0, 11) + "…" : t;
    }

    private double position(float f) {
        return max == min ? 0.5 : (f - min) / (double) (max - min);
    }

    private static String short4(float f) {
        return String.format(Locale.ROOT, Math.abs(f) >= 100 ? "%.0f" : Math.abs(f) >= 10 ? "%.1f" : "%.2f", f);
    }

    private int indexAt(double x, double y) {
        int c = (int) ((x - left()) / cell);
        int r = (int) ((y - top) / cell);
        if (x < left() || y < top || c >= cols || r >= rows) {
            return -1;
        }
        int i = r * cols + c;
        return i < v.length ? i : -1;
    }

    /** Shows the exact value of cell {@code i} (or clears the readout for -1). */
    void hover(int i) {
        if (i < 0) {
            readout.setText(" ");
            return;
        }
        String where;
        if (values instanceof Values.Grid g) {
            int r = i / g.cols();
            int c = i % g.cols();
            where = "[" + (g.rowLabels().isEmpty() ? r : r + " " + g.rowLabels().get(r).strip())
                    + ", " + (g.colLabels().isEmpty() ? c : c + " " + g.colLabels().get(c).strip()) + "]";
        } else {
            List<String> cl = colLabels();
            where = "[" + (cl.isEmpty() ? i : i + " " + cl.get(i).strip()) + "]";
        }
        float f = v[i];
        String text = values.label() + where + " = " + (Float.isFinite(f) ? Float.toString(f) : "−∞ (" + I18n.text("walkthrough.masked") + ")");
        readout.setText(text);
        tip.setText(text);
    }

    int cellCount() { return v.length; }

    private Region legend() {
        Canvas bar = new Canvas(260, 22);
        GraphicsContext g = bar.getGraphicsContext2D();
        for (int x = 0; x < 260; x++) {
            g.setFill(PALETTE.color(x / 259.0));
            g.fillRect(x, 0, 1, 22);
        }
        Label lo = new Label(short4(min));
        Label hi = new Label(short4(max));
        Label what = new Label(I18n.text("walkthrough.legend"));
        for (Label l : List.of(lo, hi, what)) {
            l.setFont(Font.font(18));
        }
        lo.setMinWidth(Region.USE_PREF_SIZE); // the range's ends are numbers: never cut them to "-0…"
        hi.setMinWidth(Region.USE_PREF_SIZE);
        what.setWrapText(true);
        HBox box = new HBox(10, lo, bar, hi, what);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }
}
