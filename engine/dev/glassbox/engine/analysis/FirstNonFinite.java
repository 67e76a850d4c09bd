package dev.glassbox.engine.analysis;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Finite;
import dev.glassbox.engine.trace.HookSelection;

/**
 * Names the layer where a NaN or infinity first appears in a run that captured no hooks (scoring, routes, context
 * methods): on a non-finite result, the tokens up to it are replayed once with every hook captured, and
 * {@link Finite}'s check in {@link Capture} stops at the first hook the bad value reaches. Costs nothing while
 * results are finite.
 */
public final class FirstNonFinite {
    private FirstNonFinite() {
    }

    /** {@code logits} of position {@code t} (a run over tokens[from..t]) if finite; else the located failure is thrown. */
    public static float[] check(DecoderModel model, int[] tokens, int from, int t, float[] logits) {
        int bad = Finite.firstNonFinite(logits);
        if (bad >= 0) throw locate(model, tokens, from, t, Finite.error("the logits", logits[bad]).at(t));
        return logits;
    }

    /** {@code values[i]} belongs to position i of tokens[0..]; returned if all are finite, else the located failure is thrown. */
    public static float[] checkSeries(DecoderModel model, int[] tokens, float[] values, String what) {
        int bad = Finite.firstNonFinite(values);
        if (bad >= 0) throw locate(model, tokens, 0, bad, Finite.error(what, values[bad]).at(bad));
        return values;
    }

    /** The first hook a replay of tokens[from..to] (at positions 0..) finds non-finite, or {@code seen} if none. */
    static Finite.NonFiniteException locate(DecoderModel model, int[] tokens, int from, int to, Finite.NonFiniteException seen) {
        DecoderSession s = model.newSession(new Capture(HookSelection.ALL, model.config().layers()));
        for (int t = from; t <= to && t - from < s.capacity(); t++) {
            try {
                s.forward(tokens[t], t - from);
            } catch (Finite.NonFiniteException e) {
                return e.at(t);
            }
            s.drainCaptured();
        }
        return seen;
    }
}
