package dev.glassbox.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.glassbox.app.service.AttentionRows;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.app.service.RunService;
import dev.glassbox.app.service.SurprisalBuilder;
import dev.glassbox.app.service.TraceViews;
import dev.glassbox.engine.analysis.NextTokenSummaries;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.export.TraceExporter;
import dev.glassbox.engine.export.TraceManifest;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/**
 * Explores a large decoder at a long length with the attention kept in its store: the explorer's captured run
 * (its hooks {@link RunService#HOOKS}: patterns, residual stream, routes, and the logits summarised per step by
 * {@link NextTokenSummaries} as the explorer does, then the surprisal view from them), the grid of every layer and
 * head, one head's full pattern (the head view), a trace export of the layers asked for (from the same store, written
 * a head at a time) and the Heads tables (their own captured run; behaviour, roles and the probe; no ablation); after
 * each (and each stage of the Heads tables), the wall and process CPU seconds and the peak RSS (VmHWM).
 * Run (e.g. on {@code make-random --shape qwen2.5-0.5b --out q.gguf}; random token ids, no tokenizer needed):
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * dev.glassbox.app.cli.AttentionMemoryBenchmark MODEL [tokens=4096] [export hooks=blocks.0.attn.pattern] [out dir]
 * [no-heads | heads-only]
 */
