package dev.glassbox.app.service;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A saved session ({@code .glassbox}, JSON): the state to restore and, for a lesson, its steps. Engine-free data;
 * {@link SessionFiles} reads and writes it.
 *
 * @param lesson the lesson's steps in order (empty: a plain session)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionFile(int version, SessionState state, List<Step> lesson) {
    /** The format this build writes and reads. */
    public static final int VERSION = 1;

    public SessionFile {
        lesson = lesson == null ? List.of() : List.copyOf(lesson);
    }

    public static SessionFile of(SessionState state) {
        return new SessionFile(VERSION, state, List.of());
    }

    /** Sampler settings as {@link SamplingSettings} holds them. */
    public record Sampling(double temperature, double topP, int topK, int seed, int steps) {
    }

    /** One head: layer and index within it. */
    public record Head(int layer, int head) {
    }

    /**
     * What a session restores; a null field leaves that part as it is (a lesson step names only what it changes).
     *
     * @param model a model file or folder path, or {@code bundled:<label>} for an encoder shipped in the app
     * @param workspace 0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train
     * @param ablated the heads removed ({@code []}: none)
     * @param ablationMode {@code ZERO} or {@code MEAN}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionState(String model, String prompt, Sampling sampling, Integer workspace, Head selected,
                               List<Head> ablated, String ablationMode) {
        public SessionState {
            ablated = ablated == null ? null : List.copyOf(ablated);
        }
    }

    /** One lesson step: its title and text by language ({@code en}, {@code zh}) and the state it sets. */
    public record Step(Map<String, String> title, Map<String, String> text, SessionState state) {
        public Step {
            title = Map.copyOf(title);
            text = text == null ? Map.of() : Map.copyOf(text);
        }

        public String title(Locale locale) { return pick(title, locale); }

        public String text(Locale locale) { return pick(text, locale); }

        /** The text in {@code locale}'s language, else English. */
        private static String pick(Map<String, String> byLanguage, Locale locale) {
            String t = byLanguage.get(locale.getLanguage());
            return t != null ? t : byLanguage.getOrDefault("en", "");
        }
    }
}
