package dev.glassbox.app.cli;

import java.io.IOException;
import java.nio.file.Path;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import picocli.CommandLine.Option;

/** --model / --tokenizer / --threads, shared by the commands that load a model. */
public final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "model file or folder (llama2.c .bin, .gguf, Hugging Face folder, .onnx)")
    Path model;

    @Option(names = "--tokenizer", converter = Converters.InputFile.class, paramLabel = "PATH", description = "tokenizer file, when not beside the model")
    Path tokenizer;

    @Option(names = "--threads", converter = Converters.Positive.class, paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    public LoadedModel load() throws IOException {
        Parallel p = threads == null ? Parallel.shared() : new Parallel(threads);
        return ModelLoader.load(model, tokenizer, p);
    }
}
