package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import dev.glassbox.engine.analysis.Perplexity;
import dev.glassbox.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.glassbox.engine.io.Json;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Per-token log-probabilities and perplexity of a text.")
public final class ScoreCommand extends ModelCommand {
    @Option(names = "--text-file", converter = Converters.InputFile.class, required = true, paramLabel = "F", description = "UTF-8 text to score")
    Path textFile;

    @Option(names = "--context", converter = Converters.TwoOrMore.class, paramLabel = "N",
            description = "tokens of history per window (default: the model's context); longer texts use windows strided by N/2")
    Integer context;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    int run(PrintWriter out) throws Exception {
        LoadedModel m = model.loadWithTokenizer();
        if (!m.isDecoder()) throw new IllegalArgumentException(m.name() + " is an encoder; perplexity needs a decoder");
        String text = Files.readString(textFile, StandardCharsets.UTF_8);
        int[] ids = m.tokenizer().encode(text);
        int ctx = context == null ? m.config().contextLength() : context;
        Perplexity.Result r = Perplexity.score(m.decoder(), ids, ctx, () -> false);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tokens", ids.length);
            o.put("context", r.context());
            o.put("perplexity", r.perplexity());
            o.put("mean_nll", r.meanNll());
            o.put("sequence_log_prob", r.sequenceLogProb());
            List<Object> per = new ArrayList<>();
            for (int i = 0; i < r.logProbs().length; i++) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("position", i + 1);
                t.put("token", ids[i + 1]);
                t.put("log_prob", r.logProbs()[i]);
                per.add(t);
            }
            o.put("per_token", per);
            out.println(Json.MAPPER.writeValueAsString(o));
        } else {
            out.println("position\ttoken\tlog_prob\ttext");
            for (int i = 0; i < r.logProbs().length; i++) {
                out.printf(Locale.ROOT, "%d\t%d\t%.5f\t%s%n", i + 1, ids[i + 1], r.logProbs()[i], m.tokenizer().display(ids[i + 1]));
            }
            out.printf(Locale.ROOT, "%d tokens scored with context %d: perplexity %.4f, mean NLL %.4f nats, log-prob %.2f%n",
                    r.logProbs().length, r.context(), r.perplexity(), r.meanNll(), r.sequenceLogProb());
        }
        return 0;
    }
}
