package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.Cost;
import dev.glassbox.engine.context.LearnedCompression;
import dev.glassbox.engine.context.NativeContext;
import dev.glassbox.engine.context.Passkey;
import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "context-compare", mixinStandardHelpOptions = true,
        description = "Compare context-window methods on one model and text: perplexity by position, passkey retrieval, coverage and cost.")
public final class ContextCompareCommand extends ContextCommand {
    @Option(names = "--method", converter = Converters.ContextMethod.class, required = true, paramLabel = "SPEC",
            description = "a method, e.g. full, sliding:W=128, streaming:sinks=4,W=124, yarn:s=4, or native (the method the model "
                    + "was trained with, from its config.json); repeat the option")
    List<String> methods;

    @Option(names = "--passkey-lengths", converter = Converters.PasskeyLengths.class, defaultValue = "256,512,1024",
            description = "comma-separated prompt lengths of the passkey grid (default ${DEFAULT-VALUE}; \"\" or none to skip)")
    String passkeyLengths;

    @Option(names = "--passkey-depths", converter = Converters.Positive.class, defaultValue = "3", description = "needle depths per length (default ${DEFAULT-VALUE})")
    int passkeyDepths;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    int run(PrintWriter con, OutputFolder folder, ContextText.Loaded input) throws Exception {
        LoadedModel m = input.model();
        int[] ids = input.ids();
        List<ContextPolicy> policies = new ArrayList<>();
        for (String s : methods) {
            policies.add(ContextPolicy.parse(NativeContext.resolve(s, m.source()), m.config().contextLength()));
        }
        NativeContext.of(m.source()).ifPresent(n -> con.println("trained with " + n + " (its native method)"));
        int trained = m.config().contextLength();
        List<String> summary = new ArrayList<>();
        // perplexity over the predicted tokens at 0-based positions 1..trained-1 (within the first `trained` tokens)
        // and trained.. (past them); position 0 is never predicted
        summary.add(String.format(Locale.ROOT, "%-40s %9s %9s %9s %10s %12s %9s  %s", "method", "ppl 1-" + (trained - 1),
                "ppl " + trained + "+", "ppl all", "kv MB", "attn GFLOP", "tok/s", "attention on token 0 by layer"));
        try (AtomicFile pplFile = folder.create("perplexity.csv");
             AtomicFile pkFile = folder.create("passkey.csv");
             AtomicFile headsFile = folder.create("passkey_heads.csv");
             AtomicFile covFile = folder.create("coverage.csv");
             AtomicFile distFile = folder.create("attention_distance.csv");
             AtomicFile costFile = folder.create("cost.csv");
             AtomicFile sinkFile = folder.create("first_token_mass.csv")) {
            CsvWriter ppl = new CsvWriter(pplFile.writer()), pk = new CsvWriter(pkFile.writer()),
                    heads = new CsvWriter(headsFile.writer()), cov = new CsvWriter(covFile.writer()),
                    dist = new CsvWriter(distFile.writer()), cost = new CsvWriter(costFile.writer()),
                    sink = new CsvWriter(sinkFile.writer());
            ppl.row("method", "position", "nll");
            pk.row("method", "length", "depth", "correct");
            heads.row("method", "length", "depth", "layer", "head", "needle_mass");
            cov.row("method", "position", "direct", "reach_top_layer");
            dist.row("method", "distance_from", "distance_to", "mass");
            cost.row("method", "length", "peak_kv_entries", "kv_bytes", "attention_flops");
            sink.row("method", "layer", "mass_on_position_0");
            List<ContextLab.MethodResult> results = ContextLab.run(input.decoder(),
                    LearnedCompression.read(m.source(), m.config().layers()).orElse(null), m.tokenizer(), ids, policies,
                    new ContextLab.PasskeySettings(ContextLab.PasskeySettings.parseLengths(passkeyLengths), passkeyDepths),
                    progressPrinter(con, ids.length), () -> false);
            for (ContextLab.MethodResult r : results) {
                ContextPolicy p = r.policy();
                String label = p.label();
                double in = 0, past = 0;
                int nIn = 0, nPast = 0;
                for (int t = 0; t < r.nll().length; t++) {
                    ppl.row(label, t + 1, r.nll()[t]);
                    if (t + 1 < trained) { in += r.nll()[t]; nIn++; } else { past += r.nll()[t]; nPast++; }
                }
                double[] mass = r.massByDistance();
                for (int b = 0; b < mass.length; b++) {
                    if (mass[b] > 0) {
                        long from = b == 0 ? 0 : 1L << (b - 1);
                        long to = b == 0 ? 0 : (1L << b) - 1;
                        dist.row(label, from, to, mass[b]);
                    }
                }
                for (int q = 0; q < ids.length; q++) {
                    cov.row(label, q, r.direct()[q].cardinality(), r.reach()[q]);
                }
                for (int l = 0; l < r.firstTokenMass().length; l++) {
                    sink.row(label, l, r.firstTokenMass()[l]);
                }
                Cost c = r.cost();
                cost.row(label, ids.length, c.peakEntries(), c.kvBytes(), c.attentionFlops());
                for (Passkey.Outcome o : r.passkey()) {
                    pk.row(label, o.length(), o.depth(), o.correct());
                    for (int l = 0; l < o.needleMass().length; l++) {
                        for (int h = 0; h < o.needleMass()[l].length; h++) {
                            heads.row(label, o.length(), o.depth(), l, h, o.needleMass()[l][h]);
                        }
                    }
                }
                summary.add(String.format(Locale.ROOT, "%-40s %9.3f %9s %9.3f %10.2f %12.3f %9.1f  %s", p.label(),
                        Math.exp(in / Math.max(1, nIn)), nPast == 0 ? "-" : String.format(Locale.ROOT, "%.3f", Math.exp(past / nPast)),
                        Math.exp((in + past) / Math.max(1, nIn + nPast)), c.kvBytes() / 1e6, c.attentionFlops() / 1e9,
                        r.tokensPerSecond(), java.util.Arrays.stream(r.firstTokenMass())
                                .mapToObj(x -> String.format(Locale.ROOT, "%.3f", x)).collect(java.util.stream.Collectors.joining(" "))));
            }
            for (AtomicFile f : List.of(pplFile, pkFile, headsFile, covFile, distFile, costFile, sinkFile)) {
                f.commit();
            }
        }
        summary.add("ppl 1-" + (trained - 1) + ": tokens predicted at positions 1-" + (trained - 1) + " (0-based), i.e. within the"
                + " first " + trained + " tokens; ppl " + trained + "+: positions " + trained + " on; token 0 mass: queries 1 on");
        folder.writeString("summary.txt", String.join(System.lineSeparator(), summary) + System.lineSeparator());
        summary.forEach(con::println);
        return 0;
    }

    /** Prints "<method>: scoring N tokens..." once per method, as the command always did. */
    private static ContextLab.Progress progressPrinter(PrintWriter con, int tokens) {
        String[] last = {""};
        return (stage, done, total) -> {
            if (stage.endsWith(": scoring") && !stage.equals(last[0])) {
                last[0] = stage;
                con.printf("%s: scoring %d tokens...%n", stage.substring(0, stage.length() - ": scoring".length()), tokens);
            }
        };
    }
}
