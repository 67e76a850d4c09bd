package dev.glassbox.app.service;

import java.util.List;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/** The open lesson and its current step; going to a step applies the state it names. FX thread only. */
public final class LessonPlayer {
    private final Consumer<SessionFile.SessionState> apply;
    private final ReadOnlyObjectWrapper<List<SessionFile.Step>> steps = new ReadOnlyObjectWrapper<>(this, "steps", List.of());
    private final ReadOnlyIntegerWrapper index = new ReadOnlyIntegerWrapper(this, "index", -1);

    public LessonPlayer(Consumer<SessionFile.SessionState> apply) {
        this.apply = apply;
    }

    /** The open lesson's steps (empty: none open). */
    public ReadOnlyObjectProperty<List<SessionFile.Step>> stepsProperty() { return steps.getReadOnlyProperty(); }

    /** The step shown (-1: none). */
    public ReadOnlyIntegerProperty indexProperty() { return index.getReadOnlyProperty(); }

    public SessionFile.Step current() {
        int i = index.get();
        return i < 0 ? null : steps.get().get(i);
    }

    /** Opens {@code lesson} at its first step (an empty list closes the lesson). */
    public void open(List<SessionFile.Step> lesson) {
        index.set(-1);
        steps.set(List.copyOf(lesson));
        if (!lesson.isEmpty()) {
            go(0);
        }
    }

    public void close() {
        open(List.of());
    }

    public boolean next() { return go(index.get() + 1); }

    public boolean back() { return go(index.get() - 1); }

    /** Shows step {@code i} and applies its state; false when there is no such step. */
    public boolean go(int i) {
        if (i < 0 || i >= steps.get().size()) {
            return false;
        }
        index.set(i);
        apply.accept(steps.get().get(i).state());
        return true;
    }
}
