package dev.glassbox.app.service;

import java.util.Locale;
import java.util.Optional;
import java.util.prefs.Preferences;

import dev.glassbox.visuals.i18n.I18n;

/** The interface language the user picked, remembered across runs (java.util.prefs); until one is picked, the system's. */
public final class LanguagePreference {
    private static final String KEY = "language";
    private final Preferences prefs;

    public LanguagePreference(Preferences prefs) {
        this.prefs = prefs;
    }

    public static LanguagePreference user() {
        return new LanguagePreference(Preferences.userRoot().node(RecentModels.NODE));
    }

    /** The language picked last, if any. */
    public Optional<Locale> saved() {
        String tag = prefs.get(KEY, null);
        return tag == null || tag.isBlank() ? Optional.empty() : Optional.of(I18n.supported(Locale.forLanguageTag(tag)));
    }

    /** Switches to the saved language, unless {@code -Dglassbox.locale} asks for one. */
    public void apply() {
        String forced = System.getProperty("glassbox.locale");
        if (forced == null || forced.isBlank()) {
            saved().ifPresent(I18n::setLocale);
        }
    }

    /** Switches to {@code locale} now and remembers it. */
    public void choose(Locale locale) {
        I18n.setLocale(locale);
        prefs.put(KEY, I18n.locale().toLanguageTag());
    }
}
