package dev.glassbox.engine.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/**
 * The experts every token is sent to in a mixture-of-experts model, read from the {@code blocks.l.route} hook
 * (row 0 router probabilities, row 1 the weight each expert got), and the per-layer load they add up to.
 */
public final class ExpertRoutes {
    /** The capture pattern that records routes. */
    public static final String HOOKS = "blocks.*.route";

    /**
     * One token's decision in one MoE layer.
     *
     * @param experts chosen experts, highest weight first
     * @param weights their gate weights
     * @param probs   the router's probabilities over all experts (one-hot for hash and random routers)
     */
    public record Hop(int[] experts, float[] weights, float[] probs) {
        public int first() { return experts[0]; }
    }

    /** Per-layer load of one MoE layer. */
    public record LayerLoad(int layer, LoadBalance balance) {
    }

    private ExpertRoutes() {
    }

    /** The MoE MLP of each layer of {@code model} (null entries for dense layers); empty when there are none. */
    public static ExpertMlp[] expertLayers(DecoderModel model) {
        if (!(model instanceof LlamaModel lm) || !lm.hasExperts()) {
            return new ExpertMlp[0];
        }
        ExpertMlp[] out = new ExpertMlp[lm.config().layers()];
        for (int l = 0; l < out.length; l++) out[l] = lm.experts(l);
        return out;
    }

    /** The hop of each layer in one step's captures (null where the layer recorded no route). */
    public static Hop[] hops(Map<HookName, Captured> step, int layers) {
        Hop[] out = new Hop[layers];
        for (int l = 0; l < layers; l++) {
            Captured c = step.get(HookName.of(HookPoint.ROUTE, l));
            if (c != null) out[l] = hop(c);
        }
        return out;
    }

    static Hop hop(Captured c) {
        int n = c.dim(1);
        float[] v = c.values();
        float[] probs = java.util.Arrays.copyOf(v, n);
        List<Integer> chosen = new ArrayList<>();
        for (int e = 0; e < n; e++) if (v[n + e] != 0) chosen.add(e);
        chosen.sort((a, b) -> v[n + a] != v[n + b] ? Float.compare(v[n + b], v[n + a]) : Integer.compare(a, b));
        int[] experts = chosen.stream().mapToInt(Integer::intValue).toArray();
        float[] weights = new float[experts.length];
        for (int j = 0; j < experts.length; j++) weights[j] = v[n + experts[j]];
        return new Hop(experts, weights, probs);
    }

    /** Runs {@code tokens} at full depth and returns each position's hops. */
    public static List<Hop[]> trace(DecoderModel model, int[] tokens, BooleanSupplier cancelled) {
        int layers = model.config().layers();
        DecoderSession s = model.newSession(new Capture(HookSelection.of(HOOKS), layers));
        List<Hop[]> out = new ArrayList<>();
        for (int t = 0; t < tokens.length; t++) {
            if (cancelled.getAsBoolean()) throw new CancellationException("cancelled at position " + t);
            s.forward(tokens[t], t);
            out.add(hops(s.drainCaptured(), layers));
        }
        return out;
    }

    /**
     * Load statistics per MoE layer over the given positions' hops. The Switch auxiliary loss needs a learned
     * router (NaN for hash and random routers, whose "probabilities" are the choices themselves).
     */
    public static List<LayerLoad> load(ExpertMlp[] layers, List<Hop[]> routes, double capacityFactor) {
        List<LayerLoad> out = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            ExpertMlp x = layers[l];
            if (x == null) continue;
            List<Hop> hs = new ArrayList<>();
            for (Hop[] r : routes) if (r[l] != null) hs.add(r[l]);
            int[] first = new int[hs.size()];
            int[][] assign = new int[hs.size()][];
            double[][] probs = x.router() == null ? null : new double[hs.size()][];
            for (int t = 0; t < hs.size(); t++) {
                first[t] = hs.get(t).first();
                assign[t] = hs.get(t).experts();
                if (probs != null) {
                    probs[t] = new double[x.experts()];
                    for (int e = 0; e < x.experts(); e++) probs[t][e] = hs.get(t).probs()[e];
                }
            }
            out.add(new LayerLoad(l, LoadBalance.of(x.experts(), first, assign, probs, capacityFactor)));
        }
        return out;
    }

    /**
     * The default routing policy of a model: its trained random routing if it had any, dense for an expert
     * model (its own router picks the experts), else {@code fallback}.
     */
    public static String ownPolicy(DecoderModel model, String fallback) {
        if (model instanceof LlamaModel lm) {
            if (lm.trainedRandomRouting() > 0) return "random:p=" + (float) lm.trainedRandomRouting();
            if (lm.hasExperts()) return "dense";
        }
        return fallback;
    }
}
