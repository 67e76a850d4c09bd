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

    /** Finds the default model off the launcher thread (scanning the models folders reads their files) and preloads it. */
    static void start() {
        Thread t = new Thread(() -> ModelCatalog.discover().defaultModel().ifPresent(e -> ModelService.preload(e.source())),
                "glassbox-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
