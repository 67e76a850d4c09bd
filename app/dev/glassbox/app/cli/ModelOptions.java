package dev.glassbox.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.VocabularyCoverage;
import picocli.CommandLine.Option;

/** --model / --tokenizer / --threads, shared by the commands that load a model. */
public final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "model file or folder (llama2.c .bin, .gguf, Hugging Face folder, .onnx), or a bundled"
                    + " encoder: 'minilm' (all-MiniLM-L6-v2), 'bge-small-zh' (bge-small-zh-v1.5, Chinese)")
    Path model;

    @Option(names = "--tokenizer", converter = Converters.InputFile.class, paramLabel = "PATH", description = "tokenizer file, when not beside the model")
    Path tokenizer;

    @Option(names = "--threads", converter = Converters.Positive.class, paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    /** The model and tokenizer paths as inputs an output must stay apart from. */
    dev.glassbox.engine.io.OutputFolder.Input[] inputs() {
        return new dev.glassbox.engine.io.OutputFolder.Input[] {ForceOption.input("--model", model),
                ForceOption.input("--tokenizer", tokenizer)};
    }

    public LoadedModel load() throws IOException {
        Parallel p = threads == null ? Parallel.shared() : new Parallel(threads);
        return load(model.toString(), tokenizer, p);
    }

    /**
     * The model file or folder {@code model}, or, when no such file exists, the bundled encoder it names
     * ({@link BundledEncoder#alias()}: 'minilm', 'bge-small-zh').
     */
    static LoadedModel load(String model, Path tokenizer, Parallel parallel) throws IOException {
        Path path = Path.of(model);
        Optional<BundledEncoder> bundled = Files.exists(path) ? Optional.empty() : BundledEncoder.byAlias(model);
        if (bundled.isEmpty()) {
            return ModelLoader.load(path, tokenizer, parallel);
        }
        if (tokenizer != null) {
            throw new IllegalArgumentException("--tokenizer does not apply to the bundled " + bundled.get().modelName()
                    + ", which brings its own");
        }
        return OnnxModels.loadBundled(bundled.get(), parallel);
    }

    /**
     * Warns on {@code err} when part of {@code text} maps to the model's unknown token, naming the lost words and,
     * for Chinese text in an encoder without it, the bundled Chinese encoder.
     */
    static void warnUnknownWords(LoadedModel m, String text, PrintWriter err) {
        if (m.tokenizer() == null) {
            return;
        }
        VocabularyCoverage c = VocabularyCoverage.of(m.tokenizer(), text);
        if (c.complete()) {
            return;
        }
        BundledEncoder zh = BundledEncoder.BGE_SMALL_ZH;
        boolean suggest = c.hasUnknownChinese() && !m.isDecoder() && !m.isSeq2Seq()
                && !m.name().equals(zh.modelName()) && zh.available();
        err.println("warning: " + c.describe(m.name()) + (suggest ? " \u2014 try --model " + zh.alias() : ""));
        err.flush();
    }

    /** {@link #load}, for commands that read text: a model without a tokenizer is a usage error naming --tokenizer. */
    public LoadedModel loadWithTokenizer() throws IOException {
        LoadedModel m = load();
        ModelLoader.requireTokenizer(m);
        return m;
    }
}
