package dev.glassbox.app.service;

import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The exact heads behind a grid of tiles (a run past {@code AttentionThumbnails.MAX_SIDE} positions, whose cells show
 * tile means): a head cell's pattern recomputed from the run's {@link AttentionStore}, one head at a time. At thousands
 * of positions that takes up to a second and n²/2 floats, so callers build it off the FX thread.
 *
 * @param layerOfRow the layer each grid row shows (the rows of layers not captured are left out of the grid)
 * @param heads the head columns (the column after them is the mean over heads, which stays tiled)
 * @param labels one display label per position
 */
public record ExactCells(AttentionStore store, int[] layerOfRow, int heads, List<String> labels) {
    public ExactCells {
        layerOfRow = layerOfRow.clone();
        labels = List.copyOf(labels);
    }

    /** Cell (row, col)'s exact pattern over every position, or empty for the mean column and rows after the layers. */
    public Optional<AttentionMatrix> head(int row, int col) {
        if (row < 0 || row >= layerOfRow.length || col < 0 || col >= heads) {
            return Optional.empty();
        }
        int l = layerOfRow[row];
        float[][] weights = store.head(l, col, labels.size());
        return Optional.of(new AttentionMatrix(I18n.text("heads.headTitle", l, col), weights, labels, labels));
    }
}
