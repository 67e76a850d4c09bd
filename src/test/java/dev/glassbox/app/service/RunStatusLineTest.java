package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.glassbox.visuals.i18n.I18n;

/** A generating run's status line: the text it always had, formatted about ten times a second, always at the end. */
class RunStatusLineTest {
    private static final long MS = 1_000_000L;

    @Test
    void textIsTheOnePerTokenFormattingGave() {
        for (int total : new int[] {40, 532, 4_096}) {
            RunTask.StatusLine line = new RunTask.StatusLine(total);
            for (int n : new int[] {1, 7, 531, 999, 1_000, 4_096}) {
                String position = new MessageFormat(I18n.text("run.position"), Locale.ROOT).format(new Object[] {n, total});
                assertEquals(position, line.text(n, Double.NaN), n + " of " + total);
                double speed = 19.25 + n;
                String left = n >= total ? "" : I18n.text("status.left",
                        String.format(Locale.ROOT, "%.0f", Math.ceil((total - n) / speed)));
                assertEquals(position + I18n.text("status.speed", String.format(Locale.ROOT, "%.1f", speed)) + left,
                        line.text(n, speed));
            }
        }
    }

    @Test
    void theTimeLeftIsThePositionsLeftAtTheSpeedSoFar() {
        RunTask.StatusLine line = new RunTask.StatusLine(500);
        assertEquals("position 100 / 500 \u00b7 4.0 tok/s \u00b7 about 100 s left", line.text(100, 4.0));
        assertEquals("position 499 / 500 \u00b7 3.0 tok/s \u00b7 about 1 s left", line.text(499, 3.0), "rounded up");
        assertEquals("position 500 / 500 \u00b7 3.0 tok/s", line.text(500, 3.0), "nothing left at the end");
    }

    @Test
    void formattedAtMostEveryIntervalAndAlwaysAtTheLastPosition() {
        RunTask.StatusLine line = new RunTask.StatusLine(100);
        long t0 = 5_000 * MS;
        assertTrue(line.due(t0, false), "the first position is shown at once");
        assertFalse(line.due(t0 + 30 * MS, false));
        assertFalse(line.due(t0 + RunTask.StatusLine.INTERVAL_NANOS - 1, false));
        assertTrue(line.due(t0 + RunTask.StatusLine.INTERVAL_NANOS, false));
        assertTrue(line.due(t0 + RunTask.StatusLine.INTERVAL_NANOS + MS, true), "the last position, however soon");
    }
}
