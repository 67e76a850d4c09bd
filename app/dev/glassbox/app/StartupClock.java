package dev.glassbox.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * Milestones of one app start, in milliseconds since the JVM process started ({@code --measure-startup}
 * prints them and exits once the default model is loaded and the window has drawn a frame with it).
 * On Linux the process start comes from {@code /proc} to 10 ms; elsewhere from {@link ProcessHandle}, which some
 * platforms round down to whole seconds (the report names the source).
 */
final class StartupClock {
    /** USER_HZ, the unit of /proc/[pid]/stat's starttime: 100 on every Linux architecture the JDK runs on. */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    private final long startNanos;
    private final String source;
    private final Map<String, Long> marks = new LinkedHashMap<>();

    StartupClock() {
        long now = System.nanoTime();
        OptionalLong sinceStart = procNanosSinceStart();
        if (sinceStart.isPresent()) {
            startNanos = now - sinceStart.getAsLong();
            source = "/proc, 10 ms";
        } else {
            Instant start = ProcessHandle.current().info().startInstant().orElse(Instant.now());
            startNanos = now - Duration.between(start, Instant.now()).toNanos();
            source = "ProcessHandle";
        }
    }

    synchronized void mark(String milestone) {
        marks.putIfAbsent(milestone, (System.nanoTime() - startNanos) / 1_000_000);
    }

    synchronized String report() {
        StringJoiner j = new StringJoiner(", ", "startup (ms since JVM start, " + source + "): ", "");
        long previous = 0;
        for (var e : marks.entrySet()) {
            j.add(String.format(Locale.ROOT, "%s %d (+%d)", e.getKey(), e.getValue(), e.getValue() - previous));
            previous = e.getValue();
        }
        return j.toString();
    }

    private static OptionalLong procNanosSinceStart() {
        try {
            return nanosSinceStart(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Time since the process started, from the text of {@code /proc/self/stat} (field 22, starttime in clock
     * ticks after boot) and {@code /proc/uptime} (seconds since boot, to 10 ms); empty when either is malformed.
     */
    static OptionalLong nanosSinceStart(String stat, String uptime) {
        int commEnd = stat.lastIndexOf(')'); // the command name (field 2) may itself hold spaces and parentheses
        String[] fields = stat.substring(commEnd + 1).strip().split(" ");
        String[] up = uptime.strip().split(" ");
        if (commEnd < 0 || fields.length < 20 || up.length < 1) {
            return OptionalLong.empty();
        }
        try {
            long startTicks = Long.parseLong(fields[19]); // fields[0] is field 3 (state)
            long uptimeCentis = Math.round(Double.parseDouble(up[0]) * 100);
            long nanos = (uptimeCentis * CLOCK_TICKS_PER_SECOND / 100 - startTicks) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
            return nanos >= 0 ? OptionalLong.of(nanos) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
