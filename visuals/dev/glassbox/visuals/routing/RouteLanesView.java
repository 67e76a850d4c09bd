package dev.glassbox.visuals.routing;

import java.util.List;
import java.util.Locale;

import javafx.scene.canvas.Canvas;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.util.Duration;

import dev.glassbox.visuals.Palette;

/**
 * Token x layer lanes: each cell is coloured by the probability that the layer ran for that token over the
 * sampled routes, or, in a mixture-of-experts layer, by the token's first-choice expert ({@link ExpertColors});
 * hover for the exact numbers.
 */
public class RouteLanesView extends Region {
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

    private static final double LEFT = 90, TOP = 24;
    private final Canvas canvas = new Canvas();
    private final Tooltip tip = new Tooltip();
    private List<Lane> lanes = List.of();
    private int layers;

    public RouteLanesView() {
        getChildren().add(canvas);
        tip.setShowDelay(Duration.millis(50));
        canvas.setOnMouseMoved(e -> {
            String s = describeAt(e.getX(), e.getY());
            if (s == null) tip.hide(); else { tip.setText(s); tip.show(canvas, e.getScreenX() + 12, e.getScreenY() + 12); }
        });
        canvas.setOnMouseExited(e -> tip.hide());
        setPrefSize(600, 360);
    }

    public List<Lane> lanes() { return lanes; }

    public void setLanes(List<Lane> lanes, int layers) {
        this.lanes = List.copyOf(lanes);
        this.layers = layers;
        draw();
    }

    private double cellW() { return (canvas.getWidth() - LEFT - 8) / Math.max(1, layers); }

    private double cellH() { return Math.max(4, Math.min(22, (canvas.getHeight() - TOP) / Math.max(1, lanes.size()))); }

    public String describeAt(double x, double y) {
        int l = (int) ((x - LEFT) / cellW());
        int t = (int) ((y - TOP) / cellH());
        if (x < LEFT || y < TOP || l >= layers || t >= lanes.size()) return null;
        Lane lane = lanes.get(t);
        String cell = lane.cellDetail() != null && lane.cellDetail()[l] != null ? "\n" + lane.cellDetail()[l] : "";
        String expert = cell.isEmpty() && lane.expert() != null && lane.expert()[l] >= 0 ? ", expert " + lane.expert()[l] : "";
        return String.format(Locale.ROOT, "token %d '%s', layer %d: ran in %.1f%% of routes%s%s%n%s", t, lane.token(), l,
                lane.runProbability()[l] * 100, expert, cell, lane.detail());
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        var g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(Font.font(11));
        double cw = cellW();
        double ch = cellH();
        g.setFill(Color.gray(0.2));
        for (int l = 0; l < layers; l++) g.fillText("L" + l, LEFT + l * cw + cw / 2 - 6, TOP - 8);
        for (int t = 0; t < lanes.size(); t++) {
            Lane lane = lanes.get(t);
            g.setFill(Color.gray(0.2));
            if (ch >= 10) g.fillText(lane.token(), 4, TOP + t * ch + ch - 5, LEFT - 8);
            for (int l = 0; l < layers; l++) {
                boolean hasExpert = lane.expert() != null && lane.expert()[l] >= 0;
                Color c = hasExpert ? ExpertColors.of(lane.expert()[l]) : Palette.VIRIDIS.color(lane.runProbability()[l]);
                g.setFill(c);
                g.fillRect(LEFT + l * cw, TOP + t * ch, cw - 1, ch - 1);
                if (hasExpert && ch >= 12 && cw >= 16) {
                    g.setFill(Color.gray(0.1));
                    g.fillText("E" + lane.expert()[l], LEFT + l * cw + cw / 2 - 7, TOP + t * ch + ch - 5);
                }
            }
        }
    }
}
