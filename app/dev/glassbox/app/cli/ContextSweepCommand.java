package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.context.ContextSweep;
import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "context-sweep", mixinStandardHelpOptions = true,
        description = "Sweep one context method's parameters and mark the quality-vs-cost Pareto front.")
public final class ContextSweepCommand extends ContextCommand {
    @Option(names = "--method", converter = Converters.ContextTemplate.class, required = true, paramLabel = "TEMPLATE",
            description = "a method with alternatives separated by '|', e.g. sliding:W=16|32|64|128 or streaming:sinks=1|4,W=60")
    String template;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder for sweep.csv")
    Path out;

    @Override
    int run(PrintWriter con, OutputFolder folder, ContextText.Loaded input) throws Exception {
        List<ContextSweep.Point> pts = ContextSweep.run(input.decoder(), input.ids(), template, () -> false, s -> con.println("running " + s + "..."));
        try (AtomicFile f = folder.create("sweep.csv")) {
            CsvWriter w = new CsvWriter(f.writer());
            w.row("method", "mean_nll", "mean_nll_past_trained", "perplexity", "kv_bytes", "attention_flops", "tokens_per_s",
                    "pareto_flops", "pareto_kv");
            for (ContextSweep.Point p : pts) {
                w.row(p.spec(), String.format(Locale.ROOT, "%.6f", p.meanNll()),
                        String.format(Locale.ROOT, "%.6f", p.meanNllPastTrained()), String.format(Locale.ROOT, "%.4f", p.perplexity()),
                        p.cost().kvBytes(), p.cost().attentionFlops(), String.format(Locale.ROOT, "%.1f", p.tokensPerSecond()),
                        p.onFlopsFront(), p.onKvFront());
            }
            f.commit();
        }
        con.printf("%-44s %9s %12s %10s  %s%n", "setting", "ppl", "attn GFLOP", "kv MB", "Pareto (flops)");
        for (ContextSweep.Point p : pts) {
            con.printf(Locale.ROOT, "%-44s %9.3f %12.3f %10.3f  %s%n", p.spec(), p.perplexity(), p.cost().attentionFlops() / 1e9,
                    p.cost().kvBytes() / 1e6, p.onFlopsFront() ? "*" : "");
        }
        return 0;
    }
}
