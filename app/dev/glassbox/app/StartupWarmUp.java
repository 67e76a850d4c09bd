package dev.glassbox.app;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelService;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.engine.model.LoadedModel;

/**
 * Work started at launch on a second core while the JavaFX toolkit starts: the models folders are scanned, the
 * default model begins loading and the recent-models preferences are read (the JDK's XML parser loads for that), so
 * the window that appears next finds them ready (or nearly) instead of doing them on the FX thread.
 */
final class StartupWarmUp {
    private static volatile CompletableFuture<ModelCatalog> catalog;

    private StartupWarmUp() {
    }

    /**
     * Scans the models folders off the launcher thread (it reads their files), preloads the default model (once the
     * Vector API module is loaded, when {@code vectorModule}) and reads the recent models; marks "catalog" and
     * "model-read" on {@code clock} when it is not null.
     */
    static void start(StartupClock clock, boolean vectorModule) {
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
            // the engine's classes need the Vector API module: loading them earlier would break them for good
            Optional<Future<LoadedModel>> model = vectorModule && VectorModule.await().isPresent() ? Optional.empty()
                    : c.defaultModel().map(e -> ModelService.preload(e.source()));
            try {
                RecentModels.user().list(); // the JDK keeps the preferences it read: the window's read is then a lookup
            } catch (RuntimeException e) {
                // the window reads them again and meets the same problem there
            }
            if (clock != null && model.isPresent()) {
                try {
                    model.get().get();
                    clock.mark("model-read");
                } catch (Exception failed) {
                    clock.mark("model-failed");
                }
            }
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
