package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.glassbox.engine.context.ContextSweep;
import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "context-sweep", mixinStandardHelpOptions = true,
        description = "Sweep one context method's parameters and mark the quality-vs-cost Pareto front.")
public final class ContextSweepCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    ContextText text;

    @Option(names = "--method", converter = Converters.ContextTemplate.class, required = true, paramLabel = "TEMPLATE",
            description = "a method with alternatives separated by '|', e.g. sliding:W=16|32|64|128 or streaming:sinks=1|4,W=60")
    String template;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder for sweep.csv")
    Path out;

    @Mixin
    ForceOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter con = spec.commandLine().getOut();
        OutputFolder folder = output.folder(out, model, ForceOption.input("--text-file", text.textFile));
        LoadedModel m = model.loadWithTokenizer();
        LlamaModel llama = ContextText.rotaryDecoder(m);
        int[] ids = text.tokens(m);
        List<ContextSweep.Point> pts = ContextSweep.run(llama, ids, template, () -> false, s -> con.println("running " + s + "..."));
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
