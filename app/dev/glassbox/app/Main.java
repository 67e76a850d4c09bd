package dev.glassbox.app;

import dev.glassbox.app.cli.GlassboxCli;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.OpenTarget;

/**
 * Entry point: with no arguments opens the desktop app, otherwise runs a command-line command, after loading the
 * Vector API module when the JVM started without it ({@link VectorModule}). {@code --measure-startup} opens the app,
 * prints how long it took until the default model was loaded in a shown window, and exits. A single path argument
 * (what a file association or a drop on the app's icon passes) opens the app with that session, lesson or model.
 */
public final class Main {
    static final String MEASURE_STARTUP = "--measure-startup";
    /**
     * The launcher's recording run for the start-up cache (JavaFX headless): opens the window without the Vector API
     * module, so the default model's load stops where the kernels begin, and exits after its first frames.
     */
    static final String AOT_TRAINING = "--aot-training";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(AOT_TRAINING)) {
            // Without the Vector API (the JDK cannot cache classes linked to a module loaded at run time): the
            // default model's files are read and parsed, and its load then fails where the engine's kernels begin.
            GlassboxApp.training = true;
            StartupWarmUp.start(null, false);
            javafx.application.Application.launch(GlassboxApp.class);
            return;
        }
        boolean open = args.length == 1 && OpenTarget.isPathArgument(args[0]);
        if (args.length == 0 || open || args.length == 1 && args[0].equals(MEASURE_STARTUP)) {
            if (open) {
                GlassboxApp.toOpen = OpenTarget.argumentPath(args[0]);
            } else if (args.length == 1) {
                GlassboxApp.clock = new StartupClock();
                GlassboxApp.clock.mark("main");
            }
            VectorModule.startLoading(); // awaited by the window and the model preload
            StartupWarmUp.start(GlassboxApp.clock, true);
            javafx.application.Application.launch(GlassboxApp.class);
        } else {
            var vectorProblem = VectorModule.ensureLoaded();
            if (vectorProblem.isPresent()) {
                System.err.println("glassbox: " + vectorProblem.get());
                System.exit(2);
            }
            // a worker thread's failure (an OutOfMemoryError in a kernel, say) is one line too, not a stack trace
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> System.err.println("error: " + ErrorMessages.describe(e)));
            System.exit(GlassboxCli.run(args));
        }
    }
}
