package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** A live thumbnail taking in a causal map row by row, against the exact thumbnail of the whole map. */
class GrowingThumbnailTest {
    private static final int SIZE = 48;

    /** The first {@code n} rows of a random causal map whose rows are the arrays of {@code rows}. */
    private static AttentionMatrix firstRows(List<float[]> rows, int n) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add("t" + i);
        }
        return new AttentionMatrix("m", rows.subList(0, n).toArray(float[][]::new), labels, labels);
    }

    private static List<float[]> causal(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            float[] row = new float[q + 1];
            for (int k = 0; k <= q; k++) {
                row[k] = (float) rnd.nextDouble() / (q + 1);
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void upToTwiceTheSizeItIsTheExactThumbnailAfterEveryFrame() {
        List<float[]> rows = causal(2 * SIZE, 1);
        GrowingThumbnail g = new GrowingThumbnail(SIZE);
        for (int n = 1; n <= rows.size(); n += 7) {
            AttentionMatrix m = firstRows(rows, n);
            boolean extending = g.extendedBy(m);
            g.update(m);
            assertEquals(n > 1, extending, "frame of " + n + " rows extends the previous one");
            assertArrayEquals(Thumbnails.render(m, SIZE, Palette.VIRIDIS), g.render(Palette.VIRIDIS, null), n + " rows");
        }
    }

    @Test
    void aSpikeInALongRunShowsInThePixelOverItWithTheTopColour() {
        int n = 600;
        List<float[]> rows = causal(n, 2);
        rows.get(517)[301] = 1f;
        GrowingThumbnail g = new GrowingThumbnail(SIZE);
        for (int k = 1; k <= n; k += 37) {
            g.update(firstRows(rows, k));
        }
        g.update(firstRows(rows, n));
        int[] px = g.render(Palette.VIRIDIS, null);
        int top = Palette.VIRIDIS.argb(1);
        int y = 517 * SIZE / n;
        int x = 301 * SIZE / n;
        boolean near = false;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                near |= px[(y + dy) * SIZE + x + dx] == top;
            }
        }
        assertTrue(near, "the spike's colour within a pixel of where it is");
        int[] exact = Thumbnails.render(firstRows(rows, n), SIZE, Palette.VIRIDIS);
        assertEquals(Arrays.stream(exact).filter(p -> p == top).count(), Arrays.stream(px).filter(p -> p == top).count(),
                "as many top-coloured pixels as the exact thumbnail");
    }

    @Test
    void anotherMapStartsOver() {
        GrowingThumbnail g = new GrowingThumbnail(SIZE);
        g.update(firstRows(causal(80, 3), 80));
        AttentionMatrix other = firstRows(causal(30, 4), 30);
        assertFalse(g.extendedBy(other), "new row arrays: not the map taken in");
        g.update(other);
        assertArrayEquals(Thumbnails.render(other, SIZE, Palette.VIRIDIS), g.render(Palette.VIRIDIS, null));
    }

    /** Blocks coarsened in place as the rows arrive are the blocks of the rows taken in at the coarse size at once. */
    @Test
    void coarseningWhatWasTakenInEqualsTakingTheRowsInCoarse() {
        List<float[]> rows = causal(700, 5); // 2 * SIZE = 96 blocks a side: coarsened three times, to 8 tokens a block
        GrowingThumbnail live = new GrowingThumbnail(SIZE);
        for (int n = 1; n <= rows.size(); n += 13) {
            live.update(firstRows(rows, n));
        }
        live.update(firstRows(rows, rows.size()));
        GrowingThumbnail once = new GrowingThumbnail(SIZE);
        once.update(firstRows(rows, rows.size()));
        assertArrayEquals(once.render(Palette.VIRIDIS, null), live.render(Palette.VIRIDIS, null));
        assertArrayEquals(once.render(Palette.VIRIDIS, null), live.render(Palette.VIRIDIS, null), "rendered twice: the same pixels");
    }

    /**
     * Pixels rendered into a buffer of an earlier frame (any values in it) equal a new render, and a smaller map after
     * a larger one is scaled to its own maximum (the pooled buffer kept between frames holds the larger one's values).
     */
    @Test
    void aReusedBufferAndASmallerMapAfterALargerOneGiveTheExactPixels() {
        GrowingThumbnail g = new GrowingThumbnail(SIZE);
        List<float[]> large = causal(90, 6);
        large.get(80)[3] = 1f; // a maximum the smaller map does not have
        g.update(firstRows(large, 90));
        int[] reused = g.render(Palette.VIRIDIS, null);
        AttentionMatrix small = firstRows(causal(20, 7), 20);
        g.update(small);
        int[] px = g.render(Palette.VIRIDIS, reused);
        assertSame(reused, px, "rendered into the buffer handed in");
        assertArrayEquals(Thumbnails.render(small, SIZE, Palette.VIRIDIS), px);
        int[] dirty = new int[SIZE * SIZE];
        Arrays.fill(dirty, 0x12345678);
        assertArrayEquals(Thumbnails.render(small, SIZE, Palette.VIRIDIS), g.render(Palette.VIRIDIS, dirty));
        assertEquals(SIZE * SIZE, g.render(Palette.VIRIDIS, new int[3]).length, "a buffer of another size is not used");
    }
}
