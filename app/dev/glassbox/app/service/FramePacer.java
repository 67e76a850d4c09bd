package dev.glassbox.app.service;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a run's next live frame may be built. On a compute-bound machine every frame's work (building it, showing it,
 * painting it) comes off the engine's cores, so frames are spaced by their own cost: at least {@link #minNanos()}
 * apart and at least {@link #COST_SHARE} times the last frame's measured work, and never a new one while the last
 * is still being built or shown. A cheap frame (a small model) still refreshes ~15 times a second (5 on a machine
 * of two cores or fewer, where the engine's pool already takes every core and a frame's painting and thumbnails,
 * not measured here, cost about twice what is); a frame of a 110M model at 500 tokens
 * gets fewer refreshes and the engine its speed. Only a run's frames are paced: with no run going the views
 * update at the display's rate. Thread-safe: the engine thread asks {@link #tryStart}, the view builder reports
 * {@link #built}, the FX thread {@link #shown}.
 */
public final class FramePacer {
    /** ~15 frames a second at most. */
    static final long MIN_NANOS = 66_000_000L;
    /** ~5 frames a second at most when the run's engine threads take every core ({@link #FEW_CORES} or fewer). */
    static final long MIN_NANOS_FEW_CORES = 200_000_000L;
    static final int FEW_CORES = 2;
    /**
     * Frames at least this many times their measured work apart. The measured work is the builder's CPU time and the
     * FX thread's handling; CSS, layout and painting after it are not measured and cost about as much again, so the
     * views take at most ~1/5 of one core's time.
     */
    static final int COST_SHARE = 10;

    private final long minNanos;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile long lastStart = Long.MIN_VALUE / 2;
    private volatile long buildNanos;
    private volatile long showNanos;

    /** Paced for this machine's cores. */
    public FramePacer() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** Paced for a machine of {@code cores} cores. */
    FramePacer(int cores) {
        this.minNanos = cores <= FEW_CORES ? MIN_NANOS_FEW_CORES : MIN_NANOS;
    }

    /** The least time between two frames however cheap they are. */
    long minNanos() {
        return minNanos;
    }

    /** Whether a frame may start being built at {@code now} (System.nanoTime); if so, it counts as in flight. */
    public boolean tryStart(long now) {
        if (now - lastStart < intervalNanos() || !inFlight.compareAndSet(false, true)) {
            return false;
        }
        lastStart = now;
        return true;
    }

    /** The frame started last took {@code cpuNanos} of the view builder's CPU time. */
    public void built(long cpuNanos) {
        buildNanos = Math.max(0, cpuNanos);
    }

    /** The frame started last was handled on the FX thread in {@code nanos}; the next one may start. */
    public void shown(long nanos) {
        showNanos = Math.max(0, nanos);
        inFlight.set(false);
    }

    /** The frame started last was dropped (a failed build): the next one may start. */
    public void dropped() {
        inFlight.set(false);
    }

    /** The least time between the starts of two frames, given the last frame's work. */
    public long intervalNanos() {
        return Math.max(minNanos, COST_SHARE * (buildNanos + showNanos));
    }
}
