package dev.glassbox.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Finite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Run an encoder (e.g. the bundled all-MiniLM-L6-v2) on a text: token ids and the last hidden state.")
public final class EncodeCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "minilm", paramLabel = "PATH",
            description = "encoder model file or folder, or 'minilm' for the bundled all-MiniLM-L6-v2 (default)")
    String model;

    @Option(names = "--tokenizer", converter = Converters.InputFile.class, paramLabel = "PATH", description = "tokenizer.json, when not beside the model")
    java.nio.file.Path tokenizer;

    @Option(names = "--text", required = true, description = "text to encode")
    String text;

    @Option(names = "--json", description = "machine-readable output, including the full hidden state")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadedModel m = load();
        if (m.isDecoder()) throw new IllegalArgumentException(m.name() + " is a decoder; use 'generate' or 'trace'");
        if (text.isBlank()) throw new IllegalArgumentException("the text is empty: nothing to encode");
        int[] ids = m.tokenizer().encode(text);
        float[][] hidden = m.encoder().encode(ids, null, Capture.none(m.config().layers()));
        for (int i = 0; i < hidden.length; i++) Finite.check(hidden[i], "the last hidden state", i);
        int dim = hidden[0].length;
        float[] mean = new float[dim];
        for (float[] row : hidden) for (int i = 0; i < dim; i++) mean[i] += row[i] / hidden.length;
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", m.name());
            o.put("token_ids", ids);
            List<String> tokens = new ArrayList<>();
            for (int id : ids) tokens.add(m.tokenizer().display(id));
            o.put("tokens", tokens);
            o.put("hidden_size", dim);
            o.put("mean_pooled", mean);
            o.put("last_hidden_state", hidden);
            out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            out.printf("%s: %d tokens, hidden size %d%n", m.name(), ids.length, dim);
            for (int i = 0; i < ids.length; i++) {
                float[] h = hidden[i];
                double norm = 0;
                for (float v : h) norm += v * v;
                out.printf(Locale.ROOT, "%4d %6d %-16s |h| = %8.4f  h[0..3] = %+.4f %+.4f %+.4f %+.4f%n", i, ids[i],
                        m.tokenizer().display(ids[i]), Math.sqrt(norm), h[0], h[1], h[2], h[3]);
            }
        }
        return 0;
    }

    private LoadedModel load() throws IOException {
        if (model.equalsIgnoreCase("minilm")) return OnnxModels.loadBundledMiniLm();
        return ModelLoader.load(java.nio.file.Path.of(model), tokenizer);
    }
}
