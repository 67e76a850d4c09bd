package dev.glassbox.app.ui;

import java.util.function.Function;

import javafx.beans.property.ObjectProperty;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.util.StringConverter;

import dev.glassbox.visuals.i18n.I18n;

/** Controls showing a bundle key's text in the current language, switching when it changes (see {@link I18n}). */
final class Texts {
    private Texts() {
    }

    /** {@code control} with the text of {@code key}, following the language. */
    static <T extends Labeled> T bind(T control, String key, Object... args) {
        control.textProperty().bind(I18n.bind(key, args));
        return control;
    }

    /** A label with the text of {@code key}, following the language. */
    static Label label(String key, Object... args) {
        return bind(new Label(), key, args);
    }

    /** A tooltip with the text of {@code key}, following the language. */
    static Tooltip tooltip(String key, Object... args) {
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(I18n.bind(key, args));
        return tip;
    }

    /**
     * Shows a choice's items by {@code name} (ids stay the values), renamed when the language changes: a new
     * converter makes the control redraw its items.
     */
    static <T> void names(ObjectProperty<StringConverter<T>> converter, Function<T, String> name) {
        onLocale(() -> converter.set(new StringConverter<>() {
            @Override
            public String toString(T item) { return item == null ? "" : name.apply(item); }

            @Override
            public T fromString(String text) { throw new UnsupportedOperationException("a choice, not typed"); }
        }));
    }

    /** Runs {@code apply} now and again whenever the language changes (texts a control takes by a setter call). */
    static void onLocale(Runnable apply) {
        apply.run();
        I18n.localeProperty().addListener((o, was, now) -> apply.run());
    }
}