public final class AttentionMemoryBenchmark {
    private AttentionMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        LoadedModel m = ModelLoader.load(Path.of(args[0]), null, Parallel.shared());
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        String exportHooks = args.length > 2 ? args[2] : "blocks.0.attn.pattern";
        Path out = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("glassbox-attnmem");
        LlamaModel model = (LlamaModel) m.model();
        int layers = model.config().layers();
        int heads = model.config().heads();
        int[] tokens = new int[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) tokens[i] = 3 + r.nextInt(model.config().vocabSize() - 3);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%s: %d layers x %d heads (%d kv), %d tokens, heap max %.0f MB, load %.1f%n",
                args[0], layers, heads, model.config().kvHeads(), n, Runtime.getRuntime().maxMemory() / 1e6,
                os.getSystemLoadAverage());
        Clock clock = new Clock(os);

        if (args.length > 4 && args[4].equals("heads-only")) {
            heads(m, model, tokens, clock);
            return;
        }
        Capture cap = new Capture(HookSelection.of(RunService.HOOKS), layers).storingPatterns();
        DecoderSession s = model.newSession(cap, Intervention.NONE, n);
        List<TraceStep> steps = new ArrayList<>(n);
        NextTokenSummaries predictions = new NextTokenSummaries();
        s.prefill(tokens, 0, (pos, token, captured) -> steps.add(predictions.take(new TraceStep(pos, token, false, captured))));
        AttentionStore store = cap.attention().orElseThrow();
        Trace trace = Trace.of(steps, store);
        RunOutcome outcome = new RunOutcome(tokens, n, trace, Generation.StopReason.STEPS, 0, null, null,
                predictions.predictions(tokens));
        var surprisal = SurprisalBuilder.build(outcome).orElseThrow();
        clock.lap(String.format(Locale.ROOT, "explorer run (store %.0f MB, %d predictions, %.2f bits a token)",
                store.bytes() / 1e6, surprisal.tokens().size(), surprisal.meanBits()));

        AttentionRows rows = new AttentionRows(layers);
        rows.update(trace);
        var grid = TraceViews.build(rows, tokens, null, layers, heads, true);
        clock.lap("grid (" + grid.rows().size() + " rows, " + grid.tokenLabels().size() + " tiles a side)");

        float[][] head = store.head(layers - 1, heads - 1, n);
        clock.lap("head view L" + (layers - 1) + "H" + (heads - 1) + " (" + head.length + " rows)");
        head = null;

        // the export reads the explorer's store (its run is the one measured above), limited to the layers asked
        boolean[] asked = new boolean[layers];
        for (String h : exportHooks.split(",")) asked[Integer.parseInt(h.split("\\.")[1])] = true;
        List<TraceStep> bare = new ArrayList<>(n);
        for (int i = 0; i < n; i++) bare.add(new TraceStep(i, tokens[i], false, java.util.Map.of()));
        Trace exported = Trace.of(bare, new Only(store, asked));
        TraceRun.Request req = new TraceRun.Request(m, "(random ids)", HookSelection.of(exportHooks), Generation.Settings.greedy(0));
        TraceManifest manifest = TraceManifest.of(req, new TraceRun.Result(exported, tokens, n, Generation.StopReason.STEPS),
                "benchmark", Instant.now());
        TraceManifest written = TraceExporter.export(exported, manifest, out);
        clock.lap("trace export of " + exportHooks + " (" + written.arrays().size() + " arrays)");

        if (args.length > 4 && args[4].equals("no-heads")) return;
        heads(m, model, tokens, clock);
    }

    private static void heads(LoadedModel m, LlamaModel model, int[] tokens, Clock clock) {
        int bos = m.tokenizer() != null ? m.tokenizer().bos() : 1;
        int eos = m.tokenizer() != null ? m.tokenizer().eos() : 2;
        HeadAnalysis.Settings hs = HeadAnalysis.Settings.defaults(bos, eos, 63).withAblation(null, null);
        HeadReport report = HeadAnalysis.analyse(model, tokens, hs, HeadSet.empty(), Parallel.shared(),
                new HeadAnalysis.Progress() {
                    private HeadAnalysis.Stage stage;

                    @Override
                    public void stage(HeadAnalysis.Stage next) {
                        if (stage == HeadAnalysis.Stage.WEIGHTS) clock.lap("Heads: weight tables");
                        if (stage == HeadAnalysis.Stage.CAPTURE) clock.lap("Heads: captured pass (" + tokens.length + " tokens)");
                        if (stage == HeadAnalysis.Stage.SCORES) clock.lap("Heads: pattern scores (JS, roles, ...)");
                        stage = next;
                    }
                });
        clock.lap("Heads: probe (" + report.rows().size() + " heads; " + report.timingsMillis() + " ms)");
    }

    /** {@code store} showing only the layers asked for (what a trace asking for those layers would have kept). */
    private record Only(AttentionStore store, boolean[] asked) implements AttentionStore {
        @Override public int layers() { return store.layers(); }
        @Override public int heads() { return store.heads(); }
        @Override public boolean has(int layer) { return store.has(layer) && asked[layer]; }
        @Override public int length() { return store.length(); }
        @Override public void rows(int layer, int head, int from, int to, float[][] out) {
            store.rows(layer, head, from, to, out);
        }
        @Override public dev.glassbox.engine.trace.AttentionThumbnails.Thumbnail thumbnail(int layer, int head, int n) {
            return store.thumbnail(layer, head, n);
        }
        @Override public dev.glassbox.engine.trace.AttentionThumbnails.Layer layerThumbnails(int layer, int n) {
            return store.layerThumbnails(layer, n);
        }
        @Override public long bytes() { return store.bytes(); }
    }

    private static final class Clock {
        private final com.sun.management.OperatingSystemMXBean os;
        private long wall = System.nanoTime();
        private long cpu;

        Clock(com.sun.management.OperatingSystemMXBean os) {
            this.os = os;
            this.cpu = os.getProcessCpuTime();
        }

        void lap(String what) {
            long w = System.nanoTime();
            long c = os.getProcessCpuTime();
            var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.printf(Locale.ROOT, "%-60s %8.1f s wall %8.1f s cpu   peak RSS %.0f MB   heap %.0f/%.0f MB"
                            + " used/committed   load %.1f%n", what, (w - wall) / 1e9, (c - cpu) / 1e9,
                    BenchCommand.peakRssMb(), heap.getUsed() / 1048576.0, heap.getCommitted() / 1048576.0,
                    os.getSystemLoadAverage());
            wall = w;
            cpu = c;
        }
    }
}
