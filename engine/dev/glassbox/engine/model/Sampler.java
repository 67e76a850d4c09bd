package dev.glassbox.engine.model;

import java.util.Arrays;

/**
 * Chooses the next token from logits: greedy at temperature 0, otherwise softmax(logits / T) restricted
 * by top-k and top-p (nucleus, Holtzman et al. 2020). The random stream is llama2.c's xorshift*, so the
 * same seed, temperature and top-p pick the same tokens as its run.c.
 */
public final class Sampler {
    private final float temperature;
    private final float topP;
    private final int topK;
    private long state;
    private final int[] order;
    private final float[] probs;

    public Sampler(int vocabSize, float temperature, float topP, int topK, long seed) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in [0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.topK = topK;
        this.state = seed == 0 ? 1 : seed;
        this.order = new int[vocabSize];
        this.probs = new float[vocabSize];
    }

    public static Sampler greedy(int vocabSize) {
        return new Sampler(vocabSize, 0f, 1f, 0, 1);
    }

    private int nextU32() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return (int) ((state * 0x2545F4914F6CDD1DL) >>> 32);
    }

    /** A float in [0, 1), exactly as run.c's random_f32. */
    float nextFloat() {
        return (nextU32() >>> 8) / 16777216.0f;
    }

    /** Picks a token; {@code logits} is left unchanged. */
    public int sample(float[] logits) {
        for (float l : logits) {
            if (Float.isNaN(l)) {
                throw new ArithmeticException("the model produced NaN logits (corrupt weights or overflow)");
            }
        }
        if (temperature == 0f) {
            return dev.glassbox.engine.tensor.Kernels.argmax(logits);
        }
        System.arraycopy(logits, 0, probs, 0, probs.length);
        for (int i = 0; i < probs.length; i++) {
            probs[i] /= temperature;
        }
        dev.glassbox.engine.tensor.Kernels.softmax(probs, 0, probs.length);
        if (topK > 0 && topK < probs.length) {
            keepTopK();
        }
        float coin = nextFloat();
        if (topP <= 0 || topP >= 1) {
            return sampleMultinomial(coin);
        }
        return sampleTopP(coin);
    }

    private void keepTopK() {
        float[] sorted = probs.clone();
        Arrays.sort(sorted);
        float kth = sorted[sorted.length - topK];
        float sum = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] < kth) {
                probs[i] = 0;
            }
            sum += probs[i];
        }
        for (int i = 0; i < probs.length; i++) {
            probs[i] /= sum;
        }
    }

    private int sampleMultinomial(float coin) {
        float cdf = 0;
        for (int i = 0; i < probs.length; i++) {
            cdf += probs[i];
            if (coin < cdf) {
                return i;
            }
        }
        return probs.length - 1;
    }

    /** run.c's sample_topp: drop tokens below (1 - p) / (n - 1), sort, cut at cumulative p, then sample. */
    private int sampleTopP(float coin) {
        int n = probs.length;
        float cutoff = (1.0f - topP) / (n - 1);
        int n0 = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i] >= cutoff) {
                order[n0++] = i;
            }
        }
        Integer[] boxed = new Integer[n0];
        for (int i = 0; i < n0; i++) {
            boxed[i] = order[i];
        }
        Arrays.sort(boxed, (a, b) -> Float.compare(probs[b], probs[a]));
        float cumulative = 0;
        int last = n0 - 1;
        for (int i = 0; i < n0; i++) {
            cumulative += probs[boxed[i]];
            if (cumulative > topP) {
                last = i;
                break;
            }
        }
        float r = coin * cumulative;
        float cdf = 0;
        for (int i = 0; i <= last; i++) {
            cdf += probs[boxed[i]];
            if (r < cdf) {
                return boxed[i];
            }
        }
        return boxed[last];
    }
}
