package dev.glassbox.engine.trace;

import java.util.HashMap;
import java.util.Map;

/**
 * The probe a forward pass writes through. {@link #on} is an array lookup, so hooks that are not
 * selected cost one branch; selected ones are copied into the step being built.
 */
public final class Capture {
    private final boolean[][] table;
    private final boolean any;
    private Map<HookName, Captured> current = new HashMap<>();

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
        Finite.check(values, name.toString()); // every captured hook passes here: NaN stops at the first hook it reaches
        current.put(name, new Captured(name, shape, values));
    }

    /** Hands over what was captured since the last call and starts a fresh step. */
    public Map<HookName, Captured> drain() {
        Map<HookName, Captured> out = current;
        current = new HashMap<>();
        return out;
    }
}
