package dev.glassbox.app.service;

import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * "what: n of m, about s left" for a loop of m equal steps: the time left is the mean time of the steps done so
 * far times the steps left (no estimate before the first step). One per loop; any thread.
 */
public final class Countdown {
    private final String what;
    private final int total;
    private final long start = System.nanoTime();

    public Countdown(String what, int total) {
        this.what = what;
        this.total = total;
    }

    public int total() { return total; }

    /** The text after {@code done} of the steps. */
    public String text(int done) {
        if (done <= 0) {
            return I18n.text("progress.count", what, 0, total);
        }
        double secondsLeft = (System.nanoTime() - start) / 1e9 / done * (total - done);
        return I18n.text("progress.countLeft", what, done, total, String.format(Locale.ROOT, "%.0f", Math.ceil(secondsLeft)));
    }
}
