package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.Objects;

import dev.glassbox.engine.knowledge.Injection;

/**
 * The Train workspace's knowledge injection (ROOTS sec. 3.2), as {@code train --knowledge --injection --held-out}:
 * the knowledge base file, how its triples enter each sentence, and the held-out cloze file (null: none).
 */
public record KnowledgeSettings(Path knowledge, Injection injection, Path heldOut) {
    public KnowledgeSettings {
        Objects.requireNonNull(knowledge, "knowledge");
        Objects.requireNonNull(injection, "injection");
    }
}
