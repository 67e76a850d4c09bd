package dev.glassbox.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import dev.glassbox.engine.io.ModelFiles;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/** --text-file / --max-len for the context commands, and the checks they share. */
public final class ContextText {
    @Option(names = "--text-file", converter = Converters.InputFile.class, required = true, paramLabel = "F", description = "UTF-8 text to score")
    Path textFile;

    @Option(names = "--max-len", converter = Converters.TwoOrMore.class, defaultValue = "2048", description = "tokens of the text to score (default ${DEFAULT-VALUE})")
    int maxLen;

    /** The model, its rotary decoder and the text's tokens: what every context command reads. */
    record Loaded(LoadedModel model, LlamaModel decoder, int[] ids) {
    }

    /** Loads the model (it needs a tokenizer and a rotary decoder) and the text's tokens. */
    Loaded load(ModelOptions options) throws IOException {
        LoadedModel m = options.loadWithTokenizer();
        return new Loaded(m, rotaryDecoder(m), tokens(m));
    }

    /** The model as a rotary decoder, which every context method needs. */
    static LlamaModel rotaryDecoder(LoadedModel m) {
        if (m.model() instanceof LlamaModel llama) return llama;
        throw new IllegalArgumentException("context methods need a rotary-position decoder (llama family); "
                + m.name() + " is " + m.config().architecture().name().toLowerCase(Locale.ROOT));
    }

    /** The text's tokens, at most --max-len of them. */
    int[] tokens(LoadedModel m) throws IOException {
        // invalid UTF-8 is reported with its byte offset; the tokenizer refuses texts over Tokenizer.MAX_TEXT_CHARS
        int[] ids = m.tokenizer().encode(ModelFiles.readUtf8(textFile, 4L * Tokenizer.MAX_TEXT_CHARS, "text"));
        if (ids.length < 2) throw new IllegalArgumentException(textFile + " holds fewer than two tokens");
        return ids.length > maxLen ? Arrays.copyOf(ids, maxLen) : ids;
    }
}
