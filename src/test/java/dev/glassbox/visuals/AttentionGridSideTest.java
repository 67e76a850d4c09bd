package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The side of the grid's thumbnails for the room it is given. */
class AttentionGridSideTest {
    @Test
    void fillsTheRoomInStepsOf8BetweenTheLeastAndTheLargestSide() {
        // 5 columns, 5 rows in 800 x 700 with 40 pixels of labels and 20 of headers: (700-16-20-15)/5-6 = 123.8 -> 120
        assertEquals(120, AttentionGrid.fittedSide(800, 700, 40, 20, 5, 5));
        assertEquals(48, AttentionGrid.fittedSide(500, 300, 40, 20, 13, 3), "a wide grid keeps 48 pixels and scrolls");
        assertEquals(AttentionGrid.MAX_THUMB, AttentionGrid.fittedSide(4000, 4000, 40, 20, 2, 2));
        assertEquals(48, AttentionGrid.fittedSide(0, 0, 40, 20, 5, 5), "no room known yet");
        assertEquals(48, AttentionGrid.fittedSide(800, 700, 40, 20, 0, 0), "no rows");
    }
}
