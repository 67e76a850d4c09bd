package dev.glassbox.app.service;

import java.util.List;

import dev.glassbox.visuals.GridRow;

/**
 * What the attention grid shows for one trace: column headings and one row per layer (plus rollout); when the cells
 * are tiles of a long run, where their exact heads come from (null otherwise).
 */
public record GridContent(List<String> columns, List<GridRow> rows, List<String> tokenLabels, ExactCells exact) {
    public GridContent(List<String> columns, List<GridRow> rows, List<String> tokenLabels) {
        this(columns, rows, tokenLabels, null);
    }
}
