package dev.glassbox.app.service;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import dev.glassbox.engine.io.FormatException;

/** Turns a failure into one sentence a user can act on (never a stack trace). */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    public static String describe(String doing, Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.ExecutionException || e instanceof java.lang.reflect.InvocationTargetException
                || e instanceof java.io.UncheckedIOException) && e.getCause() != null) {
            e = e.getCause();
        }
        String detail = switch (e) {
            case FormatException f -> f.getMessage();
            case NoSuchFileException f -> "file not found: " + f.getFile();
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case OutOfMemoryError o -> "not enough memory (start with a larger -Xmx or pick a smaller model)";
            case IllegalArgumentException x -> plain(x);
            case IllegalStateException x -> plain(x);
            case UnsupportedOperationException x -> plain(x);
            default -> e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
        };
        return doing + " failed: " + detail;
    }

    private static String plain(RuntimeException x) {
        return x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage();
    }
}
