package dev.glassbox.visuals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.testing.TestStage;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The head view's rows title ("query positions ↓" over a long run's tiles) keeps clear of the first row's label and
 * is never squeezed: at 1280 x 720 it touched "0–1" and was drawn ~105 px wide into the margin's 78.
 */
@ExtendWith(ApplicationExtension.class)
class HeatmapAxisTitleTest {
    private static final int N = 150; // a 300-token run's tiles of two positions
    private AttentionHeatmap heatmap;

    @Start
    void start(Stage stage) {
        heatmap = new AttentionHeatmap();
        TestStage.show(stage, new Scene(heatmap, 560, 300)); // the head view's size at 1280 x 720
    }

    @AfterEach
    void english() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> I18n.setLocale(I18n.ENGLISH)).get();
    }

    private static AttentionMatrix tiles() {
        float[][] w = new float[N][];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            w[i] = new float[i + 1];
            w[i][0] = 1f;
            labels.add((2 * i) + "\u2013" + (2 * i + 1));
        }
        return new AttentionMatrix("tiles", w, labels, labels, AttentionMatrix.Axes.TILES);
    }

    @Test
    void theRowsTitleAndTheFirstRowsLabelHaveBlankPixelsBetweenThemInEnglishAndChinese(FxRobot robot) throws Exception {
        for (Locale locale : new Locale[] {I18n.ENGLISH, Locale.SIMPLIFIED_CHINESE}) {
            robot.interact(() -> {
                I18n.setLocale(locale);
                heatmap.setMatrix(tiles());
            });
            WaitForAsyncUtils.waitForFxEvents();
            int top = (int) AttentionHeatmap.TOP;
            int[] found = new int[2];
            robot.interact(() -> {
                PixelReader px = heatmap.canvas().snapshot(null, null).getPixelReader();
                int background = px.getArgb(1, 1);
                // the title starts at x = 4; the first row's label (centred on or below the map's top, 9 px text)
                // ends at LEFT - 4, right-aligned ("0–1": ~18 px); the rotated column labels start at LEFT
                found[0] = lowestInk(px, background, 4, 30, 0, top + 12);
                found[1] = highestInk(px, background, (int) AttentionHeatmap.LEFT - 20, (int) AttentionHeatmap.LEFT - 6,
                        top - 8, top + 12);
            });
            int titleBottom = found[0];
            int labelTop = found[1];
            assertTrue(titleBottom > 0 && labelTop > 0, locale + ": title ends at " + titleBottom + ", label starts at " + labelTop);
            int gap = labelTop - titleBottom - 1;
            assertTrue(gap >= 2, locale + ": the rows title (to y " + titleBottom + ") touches the first row's label (from y "
                    + labelTop + "): " + gap + " blank px between");
        }
    }

    /** The lowest row in [y0, y1) with a pixel other than the background in columns [x0, x1), or -1. */
    private static int lowestInk(PixelReader px, int background, int x0, int x1, int y0, int y1) {
        for (int y = y1 - 1; y >= y0; y--) {
            for (int x = x0; x < x1; x++) {
                if (px.getArgb(x, y) != background) return y;
            }
        }
        return -1;
    }

    /** The highest such row, or -1. */
    private static int highestInk(PixelReader px, int background, int x0, int x1, int y0, int y1) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (px.getArgb(x, y) != background) return y;
            }
        }
        return -1;
    }

    @Test
    void aTitleTooWideForTheMarginGoesOnTwoLinesRatherThanSqueezed(FxRobot robot) throws Exception {
        robot.interact(() -> {
            var font = Theme.font(12);
            double room = AttentionHeatmap.LEFT - 8;
            String en = "query positions \u2193";
            assertTrue(CanvasView.textWidth(en, font) > room, "the English title is wider than the margin");
            String[] lines = AttentionHeatmap.rowTitleLines(en, font, room);
            assertEquals(2, lines.length, String.join(" / ", lines));
            assertEquals("query", lines[0]);
            assertEquals("positions \u2193", lines[1]);
            for (String l : lines) {
                assertTrue(CanvasView.textWidth(l, font) <= room, l + " fits");
            }
            assertEquals(1, AttentionHeatmap.rowTitleLines("\u67e5\u8be2\u4f4d\u7f6e \u2193", font, room).length,
                    "the Chinese title fits on one line");
            assertEquals(1, AttentionHeatmap.rowTitleLines("queries \u2193", font, room).length);
        });
    }
}
