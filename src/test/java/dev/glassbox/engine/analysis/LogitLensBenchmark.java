package dev.glassbox.engine.analysis;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.model.Unembedding;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceListener;

/**
 * Times the logit lens of a finished run: a trace of {@code tokens} positions (a prompt cut to {@code tokens - 1}
 * tokens plus one greedy step, every layer's resid_post captured), read out (top-1) over the Explore panel's last
 * 24 positions and over every position, by two read-outs of the same model, closely alternated:
 * "one-by-one" is the lens before batching (one matrix-vector product per position and layer, the interface's default
 * loop), "batched" is {@link LogitLens#unembedding}'s (the batched product of prefill). Prints the median and minimum
 * wall time of each (every position: one round) with the process's CPU time over it, the batched lens's split into products and top-1, and how far the two agree (top-1 tokens differing, largest top-1 probability difference).
 * Not a test: timings belong in docs/PERFORMANCE.md.
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * dev.glassbox.engine.analysis.LogitLensBenchmark MODEL TOKENIZER [tokens=300] [threads=2] [repeats=5] [panel]
 */
public final class LogitLensBenchmark {
    private static final int PANEL_POSITIONS = 24; // ExplorerPane.LENS_POSITIONS

    private LogitLensBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "/tmp/models/s110m.bin");
        Path tokenizer = Path.of(args.length > 1 ? args[1] : "/tmp/models/tokenizer.bin");
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        boolean everyPosition = args.length <= 5 || !args[5].equals("panel"); // "panel": the last 24 positions only
        Parallel par = new Parallel(threads);
        LoadedModel m = ModelLoader.load(model, tokenizer, par);
        Trace trace = trace(m, tokens);
        Unembedding batched = LogitLens.unembedding(m.decoder());
        Unembedding oneByOne = batched::unembed; // only the one-vector read-out: the default loop
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%s: %d layers, dim %d, vocab %d; trace of %d positions; %d threads; load %.1f%n",
                model.getFileName(), m.config().layers(), m.config().dim(), m.config().vocabSize(), trace.length(),
                threads, os.getSystemLoadAverage());
        int panelFirst = Math.max(0, trace.length() - PANEL_POSITIONS);
        for (int first : everyPosition ? new int[] {panelFirst, 0} : new int[] {panelFirst}) {
            // every position is 12x the work: timed once, after the panel's rounds warmed the code up
            int rounds = first == 0 ? 1 : repeats;
            int reads = (trace.length() - first) * m.config().layers();
            double[] before = new double[rounds];
            double[] after = new double[rounds];
            double[] beforeCpu = new double[rounds]; // the process's CPU time: on a loaded machine wall time waits too
            double[] afterCpu = new double[rounds];
            List<LogitLens.Row> a = null;
            List<LogitLens.Row> b = null;
            for (int i = first == 0 ? 0 : -1; i < rounds; i++) { // one warm-up round
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                a = LogitLens.apply(oneByOne, trace, 1, false, first);
                long c1 = os.getProcessCpuTime();
                long t1 = System.nanoTime();
                b = LogitLens.apply(batched, trace, 1, false, first);
                long t2 = System.nanoTime();
                long c2 = os.getProcessCpuTime();
                if (i >= 0) {
                    before[i] = (t1 - t0) / 1e6;
                    after[i] = (t2 - t1) / 1e6;
                    beforeCpu[i] = (c1 - c0) / 1e6;
                    afterCpu[i] = (c2 - c1) / 1e6;
                }
            }
            int differ = 0;
            double maxDiff = 0;
            for (int r = 0; r < a.size(); r++) {
                for (int p = first; p < trace.length(); p++) {
                    var x = a.get(r).at(p)[0];
                    var y = b.get(r).at(p)[0];
                    differ += x.token() == y.token() ? 0 : 1;
                    maxDiff = Math.max(maxDiff, Math.abs(x.probability() - y.probability()));
                }
            }
            // where the batched lens's time goes: the products alone, then the top-1 of their logits alone
            double[] products = new double[rounds];
            double[] tops = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                float[][] in = new float[LogitLens.BATCH_ROWS][];
                float[][] logits = new float[LogitLens.BATCH_ROWS][];
                long tp = 0;
                long tt = 0;
                int done = 0;
                for (var hook : trace.hooks()) {
                    for (int p = first; p < trace.length(); p++) {
                        in[done++] = trace.steps().get(p).get(hook).orElseThrow().values();
                        if (done == in.length || (p == trace.length() - 1 && hook.equals(trace.hooks().getLast()))) {
                            long t0 = System.nanoTime();
                            batched.unembed(in, done, logits);
                            long t1 = System.nanoTime();
                            for (int t = 0; t < done; t++) {
                                dev.glassbox.engine.tensor.Softmax.topK(logits[t], 1);
                            }
                            tp += t1 - t0;
                            tt += System.nanoTime() - t1;
                            done = 0;
                        }
                    }
                }
                products[i] = tp / 1e6;
                tops[i] = tt / 1e6;
            }
            System.out.printf(Locale.ROOT, "positions %d-%d (%d read-outs): one-by-one median %.0f ms (min %.0f, cpu %.0f ms), "
                            + "batched median %.0f ms (min %.0f, cpu %.0f ms; products %.0f ms, top-1 on one thread %.0f ms), %.1fx; top-1 differing %d, "
                            + "max |dp| %.2e; load %.1f%n",
                    first, trace.length() - 1, reads, median(before), min(before), median(beforeCpu), median(after), min(after), median(afterCpu), median(products), median(tops),
                    median(before) / median(after), differ, maxDiff, os.getSystemLoadAverage());
        }
        par.close();
    }

    /** {@code tokens} positions: a prompt of {@code tokens - 1} tokens and one greedy step, resid_post captured. */
    private static Trace trace(LoadedModel m, int tokens) {
        StringBuilder text = new StringBuilder();
        while (m.tokenizer().encode(text.toString()).length < tokens + 8) {
            text.append("Once upon a time, a little girl named Lily found a red ball in the park and ran home. ");
        }
        String prompt = text.toString();
        while (m.tokenizer().encode(prompt).length > tokens - 1) { // the prompt as the tokenizer counts it, BOS included
            prompt = prompt.substring(0, prompt.lastIndexOf(' '));
        }
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, prompt, HookSelection.of("blocks.*.resid_post"),
                new Generation.Settings(tokens - m.tokenizer().encode(prompt).length, 0f, 1f, 0, 42, false), false),
                TraceListener.NONE, () -> false);
        return r.trace();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
