package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.visuals.AttentionAggregates;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.GridRow;
import dev.glassbox.visuals.i18n.I18n;

/** The attention grid of a model in training: one row per layer, one map per head and the mean over heads. */
public final class ProbeGrid {
    private ProbeGrid() {
    }

    /** @param attention [layer][head][query][key] as {@link dev.glassbox.engine.train.AttentionProbe} reads it */
    public static GridContent build(float[][][][] attention, List<String> tokenLabels) {
        int heads = attention.length == 0 ? 0 : attention[0].length;
        List<String> columns = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            columns.add("H" + h);
        }
        columns.add(I18n.text("grid.mean"));
        List<GridRow> rows = new ArrayList<>();
        for (int l = 0; l < attention.length; l++) {
            List<AttentionMatrix> cells = new ArrayList<>();
            for (int h = 0; h < heads; h++) {
                cells.add(new AttentionMatrix(I18n.text("heads.headTitle", l, h), attention[l][h], tokenLabels, tokenLabels));
            }
            cells.add(new AttentionMatrix(I18n.text("grid.meanTitle", l),
                    AttentionAggregates.meanOverHeads(attention[l]), tokenLabels, tokenLabels));
            rows.add(new GridRow("L" + l, cells));
        }
        return new GridContent(columns, rows, tokenLabels);
    }
}
