package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.glassbox.engine.tensor.Parallel;

/**
 * A BERT encoder body (Devlin et al. 2019, sec. 3) with its forward and backward written out from the trainer's
 * layers: word + position + token-type {@link Embedding}s, {@link LayerNorm}; per block q/k/v with biases,
 * bidirectional {@link MaskedAttention} (the example's visible matrix, or every token), output projection, add,
 * LayerNorm (post-LN), exact-{@link Gelu} MLP, add, LayerNorm. The same arithmetic as the inference
 * {@link dev.glassbox.engine.model.BertModel}; parameters carry Hugging Face BertForPreTraining names ("bert.").
 * One example runs at a time (each may have its own length, positions and visible matrix); gradients accumulate.
 */
public final class TrainableEncoder {
    public static final String PREFIX = "bert.";

    /** The weights of one block, in BertLayer order. */
    record Block(Param wq, Param bq, Param wk, Param bk, Param wv, Param bv, Param wo, Param bo, Param attnLnG,
                 Param attnLnB, Param wIn, Param bIn, Param wOut, Param bOut, Param outLnG, Param outLnB) {
    }

    /** The activations of one example's forward, kept for its backward. */
    public static final class Pass {
        final EncoderExample example;
        final int n;
        final AttentionMask mask;
        final int[] positions, types;
        final float[] embSum, embMean, embRstd;
        /** in[l] enters block l; in[layers] is the encoder output. */
        final float[][] in;
        final float[][] q, k, v, att, heads, sum1, mean1, rstd1, mid, up, act, sum2, mean2, rstd2;

        private Pass(EncoderExample e, int layers, int dim) {
            example = e;
            n = e.length();
            mask = AttentionMask.bidirectional(n, e.visible());
            positions = new int[n];
            types = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = e.position(i);
                types[i] = e.type(i);
            }
            embSum = new float[n * dim];
            embMean = new float[n];
            embRstd = new float[n];
            in = new float[layers + 1][];
            q = new float[layers][];
            k = new float[layers][];
            v = new float[layers][];
            att = new float[layers][];
            heads = new float[layers][];
            sum1 = new float[layers][];
            mean1 = new float[layers][];
            rstd1 = new float[layers][];
            mid = new float[layers][];
            up = new float[layers][];
            act = new float[layers][];
            sum2 = new float[layers][];
            mean2 = new float[layers][];
            rstd2 = new float[layers][];
        }

        public EncoderExample example() { return example; }

        /** The encoder output [n, dim] (the last hidden state). */
        public float[] output() { return in[in.length - 1]; }

