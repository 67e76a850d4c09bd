package dev.glassbox.app.service;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import dev.glassbox.engine.model.Generation;

/** The sampler's settings as the user left them: temperature, top-p, top-k, seed and number of new tokens. */
public final class SamplingSettings {
    private final ObjectProperty<Double> temperature = new SimpleObjectProperty<>(this, "temperature", 0.0);
    private final ObjectProperty<Double> topP = new SimpleObjectProperty<>(this, "topP", 0.9);
    private final ObjectProperty<Integer> topK = new SimpleObjectProperty<>(this, "topK", 0);
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>(this, "seed", 42);
    private final ObjectProperty<Integer> steps = new SimpleObjectProperty<>(this, "steps", 48);

    public ObjectProperty<Double> temperatureProperty() { return temperature; }

    public ObjectProperty<Double> topPProperty() { return topP; }

    public ObjectProperty<Integer> topKProperty() { return topK; }

    public ObjectProperty<Integer> seedProperty() { return seed; }

    /** New tokens a Generate adds. */
    public ObjectProperty<Integer> stepsProperty() { return steps; }

    /** The engine's settings for a run adding {@code newTokens}, stopping at end-of-sequence. */
    public Generation.Settings settings(int newTokens) {
        return new Generation.Settings(newTokens, temperature.get().floatValue(), topP.get().floatValue(),
                topK.get(), seed.get(), true);
    }
}
