package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import dev.glassbox.engine.export.TraceExporter;
import dev.glassbox.engine.export.TraceManifest;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.model.TraceRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Run a prompt, capture the selected hooks and write them as NumPy .npy files with a manifest.json.")
public final class TraceCommand extends WritingCommand {
    @Option(names = "--prompt", required = true, description = "prompt text")
    String prompt;

    @Option(names = "--hooks", converter = Converters.HookPatterns.class, required = true, paramLabel = "PATTERN",
            description = "comma-separated hook globs, e.g. 'blocks.*.attn.pattern,logits'")
    String hooks;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for manifest.json and <hook>.npy")
    Path out;

    @Option(names = "--steps", converter = Converters.NonNegative.class, defaultValue = "0", description = "new tokens to generate and trace (default ${DEFAULT-VALUE}: prompt only)")
    int steps;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--csv", description = "also write each attention head's pattern as <hook>.head<h>.csv")
    boolean csv;

    @Override
    int run(PrintWriter o) throws Exception {
        HookSelection selection = HookSelection.of(hooks);
        OutputFolder folder = output.folder(model);
        LoadedModel m = model.load();
        boolean any = Arrays.stream(selection.resolve(m.config().layers()))
                .anyMatch(row -> java.util.stream.IntStream.range(0, row.length).anyMatch(i -> row[i]));
        if (!any) {
            throw new IllegalArgumentException("--hooks '" + hooks + "' matches no hook of " + m.name() + " ("
                    + m.config().layers() + " layers); names look like blocks.0.attn.pattern, blocks.*.resid_post, logits");
        }
        Generation.Settings settings = sampling.settings(steps);
        TraceRun.Request request = new TraceRun.Request(m, prompt, selection, settings).storingPatterns();
        long t0 = System.nanoTime();
        TraceRun.Result result = TraceRun.run(request, TraceListener.NONE, () -> false);
        long t1 = System.nanoTime();
        TraceManifest manifest = TraceManifest.of(request, result, GlassboxInfo.version(), Instant.now());
        TraceManifest written = TraceExporter.export(result.trace(), manifest, folder, csv);
        long t2 = System.nanoTime();
        o.printf("traced %d positions (%d from the prompt), stopped: %s%n", result.trace().length(),
                result.promptLength(), result.stop().name().toLowerCase());
        double rss = BenchCommand.peakRssMb(); // VmHWM: -1 where the system has no /proc
        o.printf(java.util.Locale.ROOT, "run %.2f s, export %.2f s%s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                rss < 0 ? "" : String.format(java.util.Locale.ROOT, ", peak memory %.0f MB", rss));
        for (TraceManifest.ArrayFile a : written.arrays()) {
            o.printf("%s %s%n", out.resolve(a.file()), Arrays.toString(a.shape()));
        }
        o.println(out.resolve("manifest.json"));
        return 0;
    }
}