        /** Attention probabilities of block {@code layer}, [heads, n, n]. */
        public float[] attention(int layer) { return att[layer]; }
    }

    private final EncoderShape shape;
    private final Parallel par;
    private final Param word, position, type, embLnG, embLnB;
    private final Block[] blocks;
    private final List<Param> params;

    public TrainableEncoder(EncoderShape shape, Parallel par) {
        this(shape, par, PREFIX, null, null);
    }

    /**
     * An encoder whose parameter names start with {@code prefix}; {@code sharedWord}/{@code sharedPosition} (may be
     * null) are another encoder's embedding tables used as this one's (ELECTRA's generator shares the discriminator's
     * token and position embeddings, Clark et al. 2020 sec. 3.2): they are not in this encoder's {@link #params()}.
     */
    TrainableEncoder(EncoderShape shape, Parallel par, String prefix, Param sharedWord, Param sharedPosition) {
        this.shape = shape;
        this.par = par;
        int d = shape.dim();
        List<Param> ps = new ArrayList<>();
        String e = prefix + "embeddings.";
        word = sharedWord != null ? requireShape(sharedWord, shape.vocab(), d) : add(ps, new Param(e + "word_embeddings.weight", shape.vocab(), d));
        position = sharedPosition != null ? requireShape(sharedPosition, shape.maxPositions(), d)
                : add(ps, new Param(e + "position_embeddings.weight", shape.maxPositions(), d));
        type = add(ps, new Param(e + "token_type_embeddings.weight", shape.typeVocab(), d));
        embLnG = add(ps, new Param(e + "LayerNorm.weight", d, 1));
        embLnB = add(ps, new Param(e + "LayerNorm.bias", d, 1));
        blocks = new Block[shape.layers()];
        for (int l = 0; l < shape.layers(); l++) {
            String b = prefix + "encoder.layer." + l + ".";
            String s = b + "attention.self.";
            String o = b + "attention.output.";
            blocks[l] = new Block(
                    add(ps, new Param(s + "query.weight", d, d)), add(ps, new Param(s + "query.bias", d, 1)),
                    add(ps, new Param(s + "key.weight", d, d)), add(ps, new Param(s + "key.bias", d, 1)),
                    add(ps, new Param(s + "value.weight", d, d)), add(ps, new Param(s + "value.bias", d, 1)),
                    add(ps, new Param(o + "dense.weight", d, d)), add(ps, new Param(o + "dense.bias", d, 1)),
                    add(ps, new Param(o + "LayerNorm.weight", d, 1)), add(ps, new Param(o + "LayerNorm.bias", d, 1)),
                    add(ps, new Param(b + "intermediate.dense.weight", shape.hidden(), d)),
                    add(ps, new Param(b + "intermediate.dense.bias", shape.hidden(), 1)),
                    add(ps, new Param(b + "output.dense.weight", d, shape.hidden())),
                    add(ps, new Param(b + "output.dense.bias", d, 1)),
                    add(ps, new Param(b + "output.LayerNorm.weight", d, 1)), add(ps, new Param(b + "output.LayerNorm.bias", d, 1)));
        }
        params = Collections.unmodifiableList(ps);
    }

    static Param add(List<Param> ps, Param p) {
        ps.add(p);
        return p;
    }

    private static Param requireShape(Param p, int rows, int cols) {
        if (p.rows() != rows || p.cols() != cols) {
            throw new IllegalArgumentException("shared " + p.name() + " is " + p.rows() + " x " + p.cols()
                    + ", expected " + rows + " x " + cols);
        }
        return p;
    }

    /**
     * BERT's initialisation (its modeling code's init_weights): matrices and embedding tables N(0, 0.02), LayerNorm
     * gains 1, biases 0; drawn in parameter order from one generator. Also used for the heads' parameters.
     */
    static void initialise(List<Param> ps, Random r) {
        for (Param p : ps) {
            float[] w = p.value();
            if (p.isMatrix()) {
                for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.02);
            } else {
                Arrays.fill(w, p.name().endsWith("LayerNorm.weight") ? 1f : 0f);
            }
        }
    }

    public EncoderShape shape() { return shape; }

    /** This encoder's own parameters in a fixed order (shared embedding tables excluded). */
    public List<Param> params() { return params; }

    /** The token embedding table, [vocab, dim] (the MLM decoder's tied weight). */
    Param wordEmbeddings() { return word; }

    Param positionEmbeddings() { return position; }

    public Map<String, Param> paramsByName() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params) m.put(p.name(), p);
        return m;
    }

    /** Runs one example; the returned pass holds the output and what {@link #backward} needs. */
    public Pass forward(EncoderExample e) {
        int n = e.length();
        int d = shape.dim();
        Pass p = new Pass(e, shape.layers(), d);
        for (int i = 0; i < n; i++) {
            check(e.ids()[i], shape.vocab(), "token id");
            check(p.positions[i], shape.maxPositions(), "position");
            check(p.types[i], shape.typeVocab(), "token type");
        }
        float[] tmp = new float[n * d];
        Embedding.forward(p.embSum, e.ids(), word.value(), n, d);
        Embedding.forward(tmp, p.positions, position.value(), n, d);
        addInto(p.embSum, tmp);
        Embedding.forward(tmp, p.types, type.value(), n, d);
        addInto(p.embSum, tmp);
        p.in[0] = new float[n * d];
        LayerNorm.forward(p.in[0], p.embMean, p.embRstd, p.embSum, embLnG.value(), embLnB.value(), n, d, shape.normEps());
        int h = shape.hidden();
        for (int l = 0; l < shape.layers(); l++) {
            Block w = blocks[l];
            float[] x = p.in[l];
            p.q[l] = linear(x, w.wq(), w.bq(), n);
            p.k[l] = linear(x, w.wk(), w.bk(), n);
            p.v[l] = linear(x, w.wv(), w.bv(), n);
            p.att[l] = new float[shape.heads() * n * n];
            p.heads[l] = new float[n * d];
            MaskedAttention.forward(p.heads[l], p.att[l], null, p.q[l], p.k[l], p.v[l], p.mask, 1, shape.heads(),
                    shape.heads(), shape.headDim(), par);
            p.sum1[l] = linear(p.heads[l], w.wo(), w.bo(), n);
            addInto(p.sum1[l], x);
            p.mean1[l] = new float[n];
            p.rstd1[l] = new float[n];
            p.mid[l] = new float[n * d];
            LayerNorm.forward(p.mid[l], p.mean1[l], p.rstd1[l], p.sum1[l], w.attnLnG().value(), w.attnLnB().value(), n, d,
                    shape.normEps());
            p.up[l] = linear(p.mid[l], w.wIn(), w.bIn(), n);
            p.act[l] = new float[n * h];
            Gelu.forwardExact(p.act[l], p.up[l], n * h);
            p.sum2[l] = linear(p.act[l], w.wOut(), w.bOut(), n);
            addInto(p.sum2[l], p.mid[l]);
            p.mean2[l] = new float[n];
            p.rstd2[l] = new float[n];
            p.in[l + 1] = new float[n * d];
            LayerNorm.forward(p.in[l + 1], p.mean2[l], p.rstd2[l], p.sum2[l], w.outLnG().value(), w.outLnB().value(), n, d,
                    shape.normEps());
        }
        return p;
    }

    /** Accumulates into every parameter's gradient the backward of {@code p} for output gradient {@code dOut} [n, dim]. */
    public void backward(Pass p, float[] dOut) {
        int n = p.n;
        int d = shape.dim();
        int h = shape.hidden();
        float[] dx = dOut.clone();
        for (int l = shape.layers() - 1; l >= 0; l--) {
            Block w = blocks[l];
            float[] dSum2 = new float[n * d];
            LayerNorm.backward(dSum2, w.outLnG().grad(), w.outLnB().grad(), dx, p.sum2[l], w.outLnG().value(), p.mean2[l],
                    p.rstd2[l], n, d);
            float[] dMid = dSum2.clone();
            float[] dAct = new float[n * h];
            linearBackward(dAct, dSum2, p.act[l], w.wOut(), w.bOut(), n);
            float[] dUp = new float[n * h];
            Gelu.backwardExact(dUp, dAct, p.up[l], n * h);
            linearBackward(dMid, dUp, p.mid[l], w.wIn(), w.bIn(), n);
            float[] dSum1 = new float[n * d];
            LayerNorm.backward(dSum1, w.attnLnG().grad(), w.attnLnB().grad(), dMid, p.sum1[l], w.attnLnG().value(),
                    p.mean1[l], p.rstd1[l], n, d);
            float[] dIn = dSum1.clone();
            float[] dHeads = new float[n * d];
            linearBackward(dHeads, dSum1, p.heads[l], w.wo(), w.bo(), n);
            float[] dq = new float[n * d];
            float[] dk = new float[n * d];
            float[] dv = new float[n * d];
            MaskedAttention.backward(dq, dk, dv, null, null, dHeads, p.att[l], null, p.q[l], p.k[l], p.v[l], p.mask, 1,
                    shape.heads(), shape.heads(), shape.headDim(), par);
            float[] x = p.in[l];
            linearBackward(dIn, dq, x, w.wq(), w.bq(), n);
            linearBackward(dIn, dk, x, w.wk(), w.bk(), n);
            linearBackward(dIn, dv, x, w.wv(), w.bv(), n);
            dx = dIn;
        }
        float[] dEmb = new float[n * d];
        LayerNorm.backward(dEmb, embLnG.grad(), embLnB.grad(), dx, p.embSum, embLnG.value(), p.embMean, p.embRstd, n, d);
        Embedding.backward(word.grad(), dEmb, p.example.ids(), n, d);
        Embedding.backward(position.grad(), dEmb, p.positions, n, d);
        Embedding.backward(type.grad(), dEmb, p.types, n, d);
    }

    /** y = x W^T + b over n rows. */
    float[] linear(float[] x, Param w, Param b, int n) {
        float[] y = new float[n * w.rows()];
        Linear.forward(y, x, w.value(), n, w.cols(), w.rows(), par);
        if (b != null) Bias.forward(y, b.value(), n, w.rows());
        return y;
    }

    /** The backward of {@link #linear}: dx += dy W, dW += dy^T x, db += column sums of dy. */
    void linearBackward(float[] dx, float[] dy, float[] x, Param w, Param b, int n) {
        if (b != null) Bias.backward(b.grad(), dy, n, w.rows());
        Linear.backward(dx, w.grad(), dy, x, w.value(), n, w.cols(), w.rows(), par);
    }

    static void addInto(float[] y, float[] x) {
        addInto(y, x, y.length);
    }

    /** y[0..n) += x[0..n). */
    static void addInto(float[] y, float[] x, int n) {
        for (int i = 0; i < n; i++) y[i] += x[i];
    }

    private static void check(int value, int bound, String what) {
        if (value < 0 || value >= bound) {
            throw new IllegalArgumentException(what + " " + value + " outside 0.." + (bound - 1));
        }
    }
}
