package dev.glassbox.app.ui;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A part of the window made on its first use rather than at start-up (FX thread only, like the parts it holds):
 * the workspaces behind unopened tabs cost nothing until someone opens or drives them.
 */
final class Lazy<T> {
    private final Supplier<? extends T> factory;
    private T value;

    Lazy(Supplier<? extends T> factory) {
        this.factory = factory;
    }

    /** The value, made now if this is its first use. */
    T get() {
        if (value == null) {
            value = Objects.requireNonNull(factory.get(), "the factory made nothing");
        }
        return value;
    }

    /** Runs {@code action} on the value if it has been made; a call on one nobody used yet does nothing. */
    void ifMade(Consumer<? super T> action) {
        if (value != null) {
            action.accept(value);
        }
    }

    boolean isMade() { return value != null; }
}
