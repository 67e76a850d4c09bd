package dev.glassbox.engine.tensor;

/** A vocabulary entry with the probability a distribution gives it. */
public record TokenProbability(int token, double probability) {
}
