package dev.glassbox.visuals.routing;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

import dev.glassbox.visuals.CanvasView;
import dev.glassbox.visuals.CategoryLegend;
import dev.glassbox.visuals.ColorLegend;
import dev.glassbox.visuals.Palette;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Token x layer lanes: each cell is coloured by the probability that the layer ran for that token over the
 * sampled routes, or, in a mixture-of-experts layer, by the token's first-choice expert ({@link ExpertColors});
 * hover for the exact numbers. Every lane keeps a readable height with its token written at the left; when the
 * lanes do not fit, the wheel scrolls them. The key below explains both colourings.
 */
public class RouteLanesView extends CanvasView {
    /**
     * One token's lane.
     *
     * @param runProbability per layer, the fraction of sampled routes in which it ran
     * @param expert         per layer, the chosen expert or -1 (dense layers)
     * @param detail         a line shown on hover (e.g. top paths and their KL)
     * @param cellDetail     per layer, extra hover text (e.g. router probabilities), or null
     */
    public record Lane(String token, double[] runProbability, int[] expert, String detail, String[] cellDetail) {
        public Lane(String token, double[] runProbability, int[] expert, String detail) {
            this(token, runProbability, expert, detail, null);
        }
    }

    private static final double MIN_ROW = 16, MAX_ROW = 24;
    private final ColorLegend runLegend = new ColorLegend();
    private final CategoryLegend expertLegend = new CategoryLegend();
    private List<Lane> lanes = List.of();
    private int layers;
    /** The first lane shown (the wheel scrolls when the lanes do not fit). */
    private int first;
    /** How many experts the lanes use (0: dense layers only). */
    private int experts;
    /** Held here so that the language's weak listener lives as long as this view. */
    private final javafx.beans.InvalidationListener onLocale = o -> showLegendTexts();

    public RouteLanesView() {
        canvas.setOnScroll(e -> {
            if (e.getDeltaY() != 0) scrollTo(first + (e.getDeltaY() < 0 ? 3 : -3));
            e.consume();
        });
        setLegend(new VBox(4, runLegend, expertLegend), LegendSide.BOTTOM);
        showLegendTexts();
        I18n.localeProperty().addListener(new javafx.beans.WeakInvalidationListener(onLocale));
        setPrefSize(600, 360);
        setMinHeight(160);
    }

    /** The legends' texts in the current language (they follow a language switch). */
    private void showLegendTexts() {
        runLegend.show(new ColorLegend.Spec(I18n.text("routing.legend.run"), Palette.VIRIDIS, null, 0, 1, false,
                I18n.text("routing.legend.runDirection")));
        expertLegend.show(I18n.text("routing.legend.experts"), ExpertColors.legend(experts));
    }

    public List<Lane> lanes() { return lanes; }

    public void setLanes(List<Lane> lanes, int layers) {
        this.lanes = List.copyOf(lanes);
        this.layers = layers;
        this.first = 0;
        int count = 0;
        boolean dense = false;
        for (Lane l : lanes) {
            for (int i = 0; i < layers; i++) {
                if (l.expert() != null && l.expert()[i] >= 0) count = Math.max(count, l.expert()[i] + 1);
                else dense = true;
            }
        }
        runLegend.setVisible(dense || lanes.isEmpty());
        runLegend.setManaged(dense || lanes.isEmpty());
        this.experts = count;
        showLegendTexts();
        expertLegend.setVisible(count > 0);
        expertLegend.setManaged(count > 0);
        requestLayout();
        redraw();
    }

    /** Shows lanes from {@code lane} on (clamped so the view stays full). */
    public void scrollTo(int lane) {
        first = Math.max(0, Math.min(lane, lanes.size() - visibleLanes()));
        redraw();
    }

    public int firstVisibleLane() { return first; }

    private static double top() { return 24 * Theme.textScale(); }

    private static double left() { return 96 * Theme.textScale(); }

