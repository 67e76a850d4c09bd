package dev.glassbox.engine.model;

import dev.glassbox.engine.trace.Capture;

/** A causal language model that runs token by token with its own key/value cache per session. */
public non-sealed interface DecoderModel extends LanguageModel {

    /**
     * A fresh session (empty cache) capturing the hooks {@code capture} selects. Its cache reaches the model's
     * context length but is allocated as positions arrive, so a long context costs memory only when a run uses it.
     */
    DecoderSession newSession(Capture capture, Intervention intervention);

    default DecoderSession newSession(Capture capture) {
        return newSession(capture, Intervention.NONE);
    }

    /**
     * A session whose key/value cache holds {@code capacity} positions where the family can size it (a run that
     * knows its length need not allocate, and zero, the whole context); others give their usual session.
     * {@link DecoderSession#capacity()} says what was given.
     */
    default DecoderSession newSession(Capture capture, Intervention intervention, int capacity) {
        return newSession(capture, intervention);
    }
}
