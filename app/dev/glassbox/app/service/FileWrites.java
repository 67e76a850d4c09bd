package dev.glassbox.app.service;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import javafx.application.Platform;

/**
 * The files the UI writes (exports, session files), written on one background thread so the FX thread never waits
 * on the disk: in the order asked, each atomically by its writer ({@code AtomicFile}), the outcome handed back on the
 * FX thread. What a write needs from the UI (a snapshot, the shown matrix, the session's state) is taken on the FX
 * thread before submitting. Session files are read here too, so a session saved and then opened again reads what
 * was written.
 */
public final class FileWrites {
    /** Writes and returns what was written (for the message shown). */
    @FunctionalInterface
    public interface Write<T> {
        T run() throws IOException;
    }

    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "glassbox-files");
        t.setDaemon(true);
        return t;
    });

    private FileWrites() {
    }

    /**
     * Runs {@code write} off the FX thread; then {@code done} or {@code failed} on the FX thread. The future completes
     * after that callback was queued (tests wait on it).
     */
    public static <T> CompletableFuture<T> submit(Write<T> write, Consumer<? super T> done, Consumer<? super Exception> failed) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(write).whenComplete((value, error) -> {
            if (error == null) {
                Platform.runLater(() -> done.accept(value));
                result.complete(value);
            } else {
                Exception e = (Exception) error; // run completes with the write's own exception
                Platform.runLater(() -> failed.accept(e));
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Runs a long write (an export of thousands of rows) as a task on the file thread, in order with the other
     * writes: it reports through its {@code Progress} and, once cancelled, its work throws
     * {@link java.util.concurrent.CancellationException} at its next check (its {@code AtomicFile} then deletes the
     * temporary and leaves the target as it was).
     */
    public static <T> javafx.concurrent.Task<T> start(String label, AnalysisService.Work<T> work) {
        javafx.concurrent.Task<T> task = AnalysisService.task(label, label + "\u2026", work);
        EXECUTOR.execute(task);
        return task;
    }

    /** Runs {@code work} on the file thread, in order with the writes; the future completes there (no FX callback). */
    static <T> CompletableFuture<T> run(Write<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        EXECUTOR.execute(() -> {
            try {
                result.complete(work.run());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
