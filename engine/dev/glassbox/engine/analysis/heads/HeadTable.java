package dev.glassbox.engine.analysis.heads;

/**
 * A heads x heads score matrix: rows are heads of {@code rowLayer}, columns heads of {@code columnLayer}
 * (the same layer for within-layer tables); {@code sense} says whether a large value means alike or different.
 */
public record HeadTable(String metric, int rowLayer, int columnLayer, double[][] values, Sense sense) {
    /** Which way a metric points: similarities are large for alike heads, distances small. */
    public enum Sense { SIMILARITY, DISTANCE }

    public double get(int row, int column) { return values[row][column]; }

    public int rows() { return values.length; }

    public int columns() { return values.length == 0 ? 0 : values[0].length; }

    public boolean crossLayer() { return rowLayer != columnLayer; }
}
