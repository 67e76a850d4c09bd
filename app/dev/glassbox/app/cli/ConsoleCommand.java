package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A sub-command: picocli's spec, and a run that prints to the command line's output (the caller's console). */
abstract class ConsoleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        return run(spec.commandLine().getOut());
    }

    /** Runs the command, printing its results on {@code out}; returns the exit code. */
    abstract int run(PrintWriter out) throws Exception;

    /** The command line's error stream (warnings and timings that are not results). */
    final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
