package dev.glassbox.app.service;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When a run's next live frame may be built. On a compute-bound machine every frame's work comes off the engine's
 * cores, so frames are spaced by their whole cost: the CPU time the views' threads (view builder, FX thread, JavaFX's
 * renderer, the grid's thumbnails; {@link RunThreads}) used since the last frame's start may be at most
 * {@link #VIEW_SHARE} of the machine's time since and at most {@link #ENGINE_RATIO} of what the engine's threads used
 * meanwhile. The first keeps the views to the same CPU a second whatever the token rate (as tokens get faster, frames
 * per token fall); the second keeps them to a fixed part of each token's cost when the machine is shared and tokens
 * come slowly. A frame starts at least {@link #minNanos()} after the last one (a cheap frame of a small model: ~15 a
 * second, 5 on a machine of two cores or fewer), at most {@link #MAX_NANOS} after it (views that cost more than the
 * engine allows still move), and never while the last is still being built or shown. Only a run's frames are
 * paced: with no run going the views update at the display's rate. Thread-safe: the engine thread asks
 * {@link #tryStart}, the FX thread reports {@link #shown}, the view builder {@link #dropped}.
 */
public final class FramePacer {
    /** ~15 frames a second at most. */
    static final long MIN_NANOS = 66_000_000L;
    /** ~5 frames a second at most when the run's engine threads take every core ({@link #FEW_CORES} or fewer). */
    static final long MIN_NANOS_FEW_CORES = 200_000_000L;
    static final int FEW_CORES = 2;
    /**
     * The views' most share of the machine's CPU time during a run: on 2 cores a quarter of one, the rest is the
     * engine's (its pool has a thread per core). Issue #23's budget on the 2-core Zen 4 (stories110M, F32): at 80 % of
     * bench's ~65 tokens/s with attention every token may cost ~38 ms of CPU, of which the engine takes ~33 and this
     * share ~5 (a quarter core at 52 tokens/s); the views took ~5-6 ms a token there (docs/PERFORMANCE.md, app11).
     */
    static final double VIEW_SHARE = 0.125;
    /** The views' most CPU time as a part of the engine's: ~5.5 ms a token when the engine takes ~33 (see above). */
    static final double ENGINE_RATIO = 1.0 / 6;
    /** A frame at least every 2 s while the engine runs, whatever the views cost. */
    static final long MAX_NANOS = 2_000_000_000L;

    private final long minNanos;
    private final int cores;
    private final Supplier<RunThreads.Cpu> cpuNanos;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile long lastStart = Long.MIN_VALUE / 2;
    private volatile long viewsAtLastStart;
    private volatile long engineAtLastStart;

    /** Paced for this machine's cores by the CPU time of the views' and the engine's threads. */
    public FramePacer() {
        this(Runtime.getRuntime().availableProcessors(), RunThreads::cpuNanos);
    }

    /**
     * Paced for a machine of {@code cores} cores whose views' and engine's threads have used {@code viewsCpuNanos}
     * and {@code engineCpuNanos} of CPU time so far.
     */
    FramePacer(int cores, LongSupplier viewsCpuNanos, LongSupplier engineCpuNanos) {
        this(cores, () -> new RunThreads.Cpu(viewsCpuNanos.getAsLong(), engineCpuNanos.getAsLong()));
    }

    private FramePacer(int cores, Supplier<RunThreads.Cpu> cpuNanos) {
        this.cores = Math.max(1, cores);
        this.minNanos = cores <= FEW_CORES ? MIN_NANOS_FEW_CORES : MIN_NANOS;
        this.cpuNanos = cpuNanos;
    }

    /** The least time between two frames however cheap they are. */
    long minNanos() {
        return minNanos;
    }

    /** Whether a frame may start being built at {@code now} (System.nanoTime); if so, it counts as in flight. */
    public boolean tryStart(long now) {
        long since = now - lastStart;
        if (since < minNanos || inFlight.get()) {
            return false;
        }
        RunThreads.Cpu cpu = cpuNanos.get(); // one pass over the threads for both sides
        long views = cpu.views();
        long engine = cpu.engine();
        long used = views - viewsAtLastStart;
        boolean due = since >= MAX_NANOS
                || used <= VIEW_SHARE * cores * since && used <= ENGINE_RATIO * (engine - engineAtLastStart);
        if (!due || !inFlight.compareAndSet(false, true)) {
            return false;
        }
        lastStart = now;
        viewsAtLastStart = views;
        engineAtLastStart = engine;
        return true;
    }

    /** The frame started last was handled on the FX thread; the next one may start. */
    public void shown() {
        inFlight.set(false);
    }

    /** The frame started last was dropped (a failed build): the next one may start. */
    public void dropped() {
        inFlight.set(false);
    }
}
