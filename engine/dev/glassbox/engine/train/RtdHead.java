package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * ELECTRA's discriminator head (Clark et al. 2020, sec. 2; ElectraDiscriminatorPredictions): dense + GELU, then one
 * logit per token, D(x, t) = sigmoid(logit) the probability that token t was replaced; the loss is eq. 2's
 * cross-entropy, summed here over the example's tokens (the trainer divides by the batch's token count).
 */
public final class RtdHead {
    public static final String PREFIX = "discriminator_predictions.";

    private final TrainableEncoder encoder;
    private final Param dense, denseBias, prediction, predictionBias;
    private final List<Param> params;

    /** One example's head forward. */
    public static final class Pass {
        final float[] x, z, a, logits;
        final boolean[] replaced;
        final double lossSum;

        private Pass(float[] x, float[] z, float[] a, float[] logits, boolean[] replaced, double lossSum) {
            this.x = x;
            this.z = z;
            this.a = a;
            this.logits = logits;
            this.replaced = replaced;
            this.lossSum = lossSum;
        }

        public double lossSum() { return lossSum; }

        /** Tokens whose replaced/original call (logit > 0 = replaced) is right. */
        public int correct() {
            int c = 0;
            for (int i = 0; i < logits.length; i++) if ((logits[i] > 0) == replaced[i]) c++;
            return c;
        }

        /** Tokens that are original (what the always-"original" baseline gets right). */
        public int original() {
            int c = 0;
            for (boolean r : replaced) if (!r) c++;
            return c;
        }

        public int tokens() { return logits.length; }

        /** The per-token logits of "replaced". */
        public float[] logits() { return logits; }
    }

    public RtdHead(TrainableEncoder encoder) {
        this.encoder = encoder;
        int d = encoder.shape().dim();
        List<Param> ps = new ArrayList<>();
        dense = TrainableEncoder.add(ps, new Param(PREFIX + "dense.weight", d, d));
        denseBias = TrainableEncoder.add(ps, new Param(PREFIX + "dense.bias", d, 1));
        prediction = TrainableEncoder.add(ps, new Param(PREFIX + "dense_prediction.weight", 1, d));
        predictionBias = TrainableEncoder.add(ps, new Param(PREFIX + "dense_prediction.bias", 1, 1));
        params = List.copyOf(ps);
    }

    public List<Param> params() { return params; }

    /** The loss of {@code p} against {@code replaced} (one flag per token). */
    public Pass forward(TrainableEncoder.Pass p, boolean[] replaced) {
        int n = p.example().length();
        if (replaced.length != n) throw new IllegalArgumentException(replaced.length + " labels for " + n + " tokens");
        float[] x = p.output();
        float[] z = encoder.linear(x, dense, denseBias, n);
        float[] a = new float[z.length];
        Gelu.forwardExact(a, z, z.length);
        float[] logits = encoder.linear(a, prediction, predictionBias, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double s = logits[i];
            // -log sigmoid(s) for replaced, -log(1 - sigmoid(s)) for original, as softplus for stability
            double softplus = Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s)));
            sum += softplus - (replaced[i] ? s : 0);
        }
        return new Pass(x, z, a, logits, replaced.clone(), sum);
    }

    /** Adds the gradient of {@code scale} x the pass's loss sum to the weights and {@code dHidden}. */
    public void backward(Pass h, float scale, float[] dHidden) {
        int n = h.logits.length;
        int d = encoder.shape().dim();
        float[] dLogits = new float[n];
        for (int i = 0; i < n; i++) {
            double sig = 1 / (1 + Math.exp(-h.logits[i]));
            dLogits[i] = (float) ((sig - (h.replaced[i] ? 1 : 0)) * scale);
        }
        float[] dA = new float[n * d];
        encoder.linearBackward(dA, dLogits, h.a, prediction, predictionBias, n);
        float[] dZ = new float[n * d];
        Gelu.backwardExact(dZ, dA, h.z, n * d);
        encoder.linearBackward(dHidden, dZ, h.x, dense, denseBias, n);
    }
}
