package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * Turns a failure into one sentence a user can act on (never a stack trace): the one description used by the
 * command line's execution handler, the app's error dialogs and the uncaught-exception path. The window describes in
 * its current language ({@link #describe(String, Throwable)}); the command line and the console stay English.
 */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    /** "{@code doing} failed: why", in the window's language. */
    public static String describe(String doing, Throwable t) {
        return I18n.text("error.failed", doing, describe(I18n.locale(), t));
    }

    /** The failure alone in English (the command line and the console), e.g. "model.bin: no such file". */
    public static String describe(Throwable t) {
        return describe(I18n.ENGLISH, t);
    }

    /** The failure alone in {@code locale}. */
    public static String describe(Locale locale, Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.lang.reflect.InvocationTargetException || e instanceof java.io.UncheckedIOException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return switch (e) {
            case dev.glassbox.app.hub.HubException h -> h.describe(locale);
            case OutOfMemoryError o -> I18n.text(locale, "error.outOfMemory", heap());
            case NoSuchFileException f -> f.getFile() + ": " + (f.getReason() == null ? I18n.text(locale, "error.noSuchFile") : f.getReason());
            case AccessDeniedException f -> f.getFile() + ": " + I18n.text(locale, "error.permissionDenied");
            // the JDK's "Is a directory", "Not a directory", "File exists": add the path it leaves out
            case FileSystemException f -> (f.getFile() == null ? "" : f.getFile() + ": ")
                    + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
            case IOException x when x.getMessage() != null && x.getMessage().equals("Is a directory") ->
                    I18n.text(locale, "error.isDirectory");
            case StackOverflowError s -> I18n.text(locale, "error.tooDeep");
            case ArithmeticException x when x.getMessage() != null && x.getMessage().equals("/ by zero") ->
                    I18n.text(locale, "error.divideByZero");
            case IndexOutOfBoundsException x -> I18n.text(locale, "error.indexOutOfRange", x.getMessage());
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    private static String heap() {
        return "-Xmx" + Runtime.getRuntime().maxMemory() / (1 << 20) + "m";
    }
}
