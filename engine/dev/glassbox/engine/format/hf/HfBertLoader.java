package dev.glassbox.engine.format.hf;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Tensor;

/** BertModel tensors (optionally under "bert." as in BertFor* checkpoints) into {@link BertModel}. */
final class HfBertLoader {
    private HfBertLoader() {
    }

    static BertModel load(HfConfig hf, HfCheckpoint w, Parallel parallel) throws FormatException {
        ModelConfig c = hf.model();
        String p = w.prefix("embeddings.word_embeddings.weight", "", "bert.");
        int dim = c.dim();
        int hidden = c.hiddenDim();
        BertModel.Layer[] layers = new BertModel.Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            String b = p + "encoder.layer." + l + ".";
            String s = b + "attention.self.";
            String o = b + "attention.output.";
            layers[l] = new BertModel.Layer(
                    w.matrix(s + "query.weight", dim, dim), w.vector(s + "query.bias", dim),
                    w.matrix(s + "key.weight", dim, dim), w.vector(s + "key.bias", dim),
                    w.matrix(s + "value.weight", dim, dim), w.vector(s + "value.bias", dim),
                    w.matrix(o + "dense.weight", dim, dim), w.vector(o + "dense.bias", dim),
                    w.vector(o + "LayerNorm.weight", dim), w.vector(o + "LayerNorm.bias", dim),
                    w.matrix(b + "intermediate.dense.weight", hidden, dim), w.vector(b + "intermediate.dense.bias", hidden),
                    w.matrix(b + "output.dense.weight", dim, hidden), w.vector(b + "output.dense.bias", dim),
                    w.vector(b + "output.LayerNorm.weight", dim), w.vector(b + "output.LayerNorm.bias", dim));
        }
        String e = p + "embeddings.";
        boolean pooler = w.has(p + "pooler.dense.weight");
        Tensor poolerW = pooler ? w.matrix(p + "pooler.dense.weight", dim, dim) : null;
        float[] poolerB = pooler ? w.vector(p + "pooler.dense.bias", dim) : null;
        BertModel.Weights weights = new BertModel.Weights(
                w.matrix(e + "word_embeddings.weight", c.vocabSize(), dim),
                w.matrix(e + "position_embeddings.weight", c.contextLength(), dim),
                w.matrix(e + "token_type_embeddings.weight", hf.typeVocabSize(), dim),
                w.vector(e + "LayerNorm.weight", dim), w.vector(e + "LayerNorm.bias", dim),
                layers, poolerW, poolerB);
        return new BertModel(c, weights, parallel);
    }
}
