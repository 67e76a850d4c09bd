package dev.glassbox.engine.train;

import java.util.Locale;

/**
 * What one training step holds in memory, estimated before anything is allocated, so a run too large for the heap
 * is refused with what to reduce instead of dying of an OutOfMemoryError. The largest activations are the attention
 * probabilities (batch x heads x seq x seq floats per layer) and about a dozen batch x seq x max(dim, hidden) arrays
 * per layer; the logits and their gradient add 2 x batch x seq x vocab; every weight carries a gradient and two AdamW
 * moments. Allowed: half the heap (the rest holds the data, the JIT and the run's other objects).
 */
public record TrainingMemory(double activationBytes, double weightBytes) {

    public static TrainingMemory estimate(int batch, int seq, int layers, int heads, int dim, int hidden, int vocab) {
        double b = batch, s = seq, l = layers;
        double activations = 4.0 * b * heads * s * s * l + 4.0 * b * s * Math.max(dim, hidden) * l * 12
                + 4.0 * 2 * b * s * vocab;
        double weights = 4.0 * 4 * (l * (4.0 * dim * dim + 3.0 * dim * hidden) + 2.0 * vocab * dim);
        return new TrainingMemory(activations, weights);
    }

    public static TrainingMemory of(ModelShape s, int batch) {
        return estimate(batch, s.seq(), s.layers(), s.heads(), s.dim(), s.hidden(), s.vocab());
    }

    public double totalBytes() { return activationBytes + weightBytes; }

    public static double allowedBytes() { return allowedBytes(Runtime.getRuntime().maxMemory()); }

    public static double allowedBytes(long maxMemoryBytes) { return maxMemoryBytes / 2.0; }

    public boolean fits() { return fits(Runtime.getRuntime().maxMemory()); }

    public boolean fits(long maxMemoryBytes) { return totalBytes() <= allowedBytes(maxMemoryBytes); }

    public String problem() { return problem(Runtime.getRuntime().maxMemory()); }

    /** "needs about N MB ..., more than the M MB this heap allows", for a message that then says what to reduce. */
    public String problem(long maxMemoryBytes) {
        return String.format(Locale.ROOT, "needs about %,.0f MB per step (%,.0f MB activations, %,.0f MB weights with "
                + "gradients and optimizer state), more than the %,.0f MB this heap allows", totalBytes() / 1e6,
                activationBytes / 1e6, weightBytes / 1e6, allowedBytes(maxMemoryBytes) / 1e6);
    }

    /** Throws, naming the command-line options to reduce, when the run would not fit. */
    public void require() {
        if (!fits()) {
            throw new IllegalArgumentException("training " + problem()
                    + ": reduce the batch, sequence length, width or layers (--batch, --seq, --dim, --hidden, --layers), "
                    + "or start Java with a larger -Xmx");
        }
    }
}
