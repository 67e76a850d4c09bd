package dev.glassbox.app;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Milestones of one app start, in milliseconds since the JVM process started ({@code --measure-startup}
 * prints them and exits once the default model is loaded and the window has drawn a frame with it).
 */
final class StartupClock {
    private final Instant processStart = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private final Map<String, Long> marks = new LinkedHashMap<>();

    synchronized void mark(String milestone) {
        marks.putIfAbsent(milestone, Duration.between(processStart, Instant.now()).toMillis());
    }

    synchronized String report() {
        StringJoiner j = new StringJoiner(", ", "startup (ms since JVM start): ", "");
        marks.forEach((k, v) -> j.add(String.format(Locale.ROOT, "%s %d", k, v)));
        return j.toString();
    }
}
