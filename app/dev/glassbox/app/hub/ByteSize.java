package dev.glassbox.app.hub;

import java.util.Locale;

/** A byte count as people read it (decimal units, as the Hub's pages show sizes): 512 B, 3.4 MB, 1.2 GB. */
public final class ByteSize {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    private ByteSize() {
    }

    public static String format(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double v = bytes;
        int u = 0;
        while (v >= 999.95 && u < UNITS.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
