package dev.glassbox.app.service;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.concurrent.Task;

import dev.glassbox.visuals.i18n.I18n;

/**
 * The one background thread engine work runs on (loads and runs queue behind each other, never on the FX thread).
 * It knows what it is running, so a task queued behind other work can say what it waits for.
 */
final class EngineThread {
    /** The thread's name. */
    static final String NAME = "glassbox-engine";
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, NAME);
        t.setDaemon(true);
        return t;
    });

    /** The task on the engine thread now and what it is called. */
    private record Current(String label, Task<?> task) {
    }

    private static volatile Current current;

    private EngineThread() {
    }

    /** Queues {@code task} behind the engine's other work; {@code label} names it to the tasks queued behind it. */
    static void submit(String label, Task<?> task) {
        EXECUTOR.submit(() -> {
            current = new Current(label, task);
            try {
                task.run();
            } finally {
                current = null;
            }
        });
    }

    /**
     * What a task queued now waits for, as the status shows it ("Waiting for … to stop" behind cancelled work), or
     * null when the engine thread is idle.
     */
    static String waitingText() {
        Current c = current;
        if (c == null) {
            return null;
        }
        return I18n.text(c.task().isCancelled() ? "engine.waitingStop" : "engine.waiting", c.label());
    }
}