    private double cellW() { return (canvas.getWidth() - left() - 10) / Math.max(1, layers); }

    private double cellH() {
        double fit = (canvas.getHeight() - top()) / Math.max(1, lanes.size());
        return Math.max(MIN_ROW * Theme.textScale(), Math.min(MAX_ROW * Theme.textScale(), fit));
    }

    private int visibleLanes() { return Math.max(1, (int) ((canvas.getHeight() - top()) / cellH())); }

    /** The lane under y in this view's coordinates, or -1. */
    public int laneAt(double y) {
        int t = first + (int) Math.floor((y - top()) / cellH());
        return y < top() || t >= lanes.size() ? -1 : t;
    }

    /** The centre of cell (lane, layer) when it is shown. */
    public Optional<Point2D> cellCenter(int lane, int layer) {
        int row = lane - first;
        if (row < 0 || row >= visibleLanes() || layer < 0 || layer >= layers) return Optional.empty();
        return Optional.of(new Point2D(left() + (layer + 0.5) * cellW(), top() + (row + 0.5) * cellH()));
    }

    public String describeAt(double x, double y) {
        int l = (int) ((x - left()) / cellW());
        int t = laneAt(y);
        if (x < left() || t < 0 || l >= layers) return null;
        Lane lane = lanes.get(t);
        String cell = lane.cellDetail() != null && lane.cellDetail()[l] != null ? "\n" + lane.cellDetail()[l] : "";
        String expert = cell.isEmpty() && lane.expert() != null && lane.expert()[l] >= 0
                ? I18n.text("routing.lane.expert", lane.expert()[l]) : "";
        return I18n.text("routing.lane.readout", t, lane.token(), l,
                String.format(Locale.ROOT, "%.1f", lane.runProbability()[l] * 100)) + expert + cell
                + "\n" + lane.detail();
    }

    @Override
    protected void paint(GraphicsContext g, double w, double h) {
        if (lanes.isEmpty() || layers == 0) {
            paintEmpty(g, w, h, I18n.text("chart.empty"));
            return;
        }
        Theme theme = Theme.current();
        double cw = cellW(), ch = cellH(), top = top(), left = left();
        first = Math.max(0, Math.min(first, lanes.size() - visibleLanes()));
        g.setFont(Theme.font(12));
        g.setFill(theme.text());
        g.setTextAlign(TextAlignment.CENTER);
        for (int l = 0; l < layers; l++) g.fillText("L" + l, left + l * cw + cw / 2, top - 8, cw);
        g.setTextBaseline(VPos.CENTER);
        int shown = Math.min(lanes.size() - first, visibleLanes());
        for (int row = 0; row < shown; row++) {
            int t = first + row;
            Lane lane = lanes.get(t);
            double y = top + row * ch;
            g.setFill(theme.text());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(t + " " + lane.token(), left - 6, y + ch / 2, left - 10);
            g.setTextAlign(TextAlignment.CENTER);
            for (int l = 0; l < layers; l++) {
                boolean hasExpert = lane.expert() != null && lane.expert()[l] >= 0;
                Color c = hasExpert ? ExpertColors.of(lane.expert()[l]) : Palette.VIRIDIS.color(lane.runProbability()[l]);
                g.setFill(c);
                g.fillRect(left + l * cw, y, cw - 1, ch - 1);
                if (hasExpert && cw >= 24) {
                    g.setFill(textOn(c));
                    g.fillText("E" + lane.expert()[l], left + l * cw + cw / 2, y + ch / 2);
                }
            }
        }
        if (shown < lanes.size()) {
            // where the shown lanes sit among all of them
            double track = h - top;
            g.setFill(theme.gridLine());
            g.fillRect(w - 6, top, 5, track);
            g.setFill(theme.mutedText());
            g.fillRect(w - 6, top + track * first / lanes.size(), 5, Math.max(8, track * shown / lanes.size()));
        }
    }
}
