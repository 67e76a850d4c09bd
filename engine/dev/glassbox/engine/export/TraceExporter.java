package dev.glassbox.engine.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/**
 * Writes a trace as {@code manifest.json} plus one {@code <hook>.npy} per captured hook. Attention patterns
 * become (heads, queries, keys), zeros above the diagonal for a decoder; a decoder's per-position tensors
 * are stacked along a leading positions axis: (positions, dim) or (positions, heads, head_dim). An encoder
 * trace's single step is written with the shapes it was captured in.
 */
public final class TraceExporter {
    /** Rows of a stored pattern read at a time while exporting it. */
    private static final int EXPORT_ROWS = 256;

    private TraceExporter() {
    }

    /** Writes the arrays and the manifest; returns the manifest as written (listing the arrays). */
    public static TraceManifest export(Trace trace, TraceManifest manifest, Path dir) throws IOException {
        return export(trace, manifest, dir, false);
    }

    /** As {@link #export(Trace, TraceManifest, Path)}; with {@code csv} also one CSV per attention head. */
    public static TraceManifest export(Trace trace, TraceManifest manifest, Path dir, boolean csv) throws IOException {
        return export(trace, manifest, OutputFolder.check(dir, "output folder", false), csv);
    }

    /** Writes into a checked output folder (each file atomically, listed in the folder's marker). */
    public static TraceManifest export(Trace trace, TraceManifest manifest, OutputFolder dir, boolean csv) throws IOException {
        List<TraceManifest.ArrayFile> written = new ArrayList<>();
        for (HookName hook : trace.hooks()) {
            String file = hook + ".npy";
            Optional<AttentionStore> store = trace.attentionStore().filter(s -> s.has(hook.layer()));
            if (hook.point() == HookPoint.ATTN_PATTERN && store.isPresent()) {
                int[] shape = writeStored(store.get(), hook, Math.min(trace.length(), store.get().length()), dir, file, csv,
                        manifest.tokenTexts());
                written.add(new TraceManifest.ArrayFile(hook.toString(), file, shape));
                continue;
            }
            if (hook.point() != HookPoint.ATTN_PATTERN && !manifest.isEncoder()) {
                written.add(new TraceManifest.ArrayFile(hook.toString(), file, writeStacked(trace.steps(), hook, dir, file)));
                continue;
            }
            Array a = assemble(trace, hook);
            NpyWriter.write(dir.file(file), a.shape(), a.values());
            written.add(new TraceManifest.ArrayFile(hook.toString(), file, a.shape()));
            if (csv && hook.point() == HookPoint.ATTN_PATTERN) {
                writePatternCsv(dir, hook, a, manifest.tokenTexts());
            }
        }
        TraceManifest out = manifest.withArrays(written);
        out.write(dir.file("manifest.json"));
        return out;
    }

    /** A pattern kept as rows (assembled whole), or an encoder's hook from its one step, with its exported shape. */
    record Array(int[] shape, float[] values) {
    }

    static Array assemble(Trace trace, HookName hook) {
        if (hook.point() == HookPoint.ATTN_PATTERN) {
            float[][][] p = trace.attentionPattern(hook.layer()).orElseThrow();
            int h = p.length;
            int q = p[0].length;
            int k = p[0][0].length;
            float[] flat = new float[Math.multiplyExact(Math.multiplyExact(h, q), k)];
            for (int a = 0; a < h; a++) {
                for (int b = 0; b < q; b++) {
                    System.arraycopy(p[a][b], 0, flat, (a * q + b) * k, k);
                }
            }
            return new Array(new int[] {h, q, k}, flat);
        }
        Captured c = trace.steps().getFirst().get(hook).orElseThrow(); // an encoder's one step
        return new Array(c.shape(), c.values());
    }

    /**
     * A decoder's per-position hook stacked along a leading positions axis, written a step's values at a time (no
     * stacked copy: the logits of 4,096 positions of a 152k vocabulary are 2.5 GB). Returns the shape written.
     */
    private static int[] writeStacked(List<TraceStep> steps, HookName hook, OutputFolder dir, String file) throws IOException {
        int[] inner = null;
        for (TraceStep st : steps) {
            Optional<Captured> c = st.get(hook);
            if (c.isEmpty()) {
                continue;
            }
            if (inner == null) {
                inner = c.get().shape();
            } else if (!Arrays.equals(inner, c.get().shape())) {
                throw new IllegalArgumentException(hook + " changes shape from " + Arrays.toString(inner) + " to "
                        + Arrays.toString(c.get().shape()) + " at position " + st.position() + "; cannot stack it");
            }
        }
        int per = Math.toIntExact(NpyWriter.count(inner));
        // a position where the hook did not fire (a skipped layer) is NaN, not a silent zero
        float[] missing = new float[per];
        Arrays.fill(missing, Float.NaN);
        int[] shape = new int[inner.length + 1];
        shape[0] = steps.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        NpyWriter.write(dir.file(file), shape, out -> {
            for (TraceStep st : steps) {
                float[] v = st.get(hook).map(Captured::values).orElse(missing);
                out.put(v, 0, per);
            }
        });
        return shape;
    }

    /**
     * A stored layer's patterns (heads, n, n), one head recomputed at a time so a long run's layer never exists whole;
     * with {@code csv} each head's CSV from the same rows. Returns the shape written.
     */
    private static int[] writeStored(AttentionStore store, HookName hook, int n, OutputFolder dir, String file,
                                     boolean csv, List<String> tokens) throws IOException {
        int heads = store.heads();
        int layer = hook.layer();
        int[] shape = {heads, n, n};
        float[] zeros = new float[n];
        // a block of rows at a time in buffers reused for every head: a whole head (4,096 rows: 34 MB) made 470 MB of
        // garbage for one layer of the Qwen2.5-0.5B shape, and the export's peak RSS rose ~200 MB in one run (big11)
        float[][] block = new float[Math.min(n, EXPORT_ROWS)][n];
        NpyWriter.write(dir.file(file), shape, out -> {
            for (int h = 0; h < heads; h++) {
                for (int from = 0; from < n; from += block.length) {
                    int to = Math.min(n, from + block.length);
                    store.rows(layer, h, from, to, block);
                    for (int q = from; q < to; q++) {
                        out.put(block[q - from], 0, q + 1);
                        out.put(zeros, 0, n - q - 1);
                    }
                }
            }
        });
        if (csv) {
            List<String> labels = labels(tokens, n);
            for (int h = 0; h < heads; h++) {
                float[][] m = store.head(layer, h, n);
                for (int q = 0; q < n; q++) m[q] = Arrays.copyOf(m[q], n);
                CsvWriter.write(dir.file(hook + ".head" + h + ".csv"), "query\\key", labels, labels, m);
            }
        }
        return shape;
    }

    private static void writePatternCsv(OutputFolder dir, HookName hook, Array a, List<String> tokens) throws IOException {
        int heads = a.shape()[0];
        int q = a.shape()[1];
        int k = a.shape()[2];
        List<String> rows = labels(tokens, q);
        List<String> cols = labels(tokens, k);
        for (int h = 0; h < heads; h++) {
            float[][] m = new float[q][k];
            for (int i = 0; i < q; i++) {
                System.arraycopy(a.values(), (h * q + i) * k, m[i], 0, k);
            }
            CsvWriter.write(dir.file(hook + ".head" + h + ".csv"), "query\\key", cols, rows, m);
        }
    }

    private static List<String> labels(List<String> tokens, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i + ":" + (i < tokens.size() ? tokens.get(i) : "?"));
        }
        return out;
    }
}
