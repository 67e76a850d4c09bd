package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns a failure into one sentence a user can act on (never a stack trace): the one description used by the
 * command line's execution handler, the app's error dialogs and the uncaught-exception path.
 */
public final class ErrorMessages {
    /** What running out of heap means for a user, and what to change. */
    static final String OUT_OF_MEMORY = "out of memory: use a smaller model, a shorter text or --max-len, a smaller "
            + "--batch/--seq/--dim/--layers when training, or give Java more heap (java -Xmx8g ...; now %s)";

    private ErrorMessages() {
    }

    public static String describe(String doing, Throwable t) {
        return doing + " failed: " + describe(t);
    }

    /** The failure alone, e.g. "model.bin: no such file". */
    public static String describe(Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.lang.reflect.InvocationTargetException || e instanceof java.io.UncheckedIOException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return switch (e) {
            case OutOfMemoryError o -> String.format(OUT_OF_MEMORY, heap());
            case NoSuchFileException f -> f.getFile() + ": " + (f.getReason() == null ? "no such file" : f.getReason());
            case AccessDeniedException f -> f.getFile() + ": permission denied";
            // the JDK's "Is a directory", "Not a directory", "File exists": add the path it leaves out
            case FileSystemException f -> (f.getFile() == null ? "" : f.getFile() + ": ")
                    + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
            case IOException x when x.getMessage() != null && x.getMessage().equals("Is a directory") ->
                    "a folder was given where a file is expected";
            case StackOverflowError s -> "the input nests too deeply to process";
            case ArithmeticException x when x.getMessage() != null && x.getMessage().equals("/ by zero") ->
                    "a setting is zero where it divides (check the numbers given)";
            case IndexOutOfBoundsException x -> "an index went out of range (" + x.getMessage()
                    + "); the model or a setting does not match what the command expects";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    private static String heap() {
        return "-Xmx" + Runtime.getRuntime().maxMemory() / (1 << 20) + "m";
    }
}
