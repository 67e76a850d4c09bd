package dev.glassbox.engine.io;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one place JSON mappers are configured. Jackson mappers, readers and writers are thread-safe once configured,
 * so every caller shares these instead of building its own.
 */
public final class Json {
    /** Plain mapper: reads anything, writes compact one-line JSON (CLI {@code --json} lines, headers). */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Writes indented JSON (two spaces, the default pretty printer), for files people open. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    /** Reads JSON, refusing an object with a key twice (safetensors headers: a duplicate would be ambiguous). */
    public static final ObjectReader STRICT = MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Indented JSON with record components in snake_case (trace manifests, read by Python tooling). */
    public static final ObjectMapper SNAKE_CASE_PRETTY = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * A JSON object with its fields in the order given ({@code Map.of} iterates in an order that changes from run to
     * run, so files written from it differ between runs): {@code fields("type", "WordPiece", "cleanup", true)}.
     */
    public static Map<String, Object> fields(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields takes names and values in pairs, got " + namesAndValues.length);
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }
}
