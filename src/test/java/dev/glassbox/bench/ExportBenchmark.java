package dev.glassbox.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.ColorScale;
import dev.glassbox.visuals.MatrixExport;
import dev.glassbox.visuals.Palette;

/**
 * CPU time (this thread) and wall time of the head view's SVG and CSV exports of a causal n x n pattern, three runs
 * each (the third is warm). Not a test: {@code ExportBenchmark N} (see docs/PERFORMANCE.md, part 4).
 */
public final class ExportBenchmark {
    private ExportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        float[][] w = new float[n][n];
        Random r = new Random(1);
        List<String> labels = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            float s = 0;
            for (int k = 0; k <= q; k++) s += w[q][k] = r.nextFloat();
            for (int k = 0; k <= q; k++) w[q][k] /= s;
            labels.add("tok" + q);
        }
        AttentionMatrix m = new AttentionMatrix("L0 H0", w, labels, labels);
        Path dir = Files.createTempDirectory("glassbox-export-bench");
        Path svg = dir.resolve("x.svg");
        Path csv = dir.resolve("x.csv");
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < 3; rep++) {
            long c0 = bean.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            MatrixExport.svg(m, Palette.VIRIDIS, ColorScale.SQRT, svg, MatrixExport.Rows.NONE);
            long c1 = bean.getCurrentThreadCpuTime(), t1 = System.nanoTime();
            MatrixExport.csv(m, csv, MatrixExport.Rows.NONE);
            long c2 = bean.getCurrentThreadCpuTime(), t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "n=%d  svg %.0f ms CPU (%.0f ms wall, %d MB)  csv %.0f ms CPU (%.0f ms wall, %d MB)%n",
                    n, (c1 - c0) / 1e6, (t1 - t0) / 1e6, Files.size(svg) >> 20, (c2 - c1) / 1e6, (t2 - t1) / 1e6,
                    Files.size(csv) >> 20);
        }
        Files.delete(svg);
        Files.delete(csv);
        Files.delete(dir);
    }
}
