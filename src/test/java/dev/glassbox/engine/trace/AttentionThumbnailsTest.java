package dev.glassbox.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Thumbnails summed as rows arrive, against tile means of the whole pattern, and their memory past 256 positions. */
class AttentionThumbnailsTest {
    private static final int HEADS = 3;

    /** Random causal rows: pattern[pos][h * (pos + 1) + k]. */
    private static float[][] rows(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] out = new float[n][];
        for (int q = 0; q < n; q++) {
            out[q] = new float[HEADS * (q + 1)];
            for (int i = 0; i < out[q].length; i++) out[q][i] = (float) rnd.nextDouble() / (q + 1);
        }
        return out;
    }

    @Test
    void tilesPastTheMostTilesASideAreTheMeansOfTheirPositions() {
        int n = 1100; // 256 tiles a side at 16 positions, then merged in place at 512 and 1,024: 8 positions a tile
        float[][] p = rows(n, 7);
        AttentionThumbnails t = new AttentionThumbnails(new boolean[] {false, true}, HEADS);
        for (int q = 0; q < n; q++) t.add(1, q, p[q], q + 1);
        assertEquals(8, t.cell());
        assertEquals(138, t.tiles(n));
        for (int h = 0; h < HEADS; h++) {
            float[][] tiles = t.head(1, h, n).tiles();
            for (int i = 0; i < tiles.length; i++) {
                assertEquals(i + 1, tiles[i].length, "row " + i + " holds tiles 0.." + i);
                for (int j = 0; j <= i; j++) {
                    double sum = 0;
                    int qs = Math.min(n, 8 * i + 8) - 8 * i;
                    int ks = Math.min(n, 8 * j + 8) - 8 * j;
                    for (int q = 8 * i; q < 8 * i + qs; q++) {
                        for (int k = 8 * j; k < 8 * j + ks && k <= q; k++) sum += p[q][h * (q + 1) + k];
                    }
                    double mean = sum / (qs * ks);
                    assertEquals(mean, tiles[i][j], 1e-6 + 1e-4 * Math.abs(mean), "H" + h + " tile " + i + "," + j);
                }
            }
        }
    }

    /** Past 256 positions the tiles double in the arrays the run already has: no heads x 256² floats made anew. */
    @Test
    void wideningTilesPastTheMostTilesASideMakesNoNewArrays() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int heads = 16;
        float[] row = new float[heads * 1024];
        AttentionThumbnails t = new AttentionThumbnails(new boolean[] {true, true}, heads);
        for (int q = 0; q < 256; q++) {
            t.add(0, q, row, q + 1);
            t.add(1, q, row, q + 1);
        }
        long sums = t.bytes(); // 2 layers x 16 heads x 256² floats: 8 MiB
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int q = 256; q < 1024; q++) { // the tiles double at 256 and 512
            t.add(0, q, row, q + 1);
            t.add(1, q, row, q + 1);
        }
        long made = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(4, t.cell());
        assertEquals(sums, t.bytes());
        assertTrue(made < sums / 8, made + " bytes allocated while the tiles doubled twice (the sums are " + sums + ")");
    }
}
