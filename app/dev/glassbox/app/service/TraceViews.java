package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.visuals.AttentionAggregates;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.GridRow;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Turns a trace into the grid's maps: per layer one map per head and the mean over heads; below them the
 * attention rollout (computed only up to {@value #ROLLOUT_LIMIT} tokens while live, since it is cubic).
 */
public final class TraceViews {
    static final int ROLLOUT_LIMIT = 768;

    private TraceViews() {
    }

    public static List<String> labels(Tokenizer tok, int[] tokens) {
        List<String> out = new ArrayList<>(tokens.length);
        for (int t : tokens) {
            out.add(tok == null ? Integer.toString(t) : tok.display(t));
        }
        return out;
    }

    /** @param tokens the token ids the trace covers (one per query position) */
    public static GridContent build(Trace trace, int[] tokens, Tokenizer tok, int layers, int heads, boolean withRollout) {
        AttentionRows rows = new AttentionRows(layers);
        rows.update(trace);
        return build(rows, tokens, tok, layers, heads, withRollout);
    }

    /** @param tokens the token ids of the query positions (at least as many as there are rows) */
    public static GridContent build(AttentionRows attention, int[] tokens, Tokenizer tok, int layers, int heads,
                                    boolean withRollout) {
        return build(attention, tokens, tok, layers, heads, withRollout, null);
    }

    /** As above; {@code visible} (the input's visible matrix, or null) goes with each head's and each mean's map. */
    public static GridContent build(AttentionRows attention, int[] tokens, Tokenizer tok, int layers, int heads,
                                    boolean withRollout, boolean[][] visible) {
        List<String> columns = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            columns.add("H" + h);
        }
        columns.add(I18n.text("grid.mean"));
        List<GridRow> rows = new ArrayList<>();
        List<float[][]> means = new ArrayList<>();
        List<String> labels = null;
        boolean tiled = false;
        int[] layerOfRow = new int[layers];
        for (int l = 0; l < layers; l++) {
            Optional<AttentionRows.Maps> p = attention.maps(l);
            if (p.isEmpty()) {
                continue;
            }
            AttentionRows.Maps maps = p.get();
            float[][][] pattern = maps.heads();
            int q = pattern[0].length;
            // a long run's store gives tiles of several positions: each row is labelled with its positions
            List<String> rowLabels = maps.cell() == 1 ? labels(tok, Arrays.copyOf(tokens, q)) : tileLabels(maps.cell(), q, tokens.length);
            tiled |= maps.cell() > 1;
            AttentionMatrix.Axes axes = maps.cell() == 1 ? AttentionMatrix.Axes.SELF : AttentionMatrix.Axes.TILES;
            if (labels == null) labels = rowLabels;
            List<AttentionMatrix> cells = new ArrayList<>();
            for (int h = 0; h < pattern.length; h++) {
                cells.add(new AttentionMatrix(I18n.text("heads.headTitle", l, h), pattern[h], rowLabels, keyLabels(rowLabels, pattern[h]),
                        axes).withVisible(visible));
            }
            float[][] mean = maps.mean();
            means.add(mean);
            cells.add(new AttentionMatrix(I18n.text("grid.meanTitle", l), mean, rowLabels, keyLabels(rowLabels, mean), axes)
                    .withVisible(visible));
            layerOfRow[rows.size()] = l;
            rows.add(new GridRow("L" + l, cells));
        }
        int layerRows = rows.size();
        // the rollout multiplies whole patterns: tiles' means would not give it
        if (labels != null && !tiled && withRollout && labels.size() <= ROLLOUT_LIMIT) {
            List<AttentionMatrix> cells = new ArrayList<>();
            cells.add(new AttentionMatrix(I18n.text("grid.rolloutTitle"), AttentionAggregates.rollout(means),
                    labels, labels));
            while (cells.size() < columns.size()) {
                cells.add(null);
            }
            rows.add(new GridRow(I18n.text("grid.rollout"), cells));
        }
        // tiles stand for positions: a head's exact pattern is recomputed from the store when opened
        ExactCells exact = tiled && attention.store().isPresent()
                ? new ExactCells(attention.store().get(), Arrays.copyOf(layerOfRow, layerRows), heads,
                        labels(tok, Arrays.copyOf(tokens, attention.storedLength())))
                : null;
        return new GridContent(columns, rows, labels == null ? List.of() : labels, exact);
    }

    /** Labels of {@code count} tiles of {@code cell} positions each, among {@code n} positions: each tile's range. */
    static List<String> tileLabels(int cell, int count, int n) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(I18n.text("grid.tile", Integer.toString(i * cell), Integer.toString(Math.min(n, (i + 1) * cell) - 1)));
        }
        return out;
    }

    private static List<String> keyLabels(List<String> labels, float[][] m) {
        int keys = 0;
        for (float[] row : m) {
            keys = Math.max(keys, row.length);
        }
        return keys == labels.size() ? labels : labels.subList(0, Math.min(keys, labels.size()));
    }
}
