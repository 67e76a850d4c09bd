package dev.glassbox.engine.context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glassbox.engine.io.Json;

/**
 * The context method a model was trained with (Glassbox's trainer records it in config.json under
 * {@value #CONFIG_KEY}); the lab runs such a model under it as its native method.
 */
public final class NativeContext {
    /** The config.json key. */
    public static final String CONFIG_KEY = "glassbox_context";
    /** The method spec that stands for the model's own method. */
    public static final String KEYWORD = "native";

    private NativeContext() {
    }

    /** The recorded spec of the model at {@code source} (its folder, or a file inside it), if any. */
    public static Optional<String> of(Path source) {
        if (source == null) return Optional.empty();
        Path config = Files.isDirectory(source) ? source.resolve("config.json") : source.resolveSibling("config.json");
        if (!Files.isRegularFile(config)) return Optional.empty();
        try {
            JsonNode n = Json.MAPPER.readTree(config.toFile()).path(CONFIG_KEY);
            return n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config, e);
        }
    }

    /** {@code spec} itself, or for {@value #KEYWORD} the model's recorded method. */
    public static String resolve(String spec, Path source) {
        if (!spec.strip().equalsIgnoreCase(KEYWORD)) return spec;
        return of(source).orElseThrow(() -> new IllegalArgumentException("method 'native': " + source
                + " records no training-time context method (config.json has no \"" + CONFIG_KEY
                + "\"; only models trained with train --context have one)"));
    }
}
