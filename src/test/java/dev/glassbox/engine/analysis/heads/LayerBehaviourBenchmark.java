package dev.glassbox.engine.analysis.heads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Thread CPU seconds of one layer's pattern scores ({@link LayerBehaviour}: JS table, entropy, sink, special mass,
 * roles) at a long length on synthetic causal rows (no model: the rows are normalised prefixes of random positive
 * vectors, so the time is the scores' own, not the rebuilding of rows), against the Jensen-Shannon table in the KL
 * form it replaced (two logarithms per pair and key, scalar) over the first {@code klRows} query rows only,
 * scaled to the whole by the number of keys.
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:DEPS
 * dev.glassbox.engine.analysis.heads.LayerBehaviourBenchmark [heads=14] [n=4096] [klRows=256] [repeats=2]
 */
public final class LayerBehaviourBenchmark {
    private LayerBehaviourBenchmark() {
    }

    public static void main(String[] args) {
        int heads = args.length > 0 ? Integer.parseInt(args[0]) : 14;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int klRows = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        SplittableRandom rng = new SplittableRandom(1);
        float[][] base = new float[heads][n];
        for (float[] b : base) for (int k = 0; k < n; k++) b[k] = (float) Math.exp(3 * rng.nextDouble());
        CapturedRun.Patterns patterns = new CapturedRun.Patterns() {
            @Override public int layers() { return 1; }

            @Override public float[][][] layer(int l) { throw new UnsupportedOperationException(); }

            @Override public void rows(int l, int h, int from, int to, float[][] out) {
                for (int q = from; q < to; q++) { // a prefix of the head's vector, shifted by the query
                    float[] b = base[h];
                    int shift = q % (n - q);
                    double z = 0;
                    for (int k = 0; k <= q; k++) z += b[k + shift];
                    float inv = (float) (1 / z);
                    for (int k = 0; k <= q; k++) out[q - from][k] = b[k + shift] * inv;
                }
            }
        };
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = rng.nextInt(1000);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < repeats; r++) {
            long t0 = bean.getCurrentThreadCpuTime();
            LayerBehaviour b = LayerBehaviour.of(patterns, 0, heads, tokens, true, AttentionBehaviour.JS_EPSILON,
                    id -> id == 1, () -> false);
            double blocks = (bean.getCurrentThreadCpuTime() - t0) / 1e9;

            long t1 = bean.getCurrentThreadCpuTime();
            float[][] rows = new float[heads][n];
            double klSum = 0;
            for (int q = 0; q < klRows; q++) {
                int query = n - 1 - q; // the longest rows
                for (int h = 0; h < heads; h++) patterns.rows(0, h, query, query + 1, new float[][] {rows[h]});
                klSum += klFormRow(rows, query + 1);
            }
            double kl = (bean.getCurrentThreadCpuTime() - t1) / 1e9;
            double klWhole = kl * ((double) n * (n + 1) / 2) / ((double) klRows * (2 * n - klRows + 1) / 2);
            System.out.printf(Locale.ROOT, "%d heads, %d tokens: block scores %.1f CPU s a layer (js[0][1] %.4f);"
                            + " KL-form JS %.1f CPU s for %d rows, ~%.0f CPU s a layer (check %.3f), load %.1f%n",
                    heads, n, blocks, b.js().get(0, 1), kl, klRows, klWhole, klSum,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** The replaced form: per pair ½ Σ p log(p/m) + ½ Σ r log(r/m) over smoothed rows, bits. */
    private static double klFormRow(float[][] rows, int keys) {
        int heads = rows.length;
        double[][] p = new double[heads][keys];
        for (int h = 0; h < heads; h++) {
            double total = 0;
            for (int k = 0; k < keys; k++) total += rows[h][k];
            double z = total + keys * AttentionBehaviour.JS_EPSILON;
            for (int k = 0; k < keys; k++) p[h][k] = (rows[h][k] + AttentionBehaviour.JS_EPSILON) / z;
        }
        double all = 0;
        for (int i = 0; i < heads; i++) {
            for (int j = i + 1; j < heads; j++) {
                double s = 0;
                for (int k = 0; k < keys; k++) {
                    double m = 0.5 * (p[i][k] + p[j][k]);
                    s += 0.5 * p[i][k] * Math.log(p[i][k] / m) + 0.5 * p[j][k] * Math.log(p[j][k] / m);
                }
                all += Math.max(0, s / Math.log(2));
            }
        }
        return all;
    }
}
