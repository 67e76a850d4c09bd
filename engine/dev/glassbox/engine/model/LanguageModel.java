package dev.glassbox.engine.model;

import java.util.Map;

import dev.glassbox.engine.tensor.Tensor;

/** Any loaded model: a decoder (generates), an encoder (embeds) or an encoder-decoder (maps a source to a target). */
public sealed interface LanguageModel permits DecoderModel, EncoderModel, Seq2SeqModel {
    ModelConfig config();

    /** Every weight matrix under a stable name (llama.cpp GGUF names where they exist), in model order. */
    Map<String, Tensor> matrices();

    /** Every weight vector (norm gains, biases) under a stable name, in model order. */
    Map<String, float[]> vectors();

    default long parameterCount() {
        long n = 0;
        for (Tensor t : matrices().values()) {
            n += (long) t.rows() * t.cols();
        }
        for (float[] v : vectors().values()) {
            n += v.length;
        }
        return n;
    }
}
