package dev.glassbox.app;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelService;

/**
 * Work started at launch on a second core while the JavaFX toolkit starts: the default model begins loading, so
 * the window that appears next finds it loaded (or loading) instead of starting the load itself.
 */
final class StartupWarmUp {
    private StartupWarmUp() {
    }

    /**
     * Finds the default model off the launcher thread (scanning the models folders reads their files) and preloads
     * it; marks "catalog" and "model-read" on {@code clock} when it is not null.
     */
    static void start(StartupClock clock) {
        Thread t = new Thread(() -> {
            ModelCatalog catalog = ModelCatalog.discover();
            mark(clock, "catalog");
            catalog.defaultModel().ifPresent(e -> {
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

    private static void mark(StartupClock clock, String milestone) {
        if (clock != null) {
            clock.mark(milestone);
        }
    }
}
