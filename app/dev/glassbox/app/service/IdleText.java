package dev.glassbox.app.service;

import javafx.beans.property.StringProperty;

import dev.glassbox.visuals.i18n.I18n;

/**
 * A hint shown until an event replaces it ("Click a head…"), following the language while it is still shown; a text
 * an event set later is left alone. Unlike a binding, the text stays settable.
 */
public final class IdleText {
    private IdleText() {
    }

    /** Sets {@code text} to the text of {@code key}; on a language change, translates it if it still shows that. */
    public static void show(StringProperty text, String key) {
        text.set(I18n.text(key));
        I18n.localeProperty().addListener((o, was, now) -> {
            if (I18n.text(was, key).equals(text.get())) text.set(I18n.text(now, key));
        });
    }
}
