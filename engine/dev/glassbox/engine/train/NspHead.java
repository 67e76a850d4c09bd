package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's next-sentence head (Devlin et al. 2019, sec. 3.1 task 2): the pooler (dense + tanh on the [CLS] output,
 * BertPooler) and a 2-way classifier (cls.seq_relationship), softmax cross-entropy against IsNext / NotNext.
 */
public final class NspHead {
    private final TrainableEncoder encoder;
    private final Param pooler, poolerBias, classifier, classifierBias;
    private final List<Param> params;

    /** One example's head forward: the [CLS] row, the pooled vector and the class probabilities. */
    public static final class Pass {
        final float[] cls, pooled, probs;
        final int label;
        final double loss;

        private Pass(float[] cls, float[] pooled, float[] probs, int label, double loss) {
            this.cls = cls;
            this.pooled = pooled;
            this.probs = probs;
            this.label = label;
            this.loss = loss;
        }

        /** P(IsNext), P(NotNext). */
        public float[] probabilities() { return probs; }

        public boolean correct() { return (probs[1] > probs[0] ? 1 : 0) == label; }

        public double loss() { return loss; }
    }

    public NspHead(TrainableEncoder encoder) {
        this.encoder = encoder;
        int d = encoder.shape().dim();
        List<Param> ps = new ArrayList<>();
        pooler = TrainableEncoder.add(ps, new Param(TrainableEncoder.PREFIX + "pooler.dense.weight", d, d));
        poolerBias = TrainableEncoder.add(ps, new Param(TrainableEncoder.PREFIX + "pooler.dense.bias", d, 1));
        classifier = TrainableEncoder.add(ps, new Param("cls.seq_relationship.weight", 2, d));
        classifierBias = TrainableEncoder.add(ps, new Param("cls.seq_relationship.bias", 2, 1));
        params = List.copyOf(ps);
    }

    public List<Param> params() { return params; }

    public Pass forward(TrainableEncoder.Pass p) {
        int label = p.example().nspLabel();
        if (label == EncoderExample.NO_LABEL) throw new IllegalArgumentException("NSP needs examples with an nspLabel");
        int d = encoder.shape().dim();
        float[] cls = java.util.Arrays.copyOf(p.output(), d);
        float[] pooled = encoder.linear(cls, pooler, poolerBias, 1);
        for (int i = 0; i < d; i++) pooled[i] = (float) Math.tanh(pooled[i]);
        float[] probs = encoder.linear(pooled, classifier, classifierBias, 1);
        float[] losses = new float[1];
        CrossEntropy.forward(probs, losses, new int[] {label}, 1, 2);
        return new Pass(cls, pooled, probs, label, losses[0]);
    }

    /** Adds the gradient of {@code scale} x the pass's loss to the weights and to row 0 of {@code dHidden}. */
    public void backward(Pass h, float scale, float[] dHidden) {
        int d = encoder.shape().dim();
        float[] dLogits = new float[2];
        CrossEntropy.backward(dLogits, h.probs, new int[] {h.label}, 1, 2);
        dLogits[0] *= scale;
        dLogits[1] *= scale;
        float[] dPooled = new float[d];
        encoder.linearBackward(dPooled, dLogits, h.pooled, classifier, classifierBias, 1);
        for (int i = 0; i < d; i++) dPooled[i] *= 1 - h.pooled[i] * h.pooled[i]; // tanh'
        float[] dCls = new float[d];
        encoder.linearBackward(dCls, dPooled, h.cls, pooler, poolerBias, 1);
        TrainableEncoder.addInto(dHidden, dCls, d);
    }
}
