package dev.glassbox.engine.analysis.walkthrough;

import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;

/**
 * The arithmetic of one decoder family that a walkthrough recomputes between two hooks, done with the same
 * kernels, in the same order, as the family's forward pass (so the results equal the captured hooks).
 */
sealed interface BlockMath permits BlockMath.Llama, BlockMath.Gpt2 {

    ModelConfig config();

    /** The token's embedding row. */
    float[] tokenRow(int token);

    /** The learned position row added to it, or null when positions are rotary. */
    float[] positionRow(int position);

    String normFormula();

    float[] attnNorm(int layer, float[] x);

    /** q (qDim), k and v (kvDim each) before any rotation. */
    float[][] qkv(int layer, float[] normed);

    /** The rotary embedding, or null when the family has learned positions. */
    Rope rope();

    float[] outProj(int layer, float[] heads);

    boolean hasBias();

    /** Null for an attention-only block. */
    MlpShape mlp(int layer);

    float[] mlpNorm(int layer, float[] x);

    /** Llama: {gate, up}; GPT-2: {W_fc x + b}. */
    float[][] mlpIn(int layer, float[] normed);

    /** The activation applied to {@link #mlpIn}. */
    float[] mlpAct(float[][] in);

    float[] mlpDown(int layer, float[] act);

    float[] finalNorm(float[] x);

    float[] unembed(float[] normed);

    enum MlpShape { SWIGLU, GELU, EXPERTS }

    static float[] matvec(dev.glassbox.engine.tensor.Tensor w, float[] x, float[] bias, Parallel p) {
        float[] out = new float[w.rows()];
        if (bias == null) {
            Kernels.matvec(w, x, out, p);
        } else {
            Kernels.matvec(w, x, bias, out, p);
        }
        return out;
    }

    record Llama(LlamaModel model) implements BlockMath {
        private LlamaModel.Layer w(int l) { return model.weights().layers()[l]; }

        @Override public ModelConfig config() { return model.config(); }

        @Override
        public float[] tokenRow(int token) {
            float[] x = new float[config().dim()];
            model.weights().tokenEmbedding().readRow(token, x, 0);
            return x;
        }

        @Override public float[] positionRow(int position) { return null; }

        @Override public String normFormula() { return "x̂ = x / √(mean(x²) + ε) ⊙ g"; }

        private float[] rms(float[] x, float[] gain) {
            float[] out = new float[x.length];
            Kernels.rmsnorm(out, x, gain, x.length, config().normEps());
            return out;
        }

        @Override public float[] attnNorm(int layer, float[] x) { return rms(x, w(layer).attnNorm()); }

        @Override
        public float[][] qkv(int layer, float[] normed) {
            LlamaModel.Layer w = w(layer);
            float[] q = new float[config().qDim()];
            float[] k = new float[config().kvDim()];
            float[] v = new float[config().kvDim()];
            Kernels.matvec(normed, model.parallel(), w.wq(), q, w.wk(), k, w.wv(), v);
            if (w.bq() != null) Kernels.add(q, w.bq(), q.length);
            if (w.bk() != null) Kernels.add(k, w.bk(), k.length);
            if (w.bv() != null) Kernels.add(v, w.bv(), v.length);
            return new float[][] {q, k, v};
        }

        @Override public Rope rope() { return model.rope(); }

        @Override public float[] outProj(int layer, float[] heads) { return matvec(w(layer).wo(), heads, null, model.parallel()); }

        @Override public boolean hasBias() { return w(0).bq() != null; }

        @Override
        public MlpShape mlp(int layer) {
            LlamaModel.Layer w = w(layer);
            return w.experts() != null ? MlpShape.EXPERTS : w.wDown() != null ? MlpShape.SWIGLU : null;
        }

        @Override public float[] mlpNorm(int layer, float[] x) { return rms(x, w(layer).ffnNorm()); }

        @Override
        public float[][] mlpIn(int layer, float[] normed) {
            LlamaModel.Layer w = w(layer);
            float[] gate = new float[config().hiddenDim()];
            float[] up = new float[config().hiddenDim()];
            Kernels.matvec(normed, model.parallel(), w.wGate(), gate, w.wUp(), up);
            return new float[][] {gate, up};
        }

        @Override
        public float[] mlpAct(float[][] in) {
            float[] h = in[0].clone();
            Kernels.swiglu(h, in[1], h.length);
            return h;
        }

        @Override public float[] mlpDown(int layer, float[] act) { return matvec(w(layer).wDown(), act, null, model.parallel()); }

        @Override public float[] finalNorm(float[] x) { return rms(x, model.weights().finalNorm()); }

        @Override public float[] unembed(float[] normed) { return matvec(model.weights().output(), normed, null, model.parallel()); }

        ExpertMlp experts(int layer) { return w(layer).experts(); }
    }

    record Gpt2(Gpt2Model model) implements BlockMath {
        private Gpt2Model.Layer w(int l) { return model.weights().layers()[l]; }

        @Override public ModelConfig config() { return model.config(); }

        private float[] row(dev.glassbox.engine.tensor.Tensor t, int r) {
            float[] x = new float[config().dim()];
            t.readRow(r, x, 0);
            return x;
        }

        @Override public float[] tokenRow(int token) { return row(model.weights().tokenEmbedding(), token); }

        @Override public float[] positionRow(int position) { return row(model.weights().positionEmbedding(), position); }

        @Override public String normFormula() { return "x̂ = (x − μ) / √(σ² + ε) ⊙ γ + β"; }

        private float[] ln(float[] x, float[] gamma, float[] beta) {
            float[] out = new float[x.length];
            Kernels.layernorm(out, x, gamma, beta, x.length, config().normEps());
            return out;
        }

        @Override public float[] attnNorm(int layer, float[] x) { return ln(x, w(layer).ln1Gamma(), w(layer).ln1Beta()); }

        @Override
        public float[][] qkv(int layer, float[] normed) {
            float[] qkv = matvec(w(layer).wQkv(), normed, w(layer).bQkv(), Parallel.SERIAL);
            int d = config().dim();
            return new float[][] {java.util.Arrays.copyOfRange(qkv, 0, d), java.util.Arrays.copyOfRange(qkv, d, 2 * d),
                    java.util.Arrays.copyOfRange(qkv, 2 * d, 3 * d)};
        }

        @Override public Rope rope() { return null; }

        @Override public float[] outProj(int layer, float[] heads) { return matvec(w(layer).wo(), heads, w(layer).bo(), Parallel.SERIAL); }

        @Override public boolean hasBias() { return true; }

        @Override public MlpShape mlp(int layer) { return MlpShape.GELU; }

        @Override public float[] mlpNorm(int layer, float[] x) { return ln(x, w(layer).ln2Gamma(), w(layer).ln2Beta()); }

        @Override
        public float[][] mlpIn(int layer, float[] normed) {
            return new float[][] {matvec(w(layer).wFc(), normed, w(layer).bFc(), Parallel.SERIAL)};
        }

        @Override
        public float[] mlpAct(float[][] in) {
            float[] h = in[0].clone();
            for (int i = 0; i < h.length; i++) {
                h[i] = Kernels.geluTanh(h[i]);
            }
            return h;
        }

        @Override public float[] mlpDown(int layer, float[] act) { return matvec(w(layer).wProj(), act, w(layer).bProj(), Parallel.SERIAL); }

        @Override
        public float[] finalNorm(float[] x) { return ln(x, model.weights().lnFGamma(), model.weights().lnFBeta()); }

        @Override
        public float[] unembed(float[] normed) { return matvec(model.weights().tokenEmbedding(), normed, null, Parallel.SERIAL); }
    }
}
