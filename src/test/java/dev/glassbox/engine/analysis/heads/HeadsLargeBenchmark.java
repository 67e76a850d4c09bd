package dev.glassbox.engine.analysis.heads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Times the Heads workspace's analysis (the settings the app uses: probe of 63, zero ablation of every head) of a
 * large llama2.c checkpoint, e.g. {@code make-random --shape stories110M}, at 128 tokens of the TinyStories sample,
 * and the former token-by-token ablation of single heads ({@link HeadAblation#ablateFrom}) at the first, middle
 * and last layer for comparison (its all-heads time extrapolated linearly in the layers each head re-runs).
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * dev.glassbox.engine.analysis.heads.HeadsLargeBenchmark MODEL.bin TOKENIZER.bin [shared-dir] [analysis runs]
 * [analysis-only]
 * On a loaded machine compare CPU seconds: the token-by-token heads are timed by their thread's CPU time.
 */
public final class HeadsLargeBenchmark {
    private HeadsLargeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 2 ? args[2] : System.getProperty("glassbox.shared", "../shared"));
        LoadedModel m = ModelLoader.load(Path.of(args[0]), Path.of(args[1]), Parallel.shared());
        LlamaModel model = (LlamaModel) m.model();
        int[] tokens = HeadsBenchmark.tokens(m, Files.readString(shared.resolve("corpora/tinystories_sample.txt")));
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%d cores, load average %.1f, %d tokens, %d layers x %d heads%n",
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage(), tokens.length,
                model.config().layers(), model.config().heads());
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(m.tokenizer().bos(), m.tokenizer().eos(), 63);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        for (int run = 0; run < runs; run++) {
            long cpu = os.getProcessCpuTime();
            Map<HeadAnalysis.Stage, Long> stageCpu = new java.util.EnumMap<>(HeadAnalysis.Stage.class);
            HeadReport r = HeadAnalysis.analyse(model, tokens, s, HeadSet.empty(), Parallel.shared(),
                    new HeadAnalysis.Progress() {
                        @Override
                        public void stage(HeadAnalysis.Stage stage) { stageCpu.put(stage, os.getProcessCpuTime()); }
                    });
            long end = os.getProcessCpuTime();
            StringBuilder split = new StringBuilder();
            HeadAnalysis.Stage[] stages = HeadAnalysis.Stage.values();
            for (int i = 0; i < stages.length; i++) {
                long next = i + 1 < stages.length ? stageCpu.getOrDefault(stages[i + 1], end) : end;
                split.append(String.format(Locale.ROOT, " %s %.1f", stages[i].name().toLowerCase(Locale.ROOT),
                        (next - stageCpu.getOrDefault(stages[i], next)) / 1e9));
            }
            System.out.println("process cpu s by stage:" + split);
            Map<String, Double> t = r.timingsMillis();
            System.out.printf(Locale.ROOT, "analysis run %d: weights %.1f s, behaviour %.1f s, roles %.1f s, ablation %.1f s,"
                            + " total %.1f s wall, %.1f s cpu, load %.1f%n", run, t.get("weights") / 1e3, t.get("behaviour") / 1e3,
                    t.get("roles") / 1e3, t.get("ablation") / 1e3, t.get("total") / 1e3,
                    (os.getProcessCpuTime() - cpu) / 1e9, os.getSystemLoadAverage());
        }
        if (args.length > 4 && args[4].equals("analysis-only")) {
            return;
        }
        CapturedRun clean = CapturedRun.of(model, tokens);
        LlamaModel serial = new LlamaModel(model.config(), model.weights(), Parallel.SERIAL);
        int layers = model.config().layers();
        double[] seconds = new double[layers];
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int l : new int[] {0, layers - 1}) {
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            HeadAblation.ablateFrom(serial, clean, l, 0, new float[model.config().headDim()], Intervention.NONE, 5);
            seconds[l] = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf(Locale.ROOT, "token-by-token ablation of L%dH0: %.2f s cpu (1 thread), %.2f s wall, load %.1f%n",
                    l, seconds[l], (System.nanoTime() - t0) / 1e9, os.getSystemLoadAverage());
        }
        report("token-by-token", seconds, layers, model.config().heads());
        // the same head on the whole-sequence path allHeads takes; the first pass compiles its matrix kernels
        for (int l : new int[] {layers - 1, 0, layers - 1}) {
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            float[] zero = new float[model.config().headDim()];
            var resumed = serial.resumeFromHeads(l, clean.tokens(), clean.residuals()[l],
                    HeadAblation.withHead(clean.headOutputs()[l], 0, zero), HeadAblation.replacing(l, 0, zero), () -> false);
            RunOutcome.forward(clean.tokens(), resumed::logitsAt);
            seconds[l] = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf(Locale.ROOT, "whole-sequence ablation of L%dH0: %.2f s cpu (1 thread), %.2f s wall, load %.1f%n",
                    l, seconds[l], (System.nanoTime() - t0) / 1e9, os.getSystemLoadAverage());
        }
        report("whole-sequence", seconds, layers, model.config().heads());
    }

    private static void report(String path, double[] seconds, int layers, int heads) {
        double perLayer = (seconds[0] - seconds[layers - 1]) / (layers - 1);
        double all = 0;
        for (int l = 0; l < layers; l++) {
            all += heads * (seconds[layers - 1] + perLayer * (layers - 1 - l));
        }
        System.out.printf(Locale.ROOT, "%s ablation of every head, extrapolated: %.0f cpu s%n", path, all);
    }
}
