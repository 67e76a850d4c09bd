package dev.glassbox.engine.analysis.walkthrough;

import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * The arithmetic of a BERT encoder that a walkthrough recomputes between two hooks for one position, with the same
 * kernels, in the same order, as {@link BertModel}'s forward (so the results equal its captured hooks).
 */
record BertMath(BertModel model) {

    ModelConfig config() { return model.config(); }

    private BertModel.Layer w(int l) { return model.weights().layers()[l]; }

    private float[] row(Tensor t, int r) {
        float[] x = new float[config().dim()];
        t.readRow(r, x, 0);
        return x;
    }

    float[] wordRow(int token) { return row(model.weights().wordEmbeddings(), token); }

    float[] positionRow(int position) { return row(model.weights().positionEmbeddings(), position); }

    float[] typeRow(int type) { return row(model.weights().tokenTypeEmbeddings(), type); }

    /** word + position + type, added in the model's order. */
    float[] embeddingSum(int token, int position, int type) {
        float[] x = wordRow(token);
        Kernels.add(x, positionRow(position), x.length);
        Kernels.add(x, typeRow(type), x.length);
        return x;
    }

    float[] embeddingNorm(float[] sum) {
        return ln(sum, model.weights().embLnGamma(), model.weights().embLnBeta());
    }

    private float[] ln(float[] x, float[] gamma, float[] beta) {
        float[] out = new float[x.length];
        Kernels.layernorm(out, x, gamma, beta, x.length, config().normEps());
        return out;
    }

    private static float[] linear(Tensor w, float[] bias, float[] x) {
        float[][] y = new float[1][w.rows()];
        Kernels.matmul(w, new float[][] {x}, bias, y, 1, Parallel.SERIAL);
        return y[0];
    }

    /** q, k, v (qDim each) of the residual {@code x} entering layer {@code l}. */
    float[][] qkv(int l, float[] x) {
        BertModel.Layer w = w(l);
        return new float[][] {linear(w.wq(), w.bq(), x), linear(w.wk(), w.bk(), x), linear(w.wv(), w.bv(), x)};
    }

    float[] outProj(int l, float[] heads) { return linear(w(l).wo(), w(l).bo(), heads); }

    /** Post-LN: LayerNorm(x + attn). */
    float[] addNormAttn(int l, float[] x, float[] attn) { return addNorm(x, attn, w(l).attnLnGamma(), w(l).attnLnBeta()); }

    /** Post-LN: LayerNorm(x′ + mlp). */
    float[] addNormMlp(int l, float[] x, float[] mlp) { return addNorm(x, mlp, w(l).outLnGamma(), w(l).outLnBeta()); }

    private float[] addNorm(float[] x, float[] sub, float[] gamma, float[] beta) {
        float[] sum = x.clone();
        Kernels.add(sum, sub, sum.length);
        return ln(sum, gamma, beta);
    }

    float[] mlpIn(int l, float[] x) { return linear(w(l).wIn(), w(l).bIn(), x); }

    float[] gelu(float[] u) {
        float[] h = u.clone();
        Kernels.geluExact(h, h.length);
        return h;
    }

    float[] mlpOut(int l, float[] h) { return linear(w(l).wOut(), w(l).bOut(), h); }
}
