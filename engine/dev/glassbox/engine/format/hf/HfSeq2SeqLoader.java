package dev.glassbox.engine.format.hf;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/** A {@value Seq2SeqModel#MODEL_TYPE} folder (tensor names in {@link Seq2SeqModel}) into {@link Seq2SeqModel}. */
final class HfSeq2SeqLoader {
    private HfSeq2SeqLoader() {
    }

    static Seq2SeqModel load(HfConfig hf, HfCheckpoint w, Parallel parallel) throws FormatException {
        ModelConfig c = hf.model();
        Seq2SeqModel.Spec spec = hf.seq2seq();
        int dim = c.dim();
        Tensor embedding = w.matrix("model.shared.weight", c.vocabSize(), dim);
        Seq2SeqModel.EncoderLayer[] enc = new Seq2SeqModel.EncoderLayer[spec.encoderLayers()];
        for (int l = 0; l < enc.length; l++) {
            String p = "model.encoder.layers." + l + ".";
            enc[l] = new Seq2SeqModel.EncoderLayer(attention(w, c, p + "input_layernorm.weight", p + "self_attn."),
                    mlp(w, c, p));
        }
        Seq2SeqModel.DecoderLayer[] dec = new Seq2SeqModel.DecoderLayer[c.layers()];
        for (int l = 0; l < dec.length; l++) {
            String p = "model.decoder.layers." + l + ".";
            dec[l] = new Seq2SeqModel.DecoderLayer(attention(w, c, p + "input_layernorm.weight", p + "self_attn."),
                    attention(w, c, p + "cross_attn_layernorm.weight", p + "cross_attn."), mlp(w, c, p));
        }
        Seq2SeqModel.Weights weights = new Seq2SeqModel.Weights(embedding, enc, w.vector("model.encoder.norm.weight", dim),
                dec, w.vector("model.decoder.norm.weight", dim));
        return new Seq2SeqModel(c, spec, weights, parallel);
    }

    private static Seq2SeqModel.Attention attention(HfCheckpoint w, ModelConfig c, String norm, String p)
            throws FormatException {
        int d = c.dim();
        int q = c.qDim();
        return new Seq2SeqModel.Attention(w.vector(norm, d), w.matrix(p + "q_proj.weight", q, d),
                w.matrix(p + "k_proj.weight", q, d), w.matrix(p + "v_proj.weight", q, d), w.matrix(p + "o_proj.weight", d, q));
    }

    private static Seq2SeqModel.Mlp mlp(HfCheckpoint w, ModelConfig c, String p) throws FormatException {
        int d = c.dim();
        int h = c.hiddenDim();
        return new Seq2SeqModel.Mlp(w.vector(p + "post_attention_layernorm.weight", d),
                w.matrix(p + "mlp.gate_proj.weight", h, d), w.matrix(p + "mlp.up_proj.weight", h, d),
                w.matrix(p + "mlp.down_proj.weight", d, h));
    }
}
