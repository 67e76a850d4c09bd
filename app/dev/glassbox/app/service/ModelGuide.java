package dev.glassbox.app.service;

import java.util.Optional;

import dev.glassbox.visuals.i18n.I18n;

/**
 * What the picker says about a bundled model: a one-line description, its training data, its vocabulary and a
 * prompt to start from, all from the resource bundle ({@code model.<id>.description}, {@code .data},
 * {@code .vocabulary}, {@code .prompt}). The id is a sample model's folder name or a bundled encoder's alias.
 */
public record ModelGuide(String id) {
    /** The prompt the window starts with (before any model suggested one). */
    public static final String FIRST_PROMPT = "Once upon a time";

    /** The guide of {@code entry}, when it is a bundled model the bundle describes. */
    public static Optional<ModelGuide> of(ModelEntry entry) {
        if (entry == null || !entry.bundled()) {
            return Optional.empty();
        }
        String id = switch (entry.source()) {
            case ModelSource.Bundled b -> b.encoder().alias();
            case ModelSource.OnDisk d -> d.path().getFileName().toString();
        };
        return I18n.has(key(id, "description")) ? Optional.of(new ModelGuide(id)) : Optional.empty();
    }

    private static String key(String id, String part) {
        return "model." + id + "." + part;
    }

    public String description() { return I18n.text(key(id, "description")); }

    public String data() { return I18n.text(key(id, "data")); }

    public String vocabulary() { return I18n.text(key(id, "vocabulary")); }

    /** A prompt its tokenizer encodes without unknown tokens, written the way the model was trained. */
    public String prompt() { return I18n.text(key(id, "prompt")); }

    /** The description line under the picker. */
    public String line() {
        return I18n.text("teach.model.line", description(), data(), vocabulary());
    }
}
