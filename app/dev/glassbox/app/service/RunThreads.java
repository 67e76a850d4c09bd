package dev.glassbox.app.service;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.visuals.AttentionGrid;

/**
 * The CPU time a run's two sides have used, found by their threads' names: the engine (its thread and its matrix
 * pool) and the views (the threads that build, show and paint live frames, JavaFX's renderer included, whose
 * painting happens after a frame is shown). What the views take from the engine's cores (issue #23).
 */
final class RunThreads {
    /** The thread that builds a run's live frames off the FX thread. */
    static final String BUILDER = "glassbox-view-builder";

    private RunThreads() {
    }

    /** Whether the thread called {@code name} works for the views: builder, thumbnails, FX thread, renderer. */
    static boolean isView(String name) {
        return name.equals(BUILDER) || name.equals(AttentionGrid.THUMBNAIL_THREAD)
                || name.equals("JavaFX Application Thread") || name.startsWith("QuantumRenderer") || name.startsWith("Prism");
    }

    /** Whether the thread called {@code name} runs the engine: the engine thread or a worker of its pool. */
    static boolean isEngine(String name) {
        return name.equals(EngineThread.NAME) || name.startsWith(Parallel.WORKER_NAME);
    }

    /** The CPU time, in ns, the views' and the engine's threads have used so far (0 where the JVM does not measure it). */
    record Cpu(long views, long engine) {
    }

    /** Both sides' CPU time, from one pass over the JVM's threads. */
    static Cpu cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long views = 0;
        long engine = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (isView(name)) {
                views += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            } else if (isEngine(name)) {
                engine += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return new Cpu(views, engine);
    }
}
