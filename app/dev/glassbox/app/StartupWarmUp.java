package dev.glassbox.app;

import java.util.concurrent.CompletableFuture;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelService;

/**
 * Work started at launch on a second core while the JavaFX toolkit starts: the models folders are scanned and the
 * default model begins loading, so the window that appears next finds both ready (or nearly) instead of doing
 * them on the FX thread.
 */
final class StartupWarmUp {
    private static volatile CompletableFuture<ModelCatalog> catalog;

    private StartupWarmUp() {
    }

    /**
     * Scans the models folders off the launcher thread (it reads their files) and preloads the default model;
     * marks "catalog" and "model-read" on {@code clock} when it is not null.
     */
    static void start(StartupClock clock) {
        CompletableFuture<ModelCatalog> found = new CompletableFuture<>();
        catalog = found;
        Thread t = new Thread(() -> {
            ModelCatalog c;
            try {
                c = ModelCatalog.discover();
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
                return;
            }
            found.complete(c);
            mark(clock, "catalog");
            c.defaultModel().ifPresent(e -> {
                var model = ModelService.preload(e.source());
                if (clock != null) {
                    try {
                        model.get();
                        clock.mark("model-read");
                    } catch (Exception failed) {
                        clock.mark("model-failed");
                    }
                }
            });
        }, "glassbox-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The catalog {@link #start} scanned (waiting for it if needed), or a fresh scan when it was not started or failed. */
    static ModelCatalog catalog() {
        CompletableFuture<ModelCatalog> found = catalog;
        return found == null ? ModelCatalog.discover() : found.exceptionally(e -> ModelCatalog.discover()).join();
    }

    private static void mark(StartupClock clock, String milestone) {
        if (clock != null) {
            clock.mark(milestone);
        }
    }
}
