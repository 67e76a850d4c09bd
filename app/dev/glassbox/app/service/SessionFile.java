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
     * The last three fields came after the first files were written: those files lack them and still open.
     *
     * @param model a model file or folder path, or {@code bundled:<label>} for an encoder shipped in the app
     * @param workspace 0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train, 5 Walkthrough
     * @param ablated the heads removed ({@code []}: none)
     * @param ablationMode {@code ZERO} or {@code MEAN}
     * @param context the Context lab's methods and text
     * @param routing the Routing workspace's policy
     * @param training the Train workspace's options, each form field's text by name (a name left out stays as it is)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionState(String model, String prompt, Sampling sampling, Integer workspace, Head selected,
                               List<Head> ablated, String ablationMode, ContextLab context, Routing routing,
                               Map<String, String> training) {
        public SessionState {
            ablated = ablated == null ? null : List.copyOf(ablated);
            training = training == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(training));
        }

        /** A state without the Context lab, Routing and Train parts (as version-1 files written first hold). */
        public SessionState(String model, String prompt, Sampling sampling, Integer workspace, Head selected,
                            List<Head> ablated, String ablationMode) {
            this(model, prompt, sampling, workspace, selected, ablated, ablationMode, null, null, null);
        }

        /** This state with {@code model} and the context text as given (paths resolved by {@link SessionFiles}). */
        SessionState withPaths(String model, ContextLab context) {
            return new SessionState(model, prompt, sampling, workspace, selected, ablated, ablationMode, context,
                    routing, training);
        }
    }

    /**
     * The Context lab's compared methods and the text it scores.
     *
     * @param methods the method slots in order, each a spec ({@code full}, {@code sliding:W=64}, {@code native}) or
     *                {@code ""} for an empty slot
     * @param text a text file's path, or {@code ""} for the prompt as typed
     * @param maxLength the most tokens of the text scored (null: as it is)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContextLab(List<String> methods, String text, Integer maxLength) {
        public ContextLab {
            methods = methods == null ? null : List.copyOf(methods);
        }
    }

    /** The Routing workspace's policy ({@code dense}, {@code skip:1}, …) and how many routes it samples (null: as it is). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Routing(String policy, Integer samples) {
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
