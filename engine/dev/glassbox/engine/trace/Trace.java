package dev.glassbox.engine.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An immutable run: the token ids and every captured step in position order. Decoder steps hold one query
 * row each; {@link #attentionPattern} assembles them into the full [heads, queries, keys] matrix with
 * zeros above the diagonal. When the model kept the patterns in an {@link AttentionStore} instead ({@code store}
 * non-null), the steps hold no pattern rows and the patterns of the first {@link #length()} positions come from it.
 */
public record Trace(List<TraceStep> steps, AttentionStore store) {
    public Trace {
        steps = List.copyOf(steps);
    }

    public Trace(List<TraceStep> steps) {
        this(steps, null);
    }

    public static Trace of(List<TraceStep> steps) {
        return new Trace(steps);
    }

    /** The steps with the patterns kept in {@code store} (null: in the steps). */
    public static Trace of(List<TraceStep> steps, AttentionStore store) {
        return new Trace(steps, store);
    }

    /** The store holding this run's patterns, when the model kept them there. */
    public Optional<AttentionStore> attentionStore() {
        return Optional.ofNullable(store);
    }

    /** Whether layer {@code layer}'s pattern is in the store (rather than in the steps). */
    private boolean stored(int layer) {
        return store != null && store.has(layer);
    }

    public int length() { return steps.size(); }

    public int[] tokens() {
        return steps.stream().mapToInt(TraceStep::token).toArray();
    }

    /** Hooks captured anywhere in the run, sorted. */
    public List<HookName> hooks() {
        java.util.TreeSet<HookName> s = new java.util.TreeSet<>();
        for (TraceStep st : steps) {
            s.addAll(st.tensors().keySet());
        }
        for (int l = 0; store != null && l < store.layers(); l++) {
            if (store.has(l)) s.add(HookName.of(HookPoint.ATTN_PATTERN, l));
        }
        return List.copyOf(s);
    }

    /**
     * The attention pattern of {@code layer} as [heads][queries][keys]. For a decoder trace each step adds
     * one query row; an encoder trace has one step holding [heads, T, T].
     */
    public Optional<float[][][]> attentionPattern(int layer) {
        if (stored(layer)) {
            int n = Math.min(length(), store.length());
            float[][][] out = new float[store.heads()][n][n];
            for (int h = 0; h < out.length; h++) {
                float[][] rows = store.head(layer, h, n);
                for (int q = 0; q < n; q++) System.arraycopy(rows[q], 0, out[h][q], 0, q + 1);
            }
            return Optional.of(out);
        }
        HookName name = HookName.of(HookPoint.ATTN_PATTERN, layer);
        List<Captured> rows = new ArrayList<>();
        for (TraceStep st : steps) {
            st.get(name).ifPresent(rows::add);
        }
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Captured first = rows.getFirst();
        if (first.shape().length == 3) {
            int h = first.dim(0);
            int q = first.dim(1);
            int k = first.dim(2);
            float[][][] out = new float[h][q][k];
            for (int a = 0; a < h; a++) {
                for (int b = 0; b < q; b++) {
                    System.arraycopy(first.values(), (a * q + b) * k, out[a][b], 0, k);
                }
            }
            return Optional.of(out);
        }
        int heads = first.dim(0);
        int n = rows.size();
        int keys = rows.getLast().dim(1);
        float[][][] out = new float[heads][n][keys];
        for (int qi = 0; qi < n; qi++) {
            Captured c = rows.get(qi);
            int len = c.dim(1);
            for (int h = 0; h < heads; h++) {
                System.arraycopy(c.values(), h * len, out[h][qi], 0, len);
            }
        }
        return Optional.of(out);
    }

    /** All captured values of a per-position hook stacked by step: [steps][values]. */
    public Optional<float[][]> stacked(HookName name) {
        List<float[]> vals = new ArrayList<>();
        for (TraceStep st : steps) {
            st.get(name).ifPresent(c -> vals.add(c.values()));
        }
        return vals.isEmpty() ? Optional.empty() : Optional.of(vals.toArray(float[][]::new));
    }

    public Trace append(TraceStep step) {
        List<TraceStep> s = new ArrayList<>(steps);
        s.add(step);
        return new Trace(Collections.unmodifiableList(s), store);
    }
}
