package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's masked-LM prediction head (Devlin et al. 2019, sec. 3.1; BertLMPredictionHead): transform dense + exact GELU
 * + LayerNorm, then a decoder tied to the word embeddings plus an output bias, softmax cross-entropy on the labelled
 * positions only. Runs on the labelled rows alone (the other rows carry no loss).
 */
public final class MlmHead {
    public static final String PREFIX = "cls.predictions.";

    private final TrainableEncoder encoder;
    private final Param dense, denseBias, lnG, lnB, bias;
    private final List<Param> params;

    /** What one example's head forward kept: labelled rows, their targets and softmax, and the loss. */
    public static final class Pass {
        final int[] rows, targets;
        final float[] x, t1, a, mean, rstd, t, probs;
        final double lossSum;

        private Pass(int[] rows, int[] targets, float[] x, float[] t1, float[] a, float[] mean, float[] rstd, float[] t,
                     float[] probs, double lossSum) {
            this.rows = rows;
            this.targets = targets;
            this.x = x;
            this.t1 = t1;
            this.a = a;
            this.mean = mean;
            this.rstd = rstd;
            this.t = t;
            this.probs = probs;
            this.lossSum = lossSum;
        }

        /** Positions that carry an MLM loss, in order. */
        public int[] rows() { return rows; }

        /** The original token at each labelled row. */
        public int[] targets() { return targets; }

        /** Softmax over the vocabulary for labelled row {@code i}, [vocab] starting at {@code i * vocab}. */
        public float[] probabilities() { return probs; }

        /** Sum of the cross-entropies (nats) over the labelled rows. */
        public double lossSum() { return lossSum; }

        /** How many labelled rows the model predicts right (argmax = original). */
        public int correct(int vocab) {
            int c = 0;
            for (int i = 0; i < rows.length; i++) {
                int best = 0;
                for (int v = 1; v < vocab; v++) if (probs[i * vocab + v] > probs[i * vocab + best]) best = v;
                if (best == targets[i]) c++;
            }
            return c;
        }
    }

    public MlmHead(TrainableEncoder encoder) {
        this(encoder, PREFIX);
    }

    /** A head whose parameter names start with {@code prefix} (ELECTRA's generator has its own). */
    MlmHead(TrainableEncoder encoder, String prefix) {
        this.encoder = encoder;
        int d = encoder.shape().dim();
        List<Param> ps = new ArrayList<>();
        dense = TrainableEncoder.add(ps, new Param(prefix + "transform.dense.weight", d, d));
        denseBias = TrainableEncoder.add(ps, new Param(prefix + "transform.dense.bias", d, 1));
        lnG = TrainableEncoder.add(ps, new Param(prefix + "transform.LayerNorm.weight", d, 1));
        lnB = TrainableEncoder.add(ps, new Param(prefix + "transform.LayerNorm.bias", d, 1));
        bias = TrainableEncoder.add(ps, new Param(prefix + "bias", encoder.shape().vocab(), 1));
        params = List.copyOf(ps);
    }

    /** The head's own parameters (the decoder weight is the encoder's word embedding table). */
    public List<Param> params() { return params; }

    /** Logits-to-loss on the labelled positions of {@code p}'s example. */
    public Pass forward(TrainableEncoder.Pass p) {
        EncoderExample e = p.example();
        int m = e.labelled();
        int d = encoder.shape().dim();
        int vocab = encoder.shape().vocab();
        if (m == 0) {
            return new Pass(new int[0], new int[0], new float[0], new float[0], new float[0], new float[0], new float[0],
                    new float[0], new float[0], 0);
        }
        int[] rows = new int[m];
        int[] targets = new int[m];
        float[] x = new float[m * d];
        for (int i = 0, j = 0; i < e.length(); i++) {
            int label = e.label(i);
            if (label == EncoderExample.NO_LABEL) continue;
            if (label < 0 || label >= vocab) throw new IllegalArgumentException("MLM label " + label + " outside the vocabulary");
            rows[j] = i;
            targets[j] = label;
            System.arraycopy(p.output(), i * d, x, j * d, d);
            j++;
        }
        float[] t1 = encoder.linear(x, dense, denseBias, m);
        float[] a = new float[m * d];
        Gelu.forwardExact(a, t1, m * d);
        float[] mean = new float[m];
        float[] rstd = new float[m];
        float[] t = new float[m * d];
        LayerNorm.forward(t, mean, rstd, a, lnG.value(), lnB.value(), m, d, encoder.shape().normEps());
        float[] probs = encoder.linear(t, encoder.wordEmbeddings(), bias, m);
        float[] losses = new float[m];
        CrossEntropy.forward(probs, losses, targets, m, vocab);
        double sum = 0;
        for (float l : losses) sum += l;
        return new Pass(rows, targets, x, t1, a, mean, rstd, t, probs, sum);
    }

    /** Adds to {@code dHidden} [n, dim] and the weights' gradients the gradient of {@code scale} x the pass's loss sum. */
    public void backward(Pass h, float scale, float[] dHidden) {
        int m = h.rows.length;
        if (m == 0) return;
        int d = encoder.shape().dim();
        int vocab = encoder.shape().vocab();
        float[] dLogits = new float[m * vocab];
        CrossEntropy.backward(dLogits, h.probs, h.targets, m, vocab); // (p - onehot) / m
        for (int i = 0; i < dLogits.length; i++) dLogits[i] *= m * scale;
        float[] dT = new float[m * d];
        encoder.linearBackward(dT, dLogits, h.t, encoder.wordEmbeddings(), bias, m);
        float[] dA = new float[m * d];
        LayerNorm.backward(dA, lnG.grad(), lnB.grad(), dT, h.a, lnG.value(), h.mean, h.rstd, m, d);
        float[] dT1 = new float[m * d];
        Gelu.backwardExact(dT1, dA, h.t1, m * d);
        float[] dX = new float[m * d];
        encoder.linearBackward(dX, dT1, h.x, dense, denseBias, m);
        for (int j = 0; j < m; j++) {
            MatMul.axpy(dHidden, h.rows[j] * d, 1f, dX, j * d, d);
        }
    }
}
