package dev.glassbox.engine.model;

/**
 * How an encoder's sentence embedding is read from its last hidden state [T][dim], as the checkpoint's
 * sentence-transformers Pooling module does it (each model card names its mode), followed by the Normalize
 * module's L2 normalisation. Every position is a real token here (one unpadded sentence), so the mean needs no
 * attention mask.
 */
public enum SentencePooling {
    /** Mean over positions (pooling_mode_mean_tokens), e.g. all-MiniLM-L6-v2. */
    MEAN,
    /** The first position, the [CLS] token (pooling_mode_cls_token), e.g. bge-small-zh-v1.5. */
    CLS;

    /** The pooled vector, before normalisation. */
    public double[] pool(float[][] hidden) {
        if (hidden.length == 0) {
            throw new IllegalArgumentException("cannot pool an empty hidden state");
        }
        double[] out = new double[hidden[0].length];
        if (this == CLS) {
            for (int i = 0; i < out.length; i++) {
                out[i] = hidden[0][i];
            }
            return out;
        }
        for (float[] row : hidden) {
            for (int i = 0; i < out.length; i++) {
                out[i] += row[i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= hidden.length;
        }
        return out;
    }

    /** The sentence embedding: {@link #pool} scaled to unit L2 norm (a zero vector stays zero). */
    public double[] embed(float[][] hidden) {
        double[] v = pool(hidden);
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return v;
    }

    /** "mean" or "cls", as sentence-transformers' pooling modes are named. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
