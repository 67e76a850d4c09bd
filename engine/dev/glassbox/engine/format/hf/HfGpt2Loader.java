package dev.glassbox.engine.format.hf;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/**
 * GPT2LMHeadModel / GPT2Model tensors into {@link Gpt2Model}. GPT-2's Conv1D stores weights [in, out]
 * (y = x W + b); they are transposed once here into [out, in] float32 so the shared matvec applies.
 */
final class HfGpt2Loader {
    private HfGpt2Loader() {
    }

    static Gpt2Model load(HfConfig hf, HfCheckpoint w, Parallel parallel) throws FormatException {
        ModelConfig c = hf.model();
        String p = w.prefix("wte.weight", "transformer.", "");
        int dim = c.dim();
        int hidden = c.hiddenDim();
        Gpt2Model.Layer[] layers = new Gpt2Model.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            String b = p + "h." + l + ".";
            layers[l] = new Gpt2Model.Layer(
                    w.vector(b + "ln_1.weight", dim), w.vector(b + "ln_1.bias", dim),
                    conv1d(w, b + "attn.c_attn.weight", dim, 3 * dim), w.vector(b + "attn.c_attn.bias", 3 * dim),
                    conv1d(w, b + "attn.c_proj.weight", dim, dim), w.vector(b + "attn.c_proj.bias", dim),
                    w.vector(b + "ln_2.weight", dim), w.vector(b + "ln_2.bias", dim),
                    conv1d(w, b + "mlp.c_fc.weight", dim, hidden), w.vector(b + "mlp.c_fc.bias", hidden),
                    conv1d(w, b + "mlp.c_proj.weight", hidden, dim), w.vector(b + "mlp.c_proj.bias", dim));
        }
        Gpt2Model.Weights weights = new Gpt2Model.Weights(
                w.matrix(p + "wte.weight", c.vocabSize(), dim), w.matrix(p + "wpe.weight", c.contextLength(), dim),
                layers, w.vector(p + "ln_f.weight", dim), w.vector(p + "ln_f.bias", dim));
        return new Gpt2Model(c, weights, parallel);
    }

    /** A Conv1D weight stored [in, out], returned as an [out, in] matrix. */
    private static Tensor conv1d(HfCheckpoint w, String name, int in, int out) throws FormatException {
        float[] src = w.matrixFloats(name, in, out);
        float[] t = new float[src.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                t[o * in + i] = src[i * out + o];
            }
        }
        return F32Tensor.of(t, out, in);
    }
}
