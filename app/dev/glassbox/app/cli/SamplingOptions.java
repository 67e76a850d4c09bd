package dev.glassbox.app.cli;

import dev.glassbox.engine.model.Generation;
import picocli.CommandLine.Option;

/** --temperature / --top-p / --top-k / --seed, shared by the commands that sample tokens. */
public final class SamplingOptions {
    @Option(names = "--temperature", converter = Converters.Temperature.class, defaultValue = "0", description = "0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-p", converter = Converters.Probability.class, defaultValue = "0.9", description = "nucleus sampling threshold (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--top-k", converter = Converters.NonNegative.class, defaultValue = "0", description = "keep the k most likely tokens, 0 = off")
    int topK;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    public Generation.Settings settings(int newTokens) {
        return new Generation.Settings(newTokens, temperature, topP, topK, seed, true);
    }
}
