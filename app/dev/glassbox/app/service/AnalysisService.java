package dev.glassbox.app.service;

import java.util.function.BooleanSupplier;

import javafx.concurrent.Task;

/**
 * Runs one workspace computation on the engine thread (behind loads and runs) with progress and cancel:
 * the work reports through {@link Progress}, and a cancelled task's work sees {@code cancelled()} turn true (engine
 * loops check it per token, head or step and throw {@link java.util.concurrent.CancellationException}). A task
 * queued behind other work says what it waits for until it starts.
 */
public final class AnalysisService {

    /** What a running computation can tell the UI and ask it. */
    public interface Progress extends BooleanSupplier {
        void update(String message, double done, double total);

        boolean cancelled();

        @Override
        default boolean getAsBoolean() { return cancelled(); }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Progress progress) throws Exception;
    }

    public <T> Task<T> start(String label, Work<T> work) {
        String waiting = EngineThread.waitingText();
        Task<T> task = task(label, waiting == null ? label + "\u2026" : waiting, work);
        EngineThread.submit(label, task);
        return task;
    }

    /** A task running {@code work} with progress and cancel, showing {@code queued} until it starts. */
    static <T> Task<T> task(String label, String queued, Work<T> work) {
        return new Task<>() {
            {
                updateMessage(queued);
            }

            @Override
            protected T call() throws Exception {
                updateMessage(label + "\u2026");
                updateProgress(-1, 1);
                Task<T> self = this;
                return work.run(new Progress() {
                    @Override
                    public void update(String message, double done, double total) {
                        updateMessage(message);
                        updateProgress(done, total);
                    }

                    @Override
                    public boolean cancelled() { return self.isCancelled(); }
                });
            }
        };
    }
}
