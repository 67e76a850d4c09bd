package dev.glassbox.app.hub;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import dev.glassbox.visuals.i18n.I18n;

/**
 * A pull that cannot go on, as one sentence a user can act on: its text is a bundle key with arguments, so the
 * window says it in its language ({@link #describe(Locale)}) and the command line in English ({@link #getMessage()}).
 */
public class HubException extends IOException {
    private final String key;
    private final Object[] args;

    public HubException(String key, Object... args) {
        super(text(key, args));
        this.key = key;
        this.args = args.clone();
    }

    public String describe(Locale locale) {
        return I18n.text(locale, key, args);
    }

    public String key() { return key; }

    /** The English text of {@code key}; always formatted, so a pattern's quoting rules hold with or without arguments. */
    static String text(String key, Object... args) {
        return I18n.text(I18n.ENGLISH, key, args.length == 0 ? new Object[] {""} : args);
    }

    /** A repository offers several GGUF files and none was chosen: the caller asks which (or lists them and stops). */
    public static final class ChooseFile extends HubException {
        private final List<String> files;

        public ChooseFile(String repo, List<String> files) {
            super("hub.chooseGguf", repo, String.join(", ", files));
            this.files = List.copyOf(files);
        }

        public List<String> files() { return files; }
    }
}
