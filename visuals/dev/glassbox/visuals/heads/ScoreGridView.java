package dev.glassbox.visuals.heads;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Point2D;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

import dev.glassbox.engine.analysis.cluster.HierarchicalClustering;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * A rows x columns grid of scores (heads x heads similarities, layers x heads role scores): colour by value
 * between a fixed low and high, rows and columns in a chosen order, optionally the row dendrogram at the left,
 * and a {@link ColorLegend} at the right. In a heads x heads comparison the bright end always means "alike": a
 * distance ({@link HeadTable.Sense#DISTANCE}) is coloured reversed. Hover shows the exact number; click reports the
 * cell in original (unordered) indices.
 */
public class ScoreGridView extends CanvasView {
    private static final double TREE = 70, RIGHT = 8;
    private final ColorLegend legend = new ColorLegend();
    private final ReadOnlyStringWrapper hoverText = new ReadOnlyStringWrapper(this, "hoverText", "");
    private double[][] values = new double[0][0];
    private List<String> rowLabels = List.of();
    private List<String> colLabels = List.of();
    private int[] rowOrder = new int[0];
    private int[] colOrder = new int[0];
    private double low, high = 1;
    private String name = "";
    /** Null: a plain score (bright = high); else a head comparison whose bright end means alike. */
    private HeadTable.Sense sense;
    private HierarchicalClustering.Tree tree;
    private Palette palette = Palette.VIRIDIS;
    private int selRow = -1, selCol = -1;
    private BiConsumer<Integer, Integer> onCell = (r, c) -> { };
    private boolean[][] marks;
    private String markNote = "";

    public ScoreGridView() {
        hoverWith((x, y) -> {
            String s = describeAt(x, y);
            hoverText.set(s == null ? "" : s);
            return s;
        });
        canvas.setOnMouseClicked(e -> cellAt(e.getX(), e.getY()).ifPresent(c -> {
            selRow = c[0];
            selCol = c[1];
            redraw();
            onCell.accept(c[0], c[1]);
        }));
        setLegend(legend, LegendSide.RIGHT);
        setPrefSize(520, 360);
        setMinSize(160, 120);
    }

    /**
     * Scores where bright means a high value (role scores).
     *
     * @param name   what the numbers are (shown in the hover text and the legend)
     * @param tree   the rows' dendrogram (its order is used for rows and, for a square grid, columns), or null
     */
    public void setScores(String name, double[][] values, List<String> rowLabels, List<String> colLabels,
                          double low, double high, HierarchicalClustering.Tree tree) {
        setScores(name, values, rowLabels, colLabels, low, high, tree, null);
    }

    /**
     * A heads x heads comparison: whatever the metric's {@code sense}, the bright end of the colours means alike.
     *
     * @param sense null for a plain score where bright means high
     */
    public void setScores(String name, double[][] values, List<String> rowLabels, List<String> colLabels,
                          double low, double high, HierarchicalClustering.Tree tree, HeadTable.Sense sense) {
        this.sense = sense;
        this.name = name;
        this.values = values;
        this.rowLabels = List.copyOf(rowLabels);
        this.colLabels = List.copyOf(colLabels);
        this.low = low;
        this.high = high;
        this.tree = tree;
        this.rowOrder = tree != null ? tree.order() : identity(values.length);
        this.colOrder = tree != null && colLabels.size() == values.length ? tree.order() : identity(colLabels.size());
        selRow = selCol = -1;
        marks = null;
        boolean reversed = sense == HeadTable.Sense.DISTANCE;
        String title = I18n.has("legend.metric." + name) ? name + ": " + I18n.text("legend.metric." + name) : name;
        legend.show(new ColorLegend.Spec(title, palette, null, low, high, reversed,
                I18n.text(sense == null ? "legend.brightHigh" : "legend.brightAlike")));
        legend.setVisible(values.length > 0);
        redraw();
    }

    /** Colour-map position of a value: its place between low and high, turned round for a distance. */
    double position(double v) {
        double t = high == low ? 0.5 : (v - low) / (high - low);
        return sense == HeadTable.Sense.DISTANCE ? 1 - t : t;
    }

    /**
     * Marks cells (original indices) with a small white dot, e.g. query heads that share one key/value head;
     * their hover text ends with {@code note}. Null clears the marks. Call after {@link #setScores}.
     */
    public void setMarks(boolean[][] marks, String note) {
        this.marks = marks;
        this.markNote = note;
        redraw();
    }

    public boolean marked(int row, int col) {
        return marks != null && row < marks.length && col < marks[row].length && marks[row][col];
    }

    public void setOnCell(BiConsumer<Integer, Integer> handler) { this.onCell = handler; }

    /** Outlines cell (row, col) in original indices as the selection (-1, -1 for none); does not call the handler. */
    public void select(int row, int col) {
        selRow = row;
        selCol = col;
        redraw();
    }

    public ReadOnlyStringProperty hoverTextProperty() { return hoverText.getReadOnlyProperty(); }

    public int[] rowOrder() { return rowOrder.clone(); }

    /** The shown numbers in original (unordered) indices, a copy. */
    public double[][] values() {
        double[][] v = new double[values.length][];
        for (int i = 0; i < v.length; i++) v[i] = values[i].clone();
        return v;
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        return o;
    }

    /** Room for the row labels, growing with the text scale. */
    private static double label() { return 56 * Theme.textScale(); }

    private static double top() { return 22 * Theme.textScale(); }

    private double left() { return label() + (tree != null ? TREE : 0); }

    private double cell() {
        int rows = Math.max(1, rowOrder.length), cols = Math.max(1, colOrder.length);
        return Math.max(4, Math.min((canvas.getWidth() - left() - RIGHT) / cols, (canvas.getHeight() - top() - 4) / rows));
    }

    /** Centre of the cell (row, col) in original indices, in this view's coordinates. */
    public Optional<Point2D> cellCenter(int row, int col) {
        int r = indexOf(rowOrder, row), c = indexOf(colOrder, col);
        if (r < 0 || c < 0) return Optional.empty();
        double s = cell();
        return Optional.of(new Point2D(left() + c * s + s / 2, top() + r * s + s / 2));
    }

    public Optional<int[]> cellAt(double x, double y) {
        double s = cell();
        int c = (int) Math.floor((x - left()) / s), r = (int) Math.floor((y - top()) / s);
        if (x < left() || y < top() || r >= rowOrder.length || c >= colOrder.length) return Optional.empty();
        return Optional.of(new int[] {rowOrder[r], colOrder[c]});
    }

    public String describeAt(double x, double y) {
        return cellAt(x, y).map(c -> describe(c[0], c[1])).orElse(null);
    }

    /** The hover text of a cell: its labels and the exact value. */
    public String describe(int row, int col) {
        return String.format(Locale.ROOT, "%s \u00b7 %s: %s = %s%s", rowLabels.get(row), colLabels.get(col), name,
                format(values[row][col]), marked(row, col) ? " (" + markNote + ")" : "");
    }

    /** The colour key at the right. */
    @Override
    public ColorLegend legend() { return legend; }

    public static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (rowOrder.length == 0) {
            paintEmpty(g, w, h, I18n.text("chart.empty"));
            return;
        }
        Theme theme = Theme.current();
        double s = cell();
        double x0 = left(), top = top();
        g.setFont(Theme.font(11));
        for (int r = 0; r < rowOrder.length; r++) {
            for (int c = 0; c < colOrder.length; c++) {
                double v = values[rowOrder[r]][colOrder[c]];
                g.setFill(palette.color(position(v)));
                g.fillRect(x0 + c * s, top + r * s, s - (s > 8 ? 1 : 0), s - (s > 8 ? 1 : 0));
                if (marked(rowOrder[r], colOrder[c])) {
                    double d = Math.max(3, s / 6);
                    g.setFill(Color.WHITE);
                    g.fillOval(x0 + c * s + s / 2 - d / 2, top + r * s + s / 2 - d / 2, d, d);
                    g.setStroke(Color.BLACK);
                    g.setLineWidth(1);
                    g.strokeOval(x0 + c * s + s / 2 - d / 2, top + r * s + s / 2 - d / 2, d, d);
                }
            }
            g.setFill(theme.text());
            if (s >= 9) g.fillText(rowLabels.get(rowOrder[r]), 2, top + r * s + s / 2 + 4 * Theme.textScale(), label() - 4);
        }
        int step = Math.max(1, (int) Math.ceil(28 * Theme.textScale() / s));
        for (int c = 0; c < colOrder.length; c += step) {
            g.fillText(colLabels.get(colOrder[c]), x0 + c * s + 1, top - 6, Math.max(s * step - 2, 8));
        }
        int sr = indexOf(rowOrder, selRow), sc = indexOf(colOrder, selCol);
        if (sr >= 0 && sc >= 0) {
            g.setStroke(theme.highlight());
            g.setLineWidth(2);
            g.strokeRect(x0 + sc * s, top + sr * s, s, s);
        }
        if (tree != null) drawTree(g, s);
    }

    /** Each merge is a bracket whose depth (to the left) is its height relative to the tallest merge. */
    private void drawTree(GraphicsContext g, double s) {
        int n = tree.leaves();
        double[] y = new double[2 * n];
        double[] h = new double[2 * n];
        for (int r = 0; r < rowOrder.length; r++) y[rowOrder[r]] = top() + r * s + s / 2;
        double maxH = 1e-12;
        for (var m : tree.merges()) maxH = Math.max(maxH, m.height());
        double right = label() + TREE - 4, width = TREE - 8;
        g.setStroke(Theme.current().mutedText());
        g.setLineWidth(1);
        for (int i = 0; i < tree.merges().size(); i++) {
            var m = tree.merges().get(i);
            int c = n + i;
            h[c] = m.height();
            double xc = right - width * m.height() / maxH;
            double xa = right - width * h[m.left()] / maxH, xb = right - width * h[m.right()] / maxH;
            g.strokeLine(xa, y[m.left()], xc, y[m.left()]);
            g.strokeLine(xb, y[m.right()], xc, y[m.right()]);
            g.strokeLine(xc, y[m.left()], xc, y[m.right()]);
            y[c] = (y[m.left()] + y[m.right()]) / 2;
        }
    }
}
