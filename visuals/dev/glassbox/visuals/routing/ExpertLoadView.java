package dev.glassbox.visuals.routing;

import java.util.List;
import java.util.Locale;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;

/**
 * Expert load bars: one row of bars per mixture-of-experts layer, each bar an expert's assignments with the exact
 * count and share printed on it, a dashed line at the mean, and the layer's balance statistics beside it.
 */
public class ExpertLoadView extends Region {
    /**
     * @param tokens       assignments per expert (a top-k token counts k times)
     * @param summary      the layer's statistics as one line (CV, max/mean, over capacity, Switch loss)
     */
    public record LayerBars(int layer, int[] tokens, String summary) {
        public int total() {
            int n = 0;
            for (int t : tokens) n += t;
            return n;
        }
    }

    private static final double LEFT = 34, ROW = 70;
    private final Canvas canvas = new Canvas();
    private List<LayerBars> bars = List.of();

    public ExpertLoadView() {
        getChildren().add(canvas);
        setPrefSize(420, 150);
        setMinHeight(90);
    }

    public List<LayerBars> bars() { return bars; }

    public void setBars(List<LayerBars> b) {
        bars = List.copyOf(b);
        setPrefHeight(Math.max(90, bars.size() * ROW + 8));
        draw();
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, canvas.getHeight());
        g.setFont(Font.font(11));
        if (bars.isEmpty()) {
            g.setFill(Color.gray(0.4));
            g.fillText("No expert load yet", 10, 20);
            return;
        }
        double rowH = Math.min(ROW, Math.max(30, (canvas.getHeight() - 4) / bars.size()));
        for (int r = 0; r < bars.size(); r++) {
            LayerBars b = bars.get(r);
            double y0 = 4 + r * rowH;
            double barsH = rowH - 22;
            int n = b.tokens().length;
            int max = 1;
            for (int t : b.tokens()) max = Math.max(max, t);
            int total = b.total();
            double bw = (w - LEFT - 8) / Math.max(1, n);
            g.setFill(Color.gray(0.2));
            g.fillText("L" + b.layer(), 4, y0 + barsH / 2 + 4);
            for (int e = 0; e < n; e++) {
                double hgt = barsH * b.tokens()[e] / max;
                g.setFill(ExpertColors.of(e));
                g.fillRect(LEFT + e * bw + 2, y0 + barsH - hgt, bw - 4, hgt);
                g.setFill(Color.gray(0.1));
                g.fillText(String.format(Locale.ROOT, "E%d %d (%.0f%%)", e, b.tokens()[e], total == 0 ? 0 : 100.0 * b.tokens()[e] / total),
                        LEFT + e * bw + 4, y0 + barsH - Math.max(hgt, 0) - 2 < y0 + 10 ? y0 + 10 : y0 + barsH - hgt - 2, bw - 6);
            }
            double mean = total / (double) Math.max(1, n);
            double my = y0 + barsH - barsH * mean / max;
            g.setStroke(Color.gray(0.3));
            g.setLineDashes(4, 3);
            g.strokeLine(LEFT, my, w - 8, my);
            g.setLineDashes();
            g.setFill(Color.gray(0.25));
            g.fillText(b.summary(), LEFT, y0 + barsH + 14, w - LEFT - 8);
        }
    }
}
