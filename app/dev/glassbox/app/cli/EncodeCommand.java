package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Finite;
import dev.glassbox.engine.trace.HookSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Run an encoder (e.g. the bundled all-MiniLM-L6-v2) on a text: token ids and the last hidden state.")
public final class EncodeCommand extends ConsoleCommand {
    @Option(names = "--model", defaultValue = "minilm", paramLabel = "PATH",
            description = "encoder model file or folder, or a bundled encoder: 'minilm' (all-MiniLM-L6-v2, default),"
                    + " 'bge-small-zh' (bge-small-zh-v1.5, Chinese)")
    String model;

    @Option(names = "--tokenizer", converter = Converters.InputFile.class, paramLabel = "PATH", description = "tokenizer.json, when not beside the model")
    java.nio.file.Path tokenizer;

    @Option(names = "--text", required = true, description = "text to encode")
    String text;

    @Option(names = "--json", description = "machine-readable output, including the full hidden state")
    boolean json;

    @Override
    int run(PrintWriter out) throws Exception {
        LoadedModel m = ModelOptions.load(model, tokenizer, Parallel.shared());
        if (m.isDecoder()) throw new IllegalArgumentException(m.name() + " is a decoder; use 'generate' or 'trace'");
        if (text.isBlank()) throw new IllegalArgumentException("the text is empty: nothing to encode");
        ModelOptions.warnUnknownWords(m, text, err());
        int[] ids = m.tokenizer().encode(text);
        float[][] hidden = m.encoder().encode(ids, null, Capture.none(m.config().layers()));
        for (int i = 0; i < hidden.length; i++) {
            if (Finite.firstNonFinite(hidden[i]) >= 0) {
                // encode again with every hook captured: Capture's check stops at the first hook the bad value reaches
                m.encoder().encode(ids, null, new Capture(HookSelection.ALL, m.config().layers()));
                Finite.check(hidden[i], "the last hidden state", i);
            }
        }
        int dim = hidden[0].length;
        SentencePooling pooling = m.encoder().pooling();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", m.name());
            o.put("token_ids", ids);
            List<String> tokens = new ArrayList<>();
            for (int id : ids) tokens.add(m.tokenizer().display(id));
            o.put("tokens", tokens);
            o.put("hidden_size", dim);
            o.put("pooling", pooling.label());
            o.put("sentence_embedding", pooling.embed(hidden));
            o.put("last_hidden_state", hidden);
            out.println(Json.MAPPER.writeValueAsString(o));
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
}
