package dev.glassbox.visuals;

import java.util.List;

/**
 * One attention map to draw: {@code weights[q][k]} (rows may be shorter than {@code keys}; missing
 * entries read as 0, as above a causal diagonal), with one display label per query and per key, what its rows
 * and columns are ({@link Axes}), and the input's visible matrix when it had one ({@code visible[q][k]}: query q may
 * attend to key k, as K-BERT's; null when every key was visible), drawn as the mask.
 */
public record AttentionMatrix(String title, float[][] weights, List<String> queryLabels, List<String> keyLabels, Axes axes,
                              boolean[][] visible) {
    /**
     * What rows and columns are: a sequence attending to itself, a decoder's output attending to its source, or a
     * long sequence attending to itself in tiles whose labels are their positions (a range, no token).
     */
    public enum Axes {
        SELF("heatmap.axis.queries", "heatmap.axis.keys"),
        CROSS("heatmap.axis.output", "heatmap.axis.source"),
        TILES("heatmap.axis.queryPositions", "heatmap.axis.keyPositions");

        private final String rowKey;
        private final String columnKey;

        Axes(String rowKey, String columnKey) {
            this.rowKey = rowKey;
            this.columnKey = columnKey;
        }

        /** The I18n key of the rows' name. */
        public String rowKey() { return rowKey; }

        /** The I18n key of the columns' name. */
        public String columnKey() { return columnKey; }

        /** Whether each label says where its row or column is (so a label needs no index before it). */
        public boolean labelsArePositions() { return this == TILES; }
    }

    /** A self-attention map (queries x keys). */
    public AttentionMatrix(String title, float[][] weights, List<String> queryLabels, List<String> keyLabels) {
        this(title, weights, queryLabels, keyLabels, Axes.SELF);
    }

    /** A map without a visible matrix. */
    public AttentionMatrix(String title, float[][] weights, List<String> queryLabels, List<String> keyLabels, Axes axes) {
        this(title, weights, queryLabels, keyLabels, axes, null);
    }

    /** This map with the input's visible matrix (null: none). */
    public AttentionMatrix withVisible(boolean[][] v) {
        return new AttentionMatrix(title, weights, queryLabels, keyLabels, axes, v);
    }

    /** True when the input's visible matrix hid key k from query q. */
    public boolean masked(int q, int k) {
        return visible != null && q < visible.length && k < visible[q].length && !visible[q][k];
    }

    public AttentionMatrix {
        queryLabels = List.copyOf(queryLabels);
        keyLabels = List.copyOf(keyLabels);
        if (weights.length != queryLabels.size()) {
            throw new IllegalArgumentException(title + ": " + weights.length + " rows but " + queryLabels.size()
                    + " query labels");
        }
        if (visible != null && visible.length != weights.length) {
            throw new IllegalArgumentException(title + ": a visible matrix of " + visible.length + " rows for "
                    + weights.length + " queries");
        }
    }

    public int rows() { return weights.length; }

    public int cols() { return keyLabels.size(); }

    public float get(int q, int k) {
        float[] row = weights[q];
        return k < row.length ? row[k] : 0f;
    }

    /** Largest weight (at least a tiny positive number so it can divide). */
    public float max() {
        float m = 1e-12f;
        for (float[] row : weights) {
            for (float v : row) {
                m = Math.max(m, v);
            }
        }
        return m;
    }
}
