package dev.glassbox.visuals.routing;

import java.util.List;
import java.util.Locale;

import javafx.scene.canvas.GraphicsContext;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Expert load bars: one row of bars per mixture-of-experts layer, each bar an expert's assignments with the exact
 * count and share printed on it, a dashed line at the mean, and the layer's balance statistics beside it.
 */
public class ExpertLoadView extends CanvasView {
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

    private static final double ROW = 76;
    private List<LayerBars> bars = List.of();

    public ExpertLoadView() {
        setPrefSize(420, 150);
        setMinHeight(90);
    }

    public List<LayerBars> bars() { return bars; }

    public void setBars(List<LayerBars> b) {
        bars = List.copyOf(b);
        setPrefHeight(Math.max(90, bars.size() * ROW * Theme.textScale() + 8));
        redraw();
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        Theme theme = Theme.current();
        double left = 34 * Theme.textScale();
        g.setFont(Theme.font(11));
        if (bars.isEmpty()) {
            paintEmpty(g, w, h, I18n.text("routing.load.empty"));
            return;
        }
        double rowH = Math.min(ROW * Theme.textScale(), Math.max(30, (h - 4) / bars.size()));
        for (int r = 0; r < bars.size(); r++) {
            LayerBars b = bars.get(r);
            double y0 = 4 + r * rowH;
            double barsH = rowH - 24 * Theme.textScale();
            int n = b.tokens().length;
            int max = 1;
            for (int t : b.tokens()) max = Math.max(max, t);
            int total = b.total();
            double bw = (w - left - 8) / Math.max(1, n);
            g.setFill(theme.text());
            g.fillText("L" + b.layer(), 4, y0 + barsH / 2 + 4);
            for (int e = 0; e < n; e++) {
                double hgt = barsH * b.tokens()[e] / max;
                g.setFill(ExpertColors.of(e));
                g.fillRect(left + e * bw + 2, y0 + barsH - hgt, bw - 4, hgt);
                g.setFill(theme.text());
                g.fillText(String.format(Locale.ROOT, "E%d %d (%.0f%%)", e, b.tokens()[e], total == 0 ? 0 : 100.0 * b.tokens()[e] / total),
                        left + e * bw + 4, y0 + barsH - Math.max(hgt, 0) - 2 < y0 + 12 * Theme.textScale() ? y0 + 12 * Theme.textScale() : y0 + barsH - hgt - 2, bw - 6);
            }
            double mean = total / (double) Math.max(1, n);
            double my = y0 + barsH - barsH * mean / max;
            g.setStroke(theme.mutedText());
            g.setLineDashes(4, 3);
            g.strokeLine(left, my, w - 8, my);
            g.setLineDashes();
            g.setFill(theme.mutedText());
            g.fillText(b.summary(), left, y0 + barsH + 16 * Theme.textScale(), w - left - 8);
        }
    }
}
