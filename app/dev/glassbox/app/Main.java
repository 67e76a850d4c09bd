package dev.glassbox.app;

import dev.glassbox.app.cli.GlassboxCli;

/**
 * Entry point: with no arguments opens the desktop app, otherwise runs a command-line command.
 * {@code --measure-startup} opens the app, prints how long it took until the default model was loaded in a
 * shown window, and exits.
 */
public final class Main {
    static final String MEASURE_STARTUP = "--measure-startup";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args.length == 1 && args[0].equals(MEASURE_STARTUP)) {
            if (args.length == 1) {
                GlassboxApp.clock = new StartupClock();
                GlassboxApp.clock.mark("main");
            }
            StartupWarmUp.start(GlassboxApp.clock);
            javafx.application.Application.launch(GlassboxApp.class);
        } else {
            System.exit(GlassboxCli.run(args));
        }
    }
}
