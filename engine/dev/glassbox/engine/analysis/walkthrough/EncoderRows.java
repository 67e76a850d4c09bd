package dev.glassbox.engine.analysis.walkthrough;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;

/**
 * An encoder's trace is one step whose hooks hold every position ([T, ...]; patterns [heads, T, T]). The
 * walkthrough reads one position at a time, as a decoder's trace gives it: these are the rows of one position,
 * and the way back from an index into such a row to the index in the step's tensor.
 */
final class EncoderRows {
    private EncoderRows() {
    }

    /** Every hook's row at {@code pos}: [T, rest...] becomes [rest...], a pattern [heads, T, T] becomes [heads, T]. */
    static Map<HookName, Captured> at(Map<HookName, Captured> all, int pos, int n) {
        Map<HookName, Captured> out = new LinkedHashMap<>();
        for (Captured c : all.values()) {
            int[] shape = c.shape();
            if (c.hook().point() == HookPoint.ATTN_PATTERN) {
                int heads = shape[0];
                float[] rows = new float[heads * n];
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(c.values(), (h * n + pos) * n, rows, h * n, n);
                }
                out.put(c.hook(), new Captured(c.hook(), new int[] {heads, n}, rows));
            } else if (shape.length > 0 && shape[0] == n) {
                int row = c.values().length / n;
                float[] v = java.util.Arrays.copyOfRange(c.values(), pos * row, (pos + 1) * row);
                out.put(c.hook(), new Captured(c.hook(), java.util.Arrays.copyOfRange(shape, 1, shape.length), v));
            }
        }
        return out;
    }

    /** Indices into {@code hook}'s row at {@code pos} (of {@code rowLength} values) as indices into the whole tensor. */
    static int[] indicesInTrace(HookName hook, int[] ix, int pos, int n, int rowLength) {
        int[] out = new int[ix.length];
        for (int i = 0; i < ix.length; i++) {
            out[i] = hook.point() == HookPoint.ATTN_PATTERN
                    ? (ix[i] / n * n + pos) * n + ix[i] % n
                    : pos * rowLength + ix[i];
        }
        return out;
    }
}
