package dev.glassbox.visuals.chart;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A {@link LinePlot} for scattered points: the y axis spans the values (not from 0), the hover text and a click go to
 * the caller for the point under the mouse (series drawn as points only; a line series such as a Pareto staircase is
 * drawn but not picked).
 */
public final class ScatterPlot extends LinePlot {
    private BiFunction<Integer, Integer, String> tips = (k, i) -> null;
    private BiConsumer<Integer, Integer> onPick = (k, i) -> { };

    public ScatterPlot() {
        getStyleClass().add("scatter-plot");
        setYFromZero(false);
        hoverWith((x, y) -> {
            int[] at = pointAt(x, y, true);
            return at == null ? null : tips.apply(at[0], at[1]);
        });
        canvas.setOnMouseClicked(e -> {
            int[] at = pointAt(e.getX(), e.getY(), true);
            if (at != null) {
                onPick.accept(at[0], at[1]);
            }
        });
    }

    /** The hover text of point {@code i} of series {@code k}. */
    public void setTips(BiFunction<Integer, Integer, String> tips) {
        this.tips = tips;
    }

    /** Called with (series, point) when a point is clicked. */
    public void setOnPick(BiConsumer<Integer, Integer> onPick) {
        this.onPick = onPick;
    }

    /** The hover text at a canvas position (for tests and keyboard users); null away from the points. */
    @Override
    public String readout(double x, double y) {
        int[] at = pointAt(x, y, true);
        return at == null ? null : tips.apply(at[0], at[1]);
    }
}
