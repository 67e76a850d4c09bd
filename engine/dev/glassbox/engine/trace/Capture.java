package dev.glassbox.engine.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe a forward pass writes through. {@link #on} is an array lookup, so hooks that are not
 * selected cost one branch; selected ones are copied into the step being built.
 * <p>
 * A batched prefill builds the steps of a block of positions at once: it picks the row (the position in the block)
 * with {@link #row} before it writes, and {@link #drain(int)} hands each row over as that position's step.
 */
public final class Capture {
    private final boolean[][] table;
    private final boolean any;
    private final List<Map<HookName, Captured>> rows = new ArrayList<>(List.of(new HashMap<>()));
    private Map<HookName, Captured> current = rows.getFirst();
    private int position = -1;
    private boolean storePatterns;
    private AttentionStore store;

    public Capture(HookSelection selection, int layers) {
        this.table = selection.resolve(layers);
        boolean a = false;
        for (boolean[] row : table) {
            for (boolean b : row) {
                a |= b;
            }
        }
        this.any = a;
    }

    public static Capture none(int layers) {
        return new Capture(HookSelection.NONE, layers);
    }

    public boolean any() { return any; }

    /**
     * Asks the model to keep the selected attention patterns in an {@link AttentionStore} (memory linear in the
     * positions) instead of as [heads, pos + 1] rows in every step; a model whose attention cannot recompute its
     * patterns (a context policy's memory, an encoder) keeps the rows. Returns this capture.
     */
    public Capture storingPatterns() {
        storePatterns = true;
        return this;
    }

    /** Whether {@link #storingPatterns()} was asked. */
    public boolean storesPatterns() { return storePatterns; }

    /** Called by the model that writes the patterns into {@code store}: from then on no step holds pattern rows. */
    public void attach(AttentionStore store) {
        this.store = store;
    }

    /** The store the patterns of this capture went to, if the model kept them that way. */
    public java.util.Optional<AttentionStore> attention() {
        return java.util.Optional.ofNullable(store);
    }

    /** Whether any layer's pattern is selected. */
    public boolean anyPattern() {
        for (boolean b : table[HookPoint.ATTN_PATTERN.ordinal()]) {
            if (b) return true;
        }
        return false;
    }

    /** Per layer, whether its pattern is selected. */
    public boolean[] patternLayers() {
        boolean[] row = table[HookPoint.ATTN_PATTERN.ordinal()];
        return java.util.Arrays.copyOfRange(row, 1, row.length);
    }

    public boolean on(HookPoint point, int layer) {
        return table[point.ordinal()][layer + 1];
    }

    public boolean on(HookPoint point) {
        return table[point.ordinal()][0];
    }

    /** Copies {@code len} values from {@code src[off..]} as hook (point, layer) with the given shape. */
    public void put(HookPoint point, int layer, float[] src, int off, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] copy = new float[n];
        System.arraycopy(src, off, copy, 0, n);
        keep(point, layer, copy, shape);
    }

    /**
     * Keeps {@code values} itself (no copy) as hook (point, layer): for an array made for this step alone, such as
     * an attention pattern gathered from the heads' rows, which a copy would only duplicate.
     */
    public void keep(HookPoint point, int layer, float[] values, int... shape) {
        HookName name = point.perLayer() ? HookName.of(point, layer) : HookName.of(point);
        // every captured hook passes here: NaN stops at the first hook it reaches
        if (position < 0) Finite.check(values, name.toString());
        else Finite.check(values, name.toString(), position);
        current.put(name, new Captured(name, shape, values));
    }

    /**
     * Directs the following writes to row {@code row} of a block, the step of token position {@code position}
     * (named when a captured value is not finite). Row 0 is the one-token forward's step.
     */
    public void row(int row, int position) {
        while (rows.size() <= row) rows.add(new HashMap<>());
        current = rows.get(row);
        this.position = position;
    }

    /** Hands over what was captured since the last call and starts a fresh step. */
    public Map<HookName, Captured> drain() {
        return drain(0);
    }

    /** Hands over row {@code row}'s step (see {@link #row}) and starts it fresh; writes go to row 0 again. */
    public Map<HookName, Captured> drain(int row) {
        if (row >= rows.size()) return new HashMap<>(); // a row nothing was written to
        Map<HookName, Captured> out = rows.get(row);
        rows.set(row, new HashMap<>());
        current = rows.getFirst();
        position = -1;
        return out;
    }
}
