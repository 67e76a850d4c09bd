package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;


import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's architecture, shapes, parameter count and tokenizer.")
public final class InspectCommand extends ModelCommand {
    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    int run(PrintWriter out) throws Exception {
        LoadedModel m = model.load();
        ModelConfig c = m.config();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", m.name());
        o.put("format", m.format());
        o.put("architecture", c.architecture().name().toLowerCase());
        o.put("dim", c.dim());
        o.put("hidden_dim", c.hiddenDim());
        o.put("layers", c.layers());
        o.put("heads", c.heads());
        o.put("kv_heads", c.kvHeads());
        o.put("head_dim", c.headDim());
        o.put("vocab_size", c.vocabSize());
        o.put("context_length", c.contextLength());
        o.put("rope", c.ropeStyle().name().toLowerCase());
        o.put("parameters", m.model().parameterCount());
        Map<String, Long> dtypes = new java.util.TreeMap<>();
        m.model().matrices().values().forEach(t -> dtypes.merge(t.dtype().name(), 1L, Long::sum));
        o.put("matrix_dtypes", dtypes);
        o.put("tokenizer", m.tokenizer() == null ? "none" : m.tokenizer().getClass().getSimpleName()
                + " (" + m.tokenizer().vocabSize() + " tokens)");
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(o));
        } else {
            o.forEach((k, v) -> out.printf("%-15s %s%n", k, v));
        }
        return 0;
    }
}
