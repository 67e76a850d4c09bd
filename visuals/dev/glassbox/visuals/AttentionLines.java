package dev.glassbox.visuals;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

import dev.glassbox.visuals.i18n.I18n;

/**
 * BertViz-style line view (Vig 2019): queries in the left column, keys in the right, one line per pair
 * with opacity proportional to the weight; hovering a query shows only its lines. It is meant for short
 * sequences: longer maps show a window of {@value #WINDOW} positions ending at the selected query row
 * (the last row when none is selected).
 */
public final class AttentionLines extends CanvasView {
    static final int WINDOW = 40;
    private static final double TOP = 28;
    private AttentionMatrix matrix;
    private Palette palette = Palette.VIRIDIS;
    private int focus = -1;
    private int anchor = -1;

    public AttentionLines() {
        setPrefSize(400, 600);
        canvas.setOnMouseMoved(e -> {
            int q = rowAt(e.getY());
            if (q != focus) {
                focus = q;
                redraw();
            }
        });
        canvas.setOnMouseExited(e -> {
            focus = anchor;
            redraw();
        });
    }

    public void setMatrix(AttentionMatrix m) {
        this.matrix = m;
        if (m == null || anchor >= m.rows()) {
            anchor = -1;
        }
        this.focus = anchor;
        redraw();
    }

    public void setPalette(Palette p) {
        this.palette = p;
        redraw();
    }

    /** Focuses one query row and moves the window to it (-1 = all rows of the window ending at the last). */
    public void focusRow(int q) {
        this.anchor = q;
        this.focus = q;
        redraw();
    }

    /** Last position shown, exclusive. */
    private int end() {
        return anchor >= 0 && anchor < matrix.rows() ? anchor + 1 : matrix.rows();
    }

    private int start() { return Math.max(0, end() - WINDOW); }

    private double rowHeight() {
        return Math.max(1, (canvas.getHeight() - TOP - 6) / Math.max(1, end() - start()));
    }

    private int rowAt(double y) {
        if (matrix == null) {
            return -1;
        }
        int q = start() + (int) Math.floor((y - TOP) / rowHeight());
        return y >= TOP && q < end() ? q : anchor;
    }

    private double yOf(int i) { return TOP + (i - start() + 0.5) * rowHeight(); }

    /** Keys shown: the query window's in a square (self-attention) map; a rectangular (cross-attention) map's own, from 0. */
    int keyStart() { return matrix.cols() == matrix.rows() ? start() : 0; }

    int keyEnd() { return matrix.cols() == matrix.rows() ? end() : Math.min(matrix.cols(), WINDOW); }

    double keyY(int k) {
        double kh = Math.max(1, (canvas.getHeight() - TOP - 6) / Math.max(1, keyEnd() - keyStart()));
        return TOP + (k - keyStart() + 0.5) * kh;
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (matrix == null) {
            paintEmpty(g, w, h, I18n.text("heatmap.empty"));
            return;
        }
        if (w < 200) {
            return;
        }
        Theme theme = Theme.current();
        int s = start();
        int e = end();
        double rh = rowHeight();
        double left = w * 0.3;
        double right = w * 0.7;
        float max = matrix.max();
        g.setFont(Theme.font(11));
        g.setFill(theme.mutedText());
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(I18n.text("lines.title", matrix.title(), s, e - 1, matrix.rows())
                + (matrix.rows() > WINDOW ? " " + I18n.text("lines.windowHint") : ""), 6, 6, w - 12);
        g.setLineWidth(Math.max(1, Math.min(3, rh / 6)));
        for (int q = s; q < e; q++) {
            if (focus >= 0 && q != focus) {
                continue;
            }
            for (int k = keyStart(); k < keyEnd(); k++) {
                float v = matrix.get(q, k) / max;
                if (v < 0.02f) {
                    continue;
                }
                Color c = palette.color(0.35 + 0.65 * v); // keep lines off the dark end of the map, visible on the background
                g.setStroke(Color.color(c.getRed(), c.getGreen(), c.getBlue(), Math.min(1, 0.15 + 0.85 * v)));
                g.strokeLine(left, yOf(q), right, keyY(k));
            }
        }
        g.setFont(Theme.font(Math.max(7, Math.min(13, rh - 1))));
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        for (int q = s; q < e; q++) {
            g.setFill(q == focus ? theme.highlight() : theme.text());
            g.fillText(q + " " + matrix.queryLabels().get(q), left - 6, yOf(q));
        }
        g.setFill(theme.text());
        g.setTextAlign(TextAlignment.LEFT);
        for (int k = keyStart(); k < keyEnd(); k++) {
            g.fillText(matrix.keyLabels().get(k) + " " + k, right + 6, keyY(k));
        }
    }
}
