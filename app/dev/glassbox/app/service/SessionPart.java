package dev.glassbox.app.service;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A part of a session that a workspace holds (the Context lab's methods, the Routing policy, the Train options). The
 * workspace is made when its tab is first opened, so the part is captured from it once it is attached, and a restored
 * value waits until then.
 */
public final class SessionPart<T> {
    private Supplier<T> capture;
    private Consumer<T> restore;
    private T pending;

    /** The workspace was made: it gives and takes the part from now on, starting with any value waiting for it. */
    public void attach(Supplier<T> capture, Consumer<T> restore) {
        this.capture = capture;
        this.restore = restore;
        if (pending != null) {
            T p = pending;
            pending = null;
            restore.accept(p);
        }
    }

    /** The part as the workspace shows it, the value waiting for the workspace, or null. */
    T capture() {
        return capture != null ? capture.get() : pending;
    }

    /** Sets the part (null: leaves it as it is). */
    void restore(T value) {
        if (value == null) {
            return;
        }
        if (restore != null) {
            restore.accept(value);
        } else {
            pending = value;
        }
    }
}
