package dev.glassbox.engine.analysis.heads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Times the full head analysis (all weight tables, behaviour tables, roles with the repeated-tokens probe, zero
 * ablation of every head) of all-MiniLM-L6-v2 and stories260K at 128 tokens of the TinyStories sample, and
 * prints one table row per run: the first run of each model is cold (JIT not warmed), the rest warm, then warm runs
 * without ablation ("no-abl"). Columns are
 * wall seconds per stage and the process CPU seconds of the run (on a shared machine wall time includes waiting).
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * [-Dglassbox.warmKernels=true] dev.glassbox.engine.analysis.heads.HeadsBenchmark [shared-dir] [warm runs]
 * (with the property, the kernels are first warmed as the app does after start-up, {@code KernelWarmUp}).
 */
public final class HeadsBenchmark {
    private HeadsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("glassbox.shared", "../shared"));
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (Boolean.getBoolean("glassbox.warmKernels")) { // what the app does on a spare core after start-up
            dev.glassbox.engine.tensor.KernelWarmUp.run(1500);
        }
        String text = Files.readString(shared.resolve("corpora/tinystories_sample.txt"));
        Path dir = shared.resolve("models/stories260K");
        LoadedModel stories = ModelLoader.load(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"), Parallel.shared());
        LoadedModel miniLm = OnnxModels.loadBundledMiniLm();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%d cores, load average %.1f at start%n", Runtime.getRuntime().availableProcessors(),
                os.getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-18s %6s %5s %9s %9s %9s %9s %9s %9s%n",
                "model", "tokens", "run", "weights s", "behav. s", "roles s", "ablat. s", "total s", "cpu s");
        for (LoadedModel m : new LoadedModel[] {miniLm, stories}) {
            int[] tokens = tokens(m, text);
            HeadAnalysis.Settings full = HeadAnalysis.Settings.defaults(m.tokenizer().bos(), m.tokenizer().eos(), 63);
            // every table with ablation, then the same without ablation (weights, behaviour, roles only)
            for (int i = 0; i <= 2 * warm; i++) {
                boolean ablation = i <= warm;
                HeadAnalysis.Settings s = ablation ? full : full.withAblation(null, null);
                long cpu = os.getProcessCpuTime();
                HeadReport r = m.model() instanceof BertModel b
                        ? HeadAnalysis.analyse(b, tokens, s, Parallel.shared())
                        : HeadAnalysis.analyse((LlamaModel) m.model(), tokens, s, Parallel.shared());
                Map<String, Double> t = r.timingsMillis();
                double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
                System.out.printf(Locale.ROOT, "%-18s %6d %5s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n",
                        m.config().layers() + "x" + m.config().heads() + " " + (m.model() instanceof BertModel ? "MiniLM" : "stories260K"),
                        tokens.length, i == 0 ? "cold" : ablation ? "warm" : "no-abl", t.get("weights") / 1e3, t.get("behaviour") / 1e3,
                        t.get("roles") / 1e3, t.get("ablation") / 1e3, t.get("total") / 1e3, cpuSeconds);
            }
        }

    }

    static int[] tokens(LoadedModel m, String text) {
        int[] ids = m.tokenizer().encode(text);
        return Arrays.copyOf(ids, Math.min(128, ids.length));
    }
}
