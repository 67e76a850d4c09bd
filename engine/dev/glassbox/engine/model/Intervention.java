package dev.glassbox.engine.model;

/**
 * Changes to the forward pass for experiments: ablating heads and skipping layers.
 * The default changes nothing and costs a virtual call per layer.
 */
public interface Intervention {
    Intervention NONE = new Intervention() {
        @Override
        public boolean skipsLayers() { return false; }
    };

    /**
     * Whether {@link #skipLayer} may return true. A layer skip is decided per token, so a prefill with such an
     * intervention runs token by token; one that only replaces head outputs runs in batched blocks.
     */
    default boolean skipsLayers() {
        return true;
    }

    /** True to skip layer {@code layer} for the token at {@code position} (the residual passes through). */
    default boolean skipLayer(int layer, int position) {
        return false;
    }

    /**
     * A replacement for head {@code head}'s output (the attention-weighted values, before the output
     * projection) in {@code layer}, or null to keep it. Zero ablation returns zeros; mean ablation a mean.
     */
    default float[] replaceHeadOutput(int layer, int head) {
        return null;
    }
}
