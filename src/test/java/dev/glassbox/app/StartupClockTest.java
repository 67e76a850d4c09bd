package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class StartupClockTest {
    /** A /proc/self/stat line with starttime (field 22) = {@code startTicks} after the given command name. */
    private static String stat(String comm, long startTicks) {
        StringBuilder s = new StringBuilder("4242 (").append(comm).append(") S");
        for (int field = 4; field <= 21; field++) {
            s.append(' ').append(field * 11);
        }
        return s.append(' ').append(startTicks).append(" 9999 77 18446744073709551615\n").toString();
    }

    @Test
    void timeSinceStartIsUptimeMinusStartTicks() {
        // started 1234.56 s after boot (123456 ticks of 10 ms), now 1236.01 s after boot: 1.45 s ago
        assertEquals(OptionalLong.of(1_450_000_000L), StartupClock.nanosSinceStart(stat("java", 123_456), "1236.01 3838.37\n"));
    }

    @Test
    void commandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        assertEquals(OptionalLong.of(250_000_000L),
                StartupClock.nanosSinceStart(stat("a) b (c", 1_000), "10.25 1.00\n"));
    }

    @Test
    void malformedInputGivesNoFigure() {
        assertTrue(StartupClock.nanosSinceStart("4242 (java) S 1 2 3", "10.00 1.00").isEmpty(), "too few fields");
        assertTrue(StartupClock.nanosSinceStart(stat("java", 1_000), "soon").isEmpty(), "unparsable uptime");
        assertTrue(StartupClock.nanosSinceStart(stat("java", 5_000), "10.00 1.00").isEmpty(), "start after now");
        assertTrue(StartupClock.nanosSinceStart("no parenthesis at all", "10.00 1.00").isEmpty(), "no command name");
    }

    @Test
    void reportListsMilestonesInOrderWithTheirIncrements() {
        StartupClock clock = new StartupClock();
        clock.mark("first");
        clock.mark("second");
        clock.mark("first"); // a milestone keeps its first time
        String report = clock.report();
        assertTrue(report.matches("startup \\(ms since JVM start, [^)]+\\): first \\d+ \\(\\+\\d+\\), second \\d+ \\(\\+\\d+\\)"), report);
    }
}
