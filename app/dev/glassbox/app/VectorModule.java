package dev.glassbox.app;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's kernels use the JDK's Vector API, an incubator module the JVM leaves out unless started with
 * {@code --add-modules jdk.incubator.vector}. Started without it (the desktop app: the JDK's ahead-of-time cache
 * then keeps the module graph and the linked classes, about half a second of start-up), Glassbox loads the module
 * itself before any engine class runs, with the JDK's own mechanism for modules loaded into a running VM
 * ({@code jdk.internal.module.Modules.loadModule}, exported to Glassbox by its jar's {@code Add-Exports}). The module
 * lands in the boot loader as it would at start-up, so its kernels compile to the same vector instructions.
 */
final class VectorModule {
    static final String NAME = "jdk.incubator.vector";

    private static volatile CompletableFuture<Optional<String>> loading;

    private VectorModule() {
    }

    /**
     * Starts {@link #ensureLoaded} on a thread of its own (resolving the module takes ~0.1 s), for the app, which
     * needs it only once its window is built; {@link #await} then returns its outcome.
     */
    static void startLoading() {
        CompletableFuture<Optional<String>> f = new CompletableFuture<>();
        loading = f;
        Thread t = new Thread(() -> f.complete(ensureLoaded()), "glassbox-vector-module");
        t.setDaemon(true);
        t.start();
    }

    /** The outcome of {@link #startLoading} (loading now if it was not started). */
    static Optional<String> await() {
        CompletableFuture<Optional<String>> f = loading;
        return f == null ? ensureLoaded() : f.join();
    }

    /** Empty when the Vector API is usable now; otherwise why not and what to do. */
    static synchronized Optional<String> ensureLoaded() {
        if (ModuleLayer.boot().findModule(NAME).isPresent()) {
            return Optional.empty();
        }
        try {
            Class.forName("jdk.internal.module.Modules").getMethod("loadModule", String.class).invoke(null, NAME);
            return Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.of("the engine needs the JDK's Vector API module, which could not be loaded (" + e
                    + "). Start Glassbox with ./glassbox, with java -jar target/glassbox.jar, or add the JVM option"
                    + " --add-modules " + NAME + ".");
        }
    }
}
