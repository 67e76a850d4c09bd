package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import javafx.concurrent.Task;

import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.app.hub.HubPull;
import dev.glassbox.app.hub.RepoRef;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Hub downloads for the window, each on its own daemon thread (network waits must not hold up the engine thread's
 * loads and runs): a task's progress is bytes of the total, its message the file, speed and time left, and
 * cancelling it stops the transfer at the next chunk (the partial file is kept to resume).
 */
public final class HubService {
    private final Supplier<HubEnvironment> environment;

    public HubService(Supplier<HubEnvironment> environment) {
        this.environment = environment;
    }

    /** Where the files go (shown in the dialog). */
    public Path cacheFolder() {
        return environment.get().cache();
    }

    /** The GGUF files {@code repo} offers. */
    public Task<List<String>> ggufFiles(RepoRef repo) {
        return start(new Task<>() {
            @Override
            protected List<String> call() throws Exception {
                updateMessage(I18n.text("hub.listing", repo.id()));
                return new HubPull(environment.get()).ggufFiles(repo);
            }
        });
    }

    /** Downloads {@code repo} ({@code file} choosing a GGUF, may be null); the value is the path to open. */
    public Task<Path> pull(RepoRef repo, String file) {
        return start(new Task<>() {
            @Override
            protected Path call() throws Exception {
                updateMessage(I18n.text("hub.listing", repo.id()));
                updateProgress(-1, 1);
                return new HubPull(environment.get()).pull(repo, file, t -> {
                    updateProgress(t.done(), Math.max(1, t.total()));
                    if (t.file() != null) updateMessage(t.text(I18n.locale()));
                }, this::isCancelled);
            }
        });
    }

    private static <T> Task<T> start(Task<T> task) {
        Thread t = new Thread(task, "glassbox-hub");
        t.setDaemon(true);
        t.start();
        return task;
    }
}
