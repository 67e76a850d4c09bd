package dev.glassbox.visuals.chart;

import java.util.List;

/**
 * One named set of points of a plot: x and y of equal length, drawn as a line, as labelled points, or both.
 *
 * @param labels per point, a name written beside it (empty: none)
 */
public record Series(String name, double[] x, double[] y, Style style, List<String> labels) {
    /** How the points are drawn. */
    public enum Style { LINE, POINTS, LINE_AND_POINTS }

    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but " + y.length + " y values");
        }
        labels = List.copyOf(labels);
        if (!labels.isEmpty() && labels.size() != x.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + x.length + " points but " + labels.size() + " labels");
        }
    }

    /** A plain line. */
    public Series(String name, double[] x, double[] y) {
        this(name, x, y, Style.LINE, List.of());
    }
}
