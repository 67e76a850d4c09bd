package dev.glassbox.visuals.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.CategoryLegend;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * An alluvial (Sankey) diagram of how tokens move between experts from one mixture-of-experts layer to the next:
 * one column per MoE layer, one node per expert sized by the tokens whose first choice it is, and a band for
 * every (expert here, expert in the next layer) pair sized by the tokens that take it, the experts' colour key below.
 * Hover for the counts.
 */
public class ExpertFlowView extends CanvasView {
    /**
     * @param layers      the MoE layers, left to right
     * @param experts     experts per layer
     * @param firstChoice per token, its first-choice expert in each of {@code layers}
     */
    public record Flow(List<Integer> layers, int experts, int[][] firstChoice) {
        public Flow {
            layers = List.copyOf(layers);
        }

        /** Tokens whose first choice in column {@code c} is {@code e}. */
        public int count(int c, int e) {
            int n = 0;
            for (int[] t : firstChoice) if (t[c] == e) n++;
            return n;
        }

        /** Tokens going from expert {@code a} in column {@code c} to expert {@code b} in column c + 1. */
        public int link(int c, int a, int b) {
            int n = 0;
            for (int[] t : firstChoice) if (t[c] == a && t[c + 1] == b) n++;
            return n;
        }
    }

    private static final double NODE_W = 14, GAP = 6;
    private final CategoryLegend legend = new CategoryLegend();
    private Flow flow = new Flow(List.of(), 0, new int[0][]);
    /** Hit areas of the last drawing, with their hover text. */
    private final List<Hit> hits = new ArrayList<>();

    private record Hit(double x0, double x1, double y0a, double y1a, double y0b, double y1b, String text) {
        boolean contains(double x, double y) {
            if (x < x0 || x > x1) return false;
            double f = x1 == x0 ? 0 : (x - x0) / (x1 - x0);
            double s = f * f * (3 - 2 * f); // the bands' smooth step
            double top = y0a + (y0b - y0a) * s;
            double bottom = y1a + (y1b - y1a) * s;
            return y >= top && y <= bottom;
        }
    }

    public ExpertFlowView() {
        hoverWith(this::describeAt);
        setLegend(legend, LegendSide.BOTTOM);
        setPrefSize(420, 290);
        setMinHeight(160);
    }

    public Flow flow() { return flow; }

    public void setFlow(Flow f) {
        this.flow = f;
        legend.show(I18n.text("routing.legend.experts"), ExpertColors.legend(f.experts()));
        legend.setVisible(f.experts() > 0);
        redraw();
    }

    /** The node or band under (x, y), nodes first; null over empty space. */
    public String describeAt(double x, double y) {
        for (Hit h : hits) if (h.x1() - h.x0() <= NODE_W + 0.5 && h.contains(x, y)) return h.text();
        for (Hit h : hits) if (h.contains(x, y)) return h.text();
        return null;
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        Theme theme = Theme.current();
        double top = 24 * Theme.textScale(), side = 40 * Theme.textScale();
        hits.clear();
        int cols = flow.layers().size();
        int tokens = flow.firstChoice().length;
        g.setFont(Theme.font(12));
        if (cols == 0 || tokens == 0) {
            paintEmpty(g, w, h, I18n.text("routing.flow.empty"));
            return;
        }
        int n = flow.experts();
        double usable = h - top - 8 - GAP * (n - 1);
        double scale = usable / tokens;
        double step = cols == 1 ? 0 : (w - 2 * side - NODE_W) / (cols - 1);
        double[][] nodeY = new double[cols][n];
        for (int c = 0; c < cols; c++) {
            double y = top;
            for (int e = 0; e < n; e++) {
                nodeY[c][e] = y;
                y += flow.count(c, e) * scale + GAP;
            }
        }
        // bands: leave each source node ordered by target, enter each target node ordered by source
        for (int c = 0; c + 1 < cols; c++) {
            double xa = side + c * step + NODE_W, xb = side + (c + 1) * step;
            double[] outOff = new double[n];
            double[] inOff = new double[n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    int k = flow.link(c, a, b);
                    if (k == 0) continue;
                    double hgt = k * scale;
                    double ya = nodeY[c][a] + outOff[a];
                    double yb = nodeY[c + 1][b] + inOff[b];
                    outOff[a] += hgt;
                    // inOff advances in source order because a is the outer loop
                    inOff[b] += hgt;
                    Color col = ExpertColors.of(a);
                    g.setFill(Color.color(col.getRed(), col.getGreen(), col.getBlue(), 0.45));
                    double mid = (xa + xb) / 2;
                    g.beginPath();
                    g.moveTo(xa, ya);
                    g.bezierCurveTo(mid, ya, mid, yb, xb, yb);
                    g.lineTo(xb, yb + hgt);
                    g.bezierCurveTo(mid, yb + hgt, mid, ya + hgt, xa, ya + hgt);
                    g.closePath();
                    g.fill();
                    hits.add(new Hit(xa, xb, ya, ya + hgt, yb, yb + hgt, I18n.text("routing.flow.band", flow.layers().get(c), a,
                            flow.layers().get(c + 1), b, k, percent(k, tokens))));
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            double x = side + c * step;
            g.setFill(theme.text());
            g.fillText("L" + flow.layers().get(c), x - 2, top - 8);
            for (int e = 0; e < n; e++) {
                int k = flow.count(c, e);
                double hgt = Math.max(1, k * scale);
                g.setFill(ExpertColors.of(e));
                g.fillRect(x, nodeY[c][e], NODE_W, hgt);
                g.setFill(theme.text());
                if (hgt >= 10) g.fillText("E" + e, c == cols - 1 ? x + NODE_W + 3 : x - 24 * Theme.textScale(), nodeY[c][e] + Math.min(hgt, 22) / 2 + 4);
                hits.add(new Hit(x, x + NODE_W, nodeY[c][e], nodeY[c][e] + hgt, nodeY[c][e], nodeY[c][e] + hgt,
                        I18n.text("routing.flow.node", flow.layers().get(c), e, k, tokens, percent(k, tokens))));
            }
        }
    }

    private static String percent(int part, int whole) {
        return String.format(Locale.ROOT, "%.1f", 100.0 * part / whole);
    }
}
