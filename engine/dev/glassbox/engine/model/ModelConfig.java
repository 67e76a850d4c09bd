package dev.glassbox.engine.model;

/**
 * Shape and hyper-parameters of a model, whatever file it came from.
 *
 * @param contextLength the length the model was trained at (positions past it are extrapolation)
 */
public record ModelConfig(
        Architecture architecture,
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int vocabSize,
        int contextLength,
        float normEps,
        float ropeTheta,
        RopeStyle ropeStyle) {

    /** Normalisation epsilons in use range from 1e-12 (BERT) to 1e-5; outside these bounds a file is corrupt. */
    public static final double MIN_NORM_EPS = 1e-30;
    public static final double MAX_NORM_EPS = 1;
    /** Rotary bases in use range from 1e4 to ~1e8 (long-context variants). */
    public static final double MIN_ROPE_THETA = 1;
    public static final double MAX_ROPE_THETA = 1e12;

    public ModelConfig {
        check(dim > 0 && dim <= 1 << 16, "dim", dim);
        check(hiddenDim > 0 && hiddenDim <= 1 << 18, "hidden dim", hiddenDim);
        check(layers > 0 && layers <= 1024, "layer count", layers);
        check(heads > 0 && heads <= 1024, "head count", heads);
        check(kvHeads > 0 && kvHeads <= heads && heads % kvHeads == 0, "kv head count (must divide the head count " + heads + ")", kvHeads);
        check(headDim > 0 && headDim <= 4096, "head dim", headDim);
        check(vocabSize > 0 && vocabSize <= 1 << 22, "vocab size", vocabSize);
        check(contextLength > 0 && contextLength <= 1 << 22, "context length", contextLength);
        if (!(normEps >= MIN_NORM_EPS && normEps <= MAX_NORM_EPS)) { // also refuses NaN
            throw new IllegalArgumentException("norm epsilon " + normEps + " is not a finite number in "
                    + MIN_NORM_EPS + ".." + MAX_NORM_EPS);
        }
        if (ropeStyle != RopeStyle.NONE && !(ropeTheta >= MIN_ROPE_THETA && ropeTheta <= MAX_ROPE_THETA)) {
            throw new IllegalArgumentException("rope theta " + ropeTheta + " is not a finite number in "
                    + MIN_ROPE_THETA + ".." + MAX_ROPE_THETA);
        }
        if (ropeStyle != RopeStyle.NONE && headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embedding needs an even head dim, got " + headDim);
        }
    }

    private static void check(boolean ok, String what, int value) {
        if (!ok) {
            throw new IllegalArgumentException("implausible " + what + ": " + value);
        }
    }

    public int kvDim() { return kvHeads * headDim; }

    public int qDim() { return heads * headDim; }

    /** Query heads per key/value head (grouped-query attention, Ainslie et al. 2023). */
    public int groupSize() { return heads / kvHeads; }

    public int kvHeadOf(int head) { return head / groupSize(); }
}
