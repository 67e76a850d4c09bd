package dev.glassbox.app.service;

import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * "what: n of m, about s left" for a loop of m steps: the time left is the mean time of the last {@link #WINDOW}
 * steps times the steps left (no estimate before the first step); the recent steps, not all, so the first, slow
 * ones (code not compiled yet) do not inflate the estimate for the rest. One per loop, told the steps in order.
 */
public final class Countdown {
    private final String what;
    private final int total;
    /** Steps the estimate averages over. */
    static final int WINDOW = 8;
    /** When step i ended ([0]: the start). */
    private final long[] ended;

    public Countdown(String what, int total) {
        this.what = what;
        this.total = total;
        this.ended = new long[total + 1];
        ended[0] = System.nanoTime();
    }

    public int total() { return total; }

    /** The text after {@code done} of the steps (0: the loop starts now). */
    public String text(int done) {
        return text(what, done);
    }

    /** {@link #text(int)} naming {@code stage} (a loop whose stage changes as it goes: the Context lab's methods). */
    public String text(String stage, int done) {
        if (done <= 0) {
            ended[0] = System.nanoTime();
            return I18n.text("progress.count", stage, 0, total);
        }
        int d = Math.min(done, total);
        ended[d] = System.nanoTime();
        int from = Math.max(0, d - WINDOW);
        double secondsLeft = (ended[d] - ended[from]) / 1e9 / (d - from) * (total - d);
        return I18n.text("progress.countLeft", stage, done, total, String.format(Locale.ROOT, "%.0f", Math.ceil(secondsLeft)));
    }
}
