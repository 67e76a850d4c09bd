package dev.glassbox.visuals.chart;

import java.util.Locale;

/**
 * Axis ticks at round numbers (1, 2 or 5 times a power of ten; Heckbert 1990, "Nice numbers for graph labels"),
 * whole numbers only on an axis that counts (steps, positions), and the one number format of charts and legends.
 */
public final class Ticks {
    private Ticks() {
    }

    /** The tick spacing for about {@code count} ticks over [lo, hi]; at least 1 when {@code integer}. */
    public static double step(double lo, double hi, int count, boolean integer) {
        double range = hi - lo;
        if (!(range > 0) || !Double.isFinite(range)) return 1;
        double raw = range / Math.max(1, count);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        double step = nice * mag;
        return integer ? Math.max(1, Math.rint(step)) : step;
    }

    /** Ticks inside [lo, hi] at multiples of {@link #step}. */
    public static double[] of(double lo, double hi, int count, boolean integer) {
        double s = step(lo, hi, count, integer);
        double first = Math.ceil(lo / s - 1e-9) * s;
        int n = Math.max(0, (int) Math.floor((hi - first) / s + 1e-9) + 1);
        n = Math.min(n, 50);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = first + i * s;
        return t;
    }

    /** A tick label with as many decimals as the spacing {@code step} needs (0.0006, 0.0008, 0.001). */
    public static String format(double v, double step) {
        if (Math.abs(v) < step * 1e-6) return "0";
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (decimals > 6) return format(v);
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return decimals == 0 ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A number for a tick or legend: whole numbers plain, others to three significant digits. */
    public static String format(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) < 1e-12) return "0";
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) < 1e-3) return String.format(Locale.ROOT, "%.1e", v);
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
