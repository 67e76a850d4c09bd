package dev.glassbox.engine.model;

import java.nio.file.Path;

import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * A model ready to run, with where it came from.
 *
 * @param format short format name: "llama2c", "gguf", "hf", "onnx"
 */
public record LoadedModel(String name, Path source, String format, LanguageModel model, Tokenizer tokenizer) {
    public ModelConfig config() { return model.config(); }

    public boolean isDecoder() { return model instanceof DecoderModel; }

    public DecoderModel decoder() {
        if (model instanceof DecoderModel d) {
            return d;
        }
        throw new IllegalStateException(name + " is an encoder; it embeds text but does not generate");
    }

    public boolean isSeq2Seq() { return model instanceof Seq2SeqModel; }

    public Seq2SeqModel seq2seq() {
        if (model instanceof Seq2SeqModel s) {
            return s;
        }
        throw new IllegalStateException(name + " is not an encoder-decoder");
    }

    public EncoderModel encoder() {
        if (model instanceof EncoderModel e) {
            return e;
        }
        throw new IllegalStateException(name + " is a decoder, not an encoder");
    }
}
