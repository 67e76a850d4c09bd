package dev.glassbox.app.service;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

import dev.glassbox.visuals.AttentionGrid;

/**
 * The threads that build, show and paint a run's live views, and the CPU time they have used: what the views take
 * from the engine's cores (issue #23), JavaFX's renderer included, whose painting happens after a frame is shown.
 */
final class ViewThreads {
    /** The thread that builds a run's live frames off the FX thread. */
    static final String BUILDER = "glassbox-view-builder";

    private ViewThreads() {
    }

    /** Whether the thread called {@code name} works for the views: builder, thumbnails, FX thread, renderer. */
    static boolean isView(String name) {
        return name.equals(BUILDER) || name.equals(AttentionGrid.THUMBNAIL_THREAD)
                || name.equals("JavaFX Application Thread") || name.startsWith("QuantumRenderer") || name.startsWith("Prism");
    }

    /** The CPU time the views' threads have used so far, in ns (0 where the JVM does not measure threads' CPU time). */
    static long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && isView(info.getThreadName())) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }
}
