package dev.glassbox.app.hub;

import java.util.ArrayDeque;

/**
 * A download's speed for its time left: the bytes over the last {@link #WINDOW_NANOS} of samples (a moving window,
 * so one slow or fast moment moves the estimate little), unknown until {@link #KNOWN_NANOS} after the first byte.
 * The speed from the start of a pull counted the listing and the connection's set-up against the first bytes: the
 * first estimate was hours for a download of seconds.
 */
final class TransferRate {
    /** Bytes and time the speed is measured over. */
    static final long WINDOW_NANOS = 5_000_000_000L;
    /** How long after the first byte the speed is known. */
    static final long KNOWN_NANOS = 1_000_000_000L;

    /** {nanoTime, bytes so far}, oldest first; the first is the first byte's arrival until it leaves the window. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long firstByte = Long.MIN_VALUE;

    /** {@code bytes} have come in so far at {@code nanos} (System.nanoTime), counted from 0 before the first. */
    void sample(long nanos, long bytes) {
        if (bytes <= 0) return;
        if (samples.isEmpty()) {
            firstByte = nanos;
        }
        samples.addLast(new long[] {nanos, bytes});
        // the oldest goes once the one after it is a whole window old: the window spans at least WINDOW_NANOS
        while (samples.size() > 2) {
            java.util.Iterator<long[]> it = samples.iterator();
            it.next();
            if (nanos - it.next()[0] < WINDOW_NANOS) break;
            samples.removeFirst();
        }
    }

    /** Bytes a second over the window at {@code nanos}; 0 while unknown. */
    double bytesPerSecond(long nanos) {
        if (samples.size() < 2 || nanos - firstByte < KNOWN_NANOS) return 0;
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        return last[0] > first[0] ? (last[1] - first[1]) / ((last[0] - first[0]) / 1e9) : 0;
    }
}
