package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The heat map's tick labels: a token's is cut to fit the margin (after its index when only some rows are labelled);
 * a tile's range of positions is kept whole with no index before it (past 256 positions the labels read "0 positio…").
 */
class HeatmapTickLabelTest {
    @Test
    void aTilesRangeIsKeptWholeWithNoIndex() {
        assertEquals("256\u2013511", AttentionHeatmap.tickLabel(AttentionMatrix.Axes.TILES, 1, "256\u2013511", 4));
        assertEquals("32766\u201332767", AttentionHeatmap.tickLabel(AttentionMatrix.Axes.TILES, 16383, "32766\u201332767", 1));
    }

    @Test
    void aTokensLabelFollowsItsIndexAndIsCut() {
        assertEquals("the", AttentionHeatmap.tickLabel(AttentionMatrix.Axes.SELF, 5, "the", 1));
        assertEquals("5 the", AttentionHeatmap.tickLabel(AttentionMatrix.Axes.SELF, 5, "the", 2));
        assertEquals("12 elepha\u2026", AttentionHeatmap.tickLabel(AttentionMatrix.Axes.SELF, 12, "elephant", 3));
        assertEquals(AttentionHeatmap.LABEL_CHARS, AttentionHeatmap.tickLabel(AttentionMatrix.Axes.CROSS, 0, "a-very-long-label", 1).length());
    }
}
