package dev.glassbox.engine.train;

/** Reads a trainable model's attention on one row of tokens (a forward pass without targets). */
public final class AttentionProbe {
    private AttentionProbe() {
    }

    /** [layer][head][query][key] with query row q holding keys 0..q (the causal triangle). */
    public static float[][][][] read(TrainableLlama model, int[] tokens) {
        int t = tokens.length;
        if (t < 1 || t > model.shape().seq()) {
            throw new IllegalArgumentException("probe of " + t + " tokens; must be 1.." + model.shape().seq());
        }
        model.forward(tokens, null, 1, t);
        int layers = model.shape().layers();
        int heads = model.shape().heads();
        float[][][][] out = new float[layers][heads][t][];
        for (int l = 0; l < layers; l++) {
            float[] att = model.attention(l);
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < t; q++) {
                    out[l][h][q] = java.util.Arrays.copyOfRange(att, (h * t + q) * t, (h * t + q) * t + q + 1);
                }
            }
        }
        return out;
    }
}
