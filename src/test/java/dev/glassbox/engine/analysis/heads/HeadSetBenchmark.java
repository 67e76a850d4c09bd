package dev.glassbox.engine.analysis.heads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Times ablating a set of heads on stories260K at 128 tokens of the TinyStories sample: the full re-run, the
 * restart at the set's lowest layer, and the whole head analysis under the set (what the Heads workspace re-runs
 * when the set changes). Prints the median of 7 warm runs after 3 warm-ups, in milliseconds.
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * dev.glassbox.engine.analysis.heads.HeadSetBenchmark [shared-dir]
 */
public final class HeadSetBenchmark {
    private HeadSetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("glassbox.shared", "../shared"));
        Path dir = shared.resolve("models/stories260K");
        LoadedModel m = ModelLoader.load(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"), Parallel.shared());
        LlamaModel llama = (LlamaModel) m.model();
        int[] tokens = HeadsBenchmark.tokens(m, Files.readString(shared.resolve("corpora/tinystories_sample.txt")));
        CapturedRun clean = CapturedRun.of(llama, tokens);
        RunOutcome cleanOutcome = RunOutcome.of(llama, tokens, Intervention.NONE);
        HeadAnalysis.Settings settings = HeadAnalysis.Settings.defaults(m.tokenizer().bos(), m.tokenizer().eos(), 63);
        System.out.printf(Locale.ROOT, "%d cores; stories260K, %d tokens; median of 7 warm runs%n",
                Runtime.getRuntime().availableProcessors(), tokens.length);
        System.out.printf(Locale.ROOT, "%-16s %12s %12s %14s %10s%n", "set", "re-run ms", "restart ms", "analysis ms", "KL nats");
        for (String spec : new String[] {"1.3,2.0", "3.1,4.7", "0.0,0.4,2.2,4.5"}) {
            HeadSet set = HeadSet.parse(spec, m.config(), HeadAblation.Mode.ZERO, null);
            double kl = HeadAblation.ablateFrom(llama, clean, set, 5).klLast();
            System.out.printf(Locale.ROOT, "%-16s %12.2f %12.2f %14.1f %10.4f%n", spec,
                    median(() -> HeadAblation.ablate(llama, tokens, cleanOutcome, set, 5)),
                    median(() -> HeadAblation.ablateFrom(llama, clean, set, 5)),
                    median(() -> HeadAnalysis.analyse(llama, tokens, settings, set, Parallel.shared())), kl);
        }
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
