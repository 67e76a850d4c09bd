package dev.glassbox.visuals.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Rectangle2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * A resizable multi-series plot on a canvas (fast for thousands of points): axes with titles and round ticks
 * (whole numbers when every x is whole, e.g. steps or positions), the y axis from 0 when no value is negative, the
 * series key above the plot area (never over the data), an optional vertical marker (e.g. the trained length), point
 * labels, and a hover read-out of the nearest point's exact value. Before any data it says so instead of drawing axes.
 * {@link #setExponentiated} shows e^y, so a curve of mean NLL in nats reads as perplexity.
 */
public class LinePlot extends CanvasView {
    /** Colour-blind-safe qualitative colours (Okabe and Ito 2008), readable on the dark and the light background. */
    public static final Color[] COLORS = {Color.web("#56B4E9"), Color.web("#E69F00"), Color.web("#009E73"),
            Color.web("#CC79A7"), Color.web("#0072B2"), Color.web("#D55E00"), Color.web("#F0E442"), Color.web("#999999")};
    private static final double RIGHT = 16, PAD = 6;

    private List<Series> series = List.of();
    private String xLabel = "";
    private String yLabel = "";
    private String emptyText = "";
    private double markerX = Double.NaN;
    private String markerLabel = "";
    private boolean exponentiated;
    private boolean yFromZero = true;
    private double x0, x1, y0, y1;
    /** The plot area of the last drawing. */
    private double left = 60, top = 28, bottom = 40;
    private boolean integerX;

    public LinePlot() {
        getStyleClass().add("line-plot");
        hoverWith(this::nearest);
        setMinSize(200, 150);
        setPrefSize(600, 320);
    }

    public void setSeries(List<Series> s) {
        this.series = List.copyOf(s);
        redraw();
    }

    public List<Series> series() { return series; }

    /** Axis titles: what is plotted, with units. */
    public void setAxisLabels(String x, String y) {
        this.xLabel = x;
        this.yLabel = y;
        redraw();
    }

    public String xLabel() { return xLabel; }

    public String yLabel() { return yLabel; }

    /** What the plot says before it has data (default: a general "no data yet"). */
    public void setEmptyText(String text) {
        this.emptyText = text;
        redraw();
    }

    public void setMarker(double x, String label) {
        this.markerX = x;
        this.markerLabel = label;
        redraw();
    }

    /** Plot e^y instead of y (mean NLL in nats becomes perplexity); the caller renames the y axis. */
    public void setExponentiated(boolean on) {
        this.exponentiated = on;
        redraw();
    }

    public boolean exponentiated() { return exponentiated; }

    /**
     * Whether the y axis starts at 0 when no value is negative (default); off, both axes span the values with a margin
     * (a scatter of losses: no point on the frame).
     */
    public void setYFromZero(boolean on) {
        this.yFromZero = on;
        redraw();
    }

    private double shown(double y) { return exponentiated ? Math.exp(y) : y; }

    /** The y range drawn: [lower, upper]; lower is 0 when no shown value is negative. */
    public double[] yRange() {
        bounds();
        return new double[] {y0, y1};
    }

    /** The x ticks drawn (whole numbers when every x is). */
    public double[] xTicks() {
        bounds();
        return Ticks.of(x0, x1, xTickCount(), integerX);
    }

    private int xTickCount() {
        double w = canvas.getWidth() - left - RIGHT;
        return Math.max(2, Math.min(8, (int) (w / (70 * Theme.textScale()))));
    }

    private void bounds() {
        x0 = Double.POSITIVE_INFINITY;
        x1 = Double.NEGATIVE_INFINITY;
        y0 = Double.POSITIVE_INFINITY;
        y1 = Double.NEGATIVE_INFINITY;
        integerX = true;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = shown(s.y()[i]);
                if (!Double.isFinite(y) || !Double.isFinite(s.x()[i])) continue;
                x0 = Math.min(x0, s.x()[i]);
                x1 = Math.max(x1, s.x()[i]);
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
                integerX &= s.x()[i] == Math.rint(s.x()[i]);
            }
        }
        if (x0 == Double.POSITIVE_INFINITY) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
            return;
        }
        if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
        if (!yFromZero) {
            double xPad = (x1 - x0) * 0.04;
            x0 -= xPad;
            x1 += xPad;
        }
        boolean nonNegative = y0 >= 0;
        if (!(y1 > y0)) y1 = y0 + Math.max(1, Math.abs(y0) * 0.1);
        double pad = (y1 - y0) * 0.05;
        y1 += pad;
        y0 = nonNegative && yFromZero ? 0 : y0 - pad;
    }

    private double sx(double x) { return left + (x - x0) / (x1 - x0) * (canvas.getWidth() - left - RIGHT); }

    private double sy(double y) { return top + (1 - (y - y0) / (y1 - y0)) * (canvas.getHeight() - top - bottom); }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (series.stream().allMatch(s -> s.x().length == 0)) {
            paintEmpty(g, w, h, emptyText.isEmpty() ? I18n.text("chart.empty") : emptyText);
            return;
        }
        Theme theme = Theme.current();
        bounds();
        Font font = Theme.font(11);
        double line = font.getSize() * 1.3;
        g.setFont(font);
        boolean labelled = series.stream().anyMatch(s -> !s.labels().isEmpty());
        top = PAD + paintKey(g, w, line, false) + PAD + (markerLabel.isEmpty() && !labelled ? 0 : line);
        int yCount = Math.max(2, Math.min(6, (int) ((h - top - 3 * line) / (32 * Theme.textScale()))));
        double[] yt = Ticks.of(y0, y1, yCount, false);
        double yStep = Ticks.step(y0, y1, yCount, false);
        double tickW = 0;
        for (double v : yt) tickW = Math.max(tickW, textWidth(Ticks.format(v, yStep), font));
        left = PAD + (yLabel.isEmpty() ? 0 : line) + tickW + PAD;
        bottom = line * (xLabel.isEmpty() ? 1.4 : 2.6);
        paintKey(g, w, line, true);
        g.setStroke(theme.gridLine());
        g.setLineWidth(1);
        g.setFill(theme.text());
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        for (double v : yt) {
            double yy = sy(v);
            g.strokeLine(left, yy, w - RIGHT, yy);
            g.fillText(Ticks.format(v, yStep), left - PAD, yy);
        }
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.CENTER);
        double xStep = Ticks.step(x0, x1, xTickCount(), integerX);
        for (double v : Ticks.of(x0, x1, xTickCount(), integerX)) {
            double xx = sx(v);
            g.strokeLine(xx, h - bottom, xx, h - bottom + 4);
            String t = Ticks.format(v, xStep);
            double half = textWidth(t, font) / 2;
            g.fillText(t, Math.max(half, Math.min(w - half - 1, xx)), h - bottom + 5);
        }
        g.strokeLine(left, h - bottom, w - RIGHT, h - bottom);
        g.strokeLine(left, top, left, h - bottom);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(xLabel, left + (w - left - RIGHT) / 2, h - 2, w - 8);
        if (!yLabel.isEmpty()) {
            g.save();
            g.translate(PAD, top + (h - top - bottom) / 2);
            g.rotate(-90);
            g.setTextBaseline(VPos.TOP);
            g.fillText(yLabel, 0, 0, h - top - bottom);
            g.restore();
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BASELINE);
        if (Double.isFinite(markerX) && markerX >= x0 && markerX <= x1) {
            g.setStroke(theme.mutedText());
            g.setLineDashes(4, 4);
            g.strokeLine(sx(markerX), top, sx(markerX), h - bottom);
            g.setLineDashes();
            g.setFill(theme.mutedText());
            double mw = textWidth(markerLabel, font);
            g.fillText(markerLabel, Math.min(sx(markerX) + 4, w - RIGHT - mw), top - 4);
        }
        List<Rectangle2D> taken = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) paintSeries(g, series.get(k), COLORS[k % COLORS.length], font, taken);
    }

    /** The series key in rows above the plot; returns its height. Draws only when {@code draw}. */
    private double paintKey(GraphicsContext g, double w, double line, boolean draw) {
        if (series.size() < 2 && (series.isEmpty() || series.getFirst().name().isEmpty())) return 0;
        double x = PAD, y = PAD;
        for (int k = 0; k < series.size(); k++) {
            String name = series.get(k).name();
            double itemW = 22 + textWidth(name, g.getFont()) + 14;
            if (x > PAD && x + itemW > w - PAD) {
                x = PAD;
                y += line;
            }
            if (draw) {
                g.setFill(COLORS[k % COLORS.length]);
                g.fillRect(x, y + line / 2 - 2, 16, 4);
                g.setFill(Theme.current().text());
                g.setTextBaseline(VPos.CENTER);
                g.fillText(name, x + 22, y + line / 2);
                g.setTextBaseline(VPos.BASELINE);
            }
            x += itemW;
        }
        return y + line - PAD;
    }

    private void paintSeries(GraphicsContext g, Series s, Color c, Font font, List<Rectangle2D> taken) {
        boolean points = s.style() != Series.Style.LINE;
        g.setStroke(c);
        g.setLineWidth((points ? 2.5 : 1.5) * Math.max(1, Theme.textScale()));
        if (s.style() != Series.Style.POINTS) {
            g.beginPath();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                double y = shown(s.y()[i]);
                if (!Double.isFinite(y)) { pen = false; continue; }
                if (pen) g.lineTo(sx(s.x()[i]), sy(y)); else g.moveTo(sx(s.x()[i]), sy(y));
                pen = true;
            }
            g.stroke();
        }
        if (!points) return;
        double r = 4 * Math.max(1, Theme.textScale());
        for (int i = 0; i < s.x().length; i++) {
            double y = shown(s.y()[i]);
            if (!Double.isFinite(y)) continue;
            double px = sx(s.x()[i]), py = sy(y);
            g.setFill(c);
            g.fillOval(px - r, py - r, 2 * r, 2 * r);
            if (s.labels().isEmpty() || s.labels().get(i).isEmpty()) continue;
            String t = s.labels().get(i);
            double tw = textWidth(t, font), th = font.getSize();
            double lx = Math.min(px + r + 2, canvas.getWidth() - RIGHT - tw);
            Rectangle2D box = new Rectangle2D(lx, py - th - 2, tw, th);
            if (taken.stream().anyMatch(box::intersects)) continue; // a crowded point keeps its hover read-out
            taken.add(box);
            g.setFill(Theme.current().text());
            g.fillText(t, lx, py - 3);
        }
    }

    private String nearest(double mx, double my) {
        int[] at = pointAt(mx, my);
        if (at == null) {
            return null;
        }
        Series s = series.get(at[0]);
        int i = at[1];
        String label = s.labels().isEmpty() ? "" : " (" + s.labels().get(i) + ")";
        return String.format(Locale.ROOT, "%s%s: x = %s, y = %.5f", s.name(), label, Ticks.format(s.x()[i]), shown(s.y()[i]));
    }

    /** {series, point} of the point nearest a canvas position within 12 pixels (the first drawn on a tie), or null. */
    public int[] pointAt(double mx, double my) {
        return pointAt(mx, my, false);
    }

    /** As {@link #pointAt(double, double)}; {@code markersOnly}: among series drawn with points only. */
    public int[] pointAt(double mx, double my, boolean markersOnly) {
        int[] best = null;
        double bestD = 12 * 12;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            if (markersOnly && s.style() == Series.Style.LINE) continue;
            for (int i = 0; i < s.x().length; i++) {
                double dx = sx(s.x()[i]) - mx;
                double dy = sy(shown(s.y()[i])) - my;
                double d = dx * dx + dy * dy;
                if (d < bestD) {
                    bestD = d;
                    best = new int[] {k, i};
                }
            }
        }
        return best;
    }

    /** The canvas position of point {@code i} of series {@code k} (for tests and keyboard users). */
    public double[] position(int k, int i) {
        bounds();
        Series s = series.get(k);
        return new double[] {sx(s.x()[i]), sy(shown(s.y()[i]))};
    }

    /** The text of the hover read-out at a canvas point (for tests and keyboard users); null away from the points. */
    public String readout(double x, double y) {
        return nearest(x, y);
    }

    /** The plotted values as CSV (series,x,y), y as shown (e^y when exponentiated). */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("series,x,y\n");
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                sb.append('"').append(s.name().replace("\"", "\"\"")).append("\",").append(s.x()[i]).append(',').append(shown(s.y()[i])).append('\n');
            }
        }
        return sb.toString();
    }

    /** Rolling mean with the given window, for noisy per-token curves. */
    public static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        List<Double> q = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            q.add(y[i]);
            sum += y[i];
            if (q.size() > window) sum -= q.removeFirst();
            out[i] = sum / q.size();
        }
        return out;
    }
}
