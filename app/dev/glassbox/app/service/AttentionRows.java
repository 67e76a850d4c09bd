package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.AttentionThumbnails;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.visuals.AttentionAggregates;

/**
 * Per layer and head, the attention rows of a decoder run kept ragged (row q holds q + 1 keys) and grown
 * incrementally: each {@link #update} only splits the steps it has not seen, so live frames cost the new
 * rows, not the whole run again; so is each layer's mean over heads. Encoder traces (one [heads, T, T] step) are taken whole.
 * A run whose patterns went to an {@link AttentionStore} is read from the store's thumbnails instead (the patterns
 * themselves up to {@link AttentionThumbnails#MAX_SIDE} positions, tiles of several positions beyond). Not thread-safe:
 * one view-builder thread owns an instance.
 */
public final class AttentionRows {
    /**
     * A layer's maps as the grid draws them: per head and the mean over heads, each row and column covering
     * {@code cell} positions (1: the pattern itself).
     */
    public record Maps(int cell, float[][][] heads, float[][] mean) {
    }

    private final int layers;
    private final List<List<List<float[]>>> rows = new ArrayList<>(); // [layer][head] -> rows
    private final List<List<float[]>> means = new ArrayList<>(); // [layer] -> mean-over-heads rows
    private int seen;
    private Trace encoderTrace;
    private AttentionStore store;
    private int stored;
    private final AttentionThumbnails.Layer[] shown; // per layer the store's maps last handed out (final rows reused)

    public AttentionRows(int layers) {
        this.layers = layers;
        this.shown = new AttentionThumbnails.Layer[layers];
        for (int l = 0; l < layers; l++) {
            rows.add(new ArrayList<>());
            means.add(new ArrayList<>());
        }
    }

    /** Takes in the steps of {@code trace} beyond those already seen (the trace only grows). */
    public void update(Trace trace) {
        if (trace.attentionStore().isPresent()) {
            if (store != trace.attentionStore().get()) {
                java.util.Arrays.fill(shown, null);
            }
            store = trace.attentionStore().get();
            stored = Math.min(trace.length(), store.length());
            return;
        }
        List<TraceStep> steps = trace.steps();
        for (int s = seen; s < steps.size(); s++) {
            for (int l = 0; l < layers; l++) {
                Optional<Captured> c = steps.get(s).get(HookName.of(HookPoint.ATTN_PATTERN, l));
                if (c.isEmpty()) {
                    continue;
                }
                Captured cap = c.get();
                if (cap.shape().length == 3) {
                    encoderTrace = trace;
                    continue;
                }
                int heads = cap.dim(0);
                int len = cap.dim(1);
                List<List<float[]>> perHead = rows.get(l);
                while (perHead.size() < heads) {
                    perHead.add(new ArrayList<>());
                }
                float[][] query = new float[heads][];
                for (int h = 0; h < heads; h++) {
                    float[] row = new float[len];
                    System.arraycopy(cap.values(), h * len, row, 0, len);
                    perHead.get(h).add(row);
                    query[h] = row;
                }
                means.get(l).add(AttentionAggregates.meanRow(query));
            }
        }
        seen = steps.size();
    }

    /**
     * Layer {@code l}'s mean over heads as [queries][keys], kept up to date row by row (a live frame costs its new
     * rows), or empty for an encoder trace or a layer not captured.
     */
    public Optional<float[][]> mean(int l) {
        if (store != null) return maps(l).map(Maps::mean);
        List<float[]> m = encoderTrace != null ? List.of() : means.get(l);
        return m.isEmpty() ? Optional.empty() : Optional.of(m.toArray(float[][]::new));
    }

    /** Layer {@code l} as [heads][queries][keys ≤ query + 1], or empty when it was not captured. */
    public Optional<float[][][]> layer(int l) {
        if (store != null) return maps(l).map(Maps::heads);
        if (encoderTrace != null) {
            return encoderTrace.attentionPattern(l);
        }
        List<List<float[]>> perHead = rows.get(l);
        if (perHead.isEmpty()) {
            return Optional.empty();
        }
        float[][][] out = new float[perHead.size()][][];
        for (int h = 0; h < out.length; h++) {
            out[h] = perHead.get(h).toArray(float[][]::new);
        }
        return Optional.of(out);
    }

    /** The store the run's patterns went to (empty: they came as rows). */
    public Optional<AttentionStore> store() { return Optional.ofNullable(store); }

    /** How many positions of the store the last {@link #update} covered. */
    public int storedLength() { return stored; }

    /** Layer {@code l}'s maps for the grid, or empty when it was not captured. */
    public Optional<Maps> maps(int l) {
        if (store != null) {
            if (!store.has(l) || stored == 0) return Optional.empty();
            // a position's row is final once recorded: the store hands out the same row arrays again, so a live
            // view sees the map extended rather than replaced and takes in only the new rows
            AttentionThumbnails.Layer t = store.layerThumbnails(l, stored, shown[l]);
            shown[l] = t;
            return Optional.of(new Maps(t.cell(), t.heads(), t.mean()));
        }
        Optional<float[][][]> heads = layer(l);
        if (heads.isEmpty()) return Optional.empty();
        float[][][] p = heads.get();
        return Optional.of(new Maps(1, p, mean(l).orElseGet(() -> AttentionAggregates.meanOverHeads(p))));
    }

}
