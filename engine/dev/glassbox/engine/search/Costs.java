package dev.glassbox.engine.search;

import dev.glassbox.engine.context.ContextMemory;
import dev.glassbox.engine.context.Visible;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.ModelShape;

/** The cost axes a search plots quality against, and the FLOPs-per-token count (docs/DEFINITIONS.md). */
public final class Costs {
    private Costs() {
    }

    /** What a candidate's quality is weighed against. */
    public enum Axis {
        PARAMETERS, FLOPS, LATENCY;

        /** The command line's spelling: params, flops, latency. */
        public String spelling() {
            return switch (this) {
                case PARAMETERS -> "params";
                case FLOPS -> "flops";
                case LATENCY -> "latency";
            };
        }

        public static Axis parse(String s) {
            for (Axis a : values()) {
                if (a.spelling().equalsIgnoreCase(s.strip())) return a;
            }
            throw new IllegalArgumentException("--cost '" + s + "' is not one of params, flops, latency");
        }
    }

    /**
     * Forward FLOPs of the last token of a full training context (a multiply-add counts 2), as Kaplan et al. 2020
     * (Table 1) count them, 2 N_active + 2 n_layer n_keys d_attn x 2, with the keys the query attends to taken from the
     * attention span (full: every position; sliding W: W; ROSA B: its block plus the pooled block summaries):
     * <pre>
     * per layer: 2 (d d + 2 d kv + d d)          q, k, v, o projections (kv = kv heads x head dim)
     *          + 2 * 2 keys d                    scores q.k and the weighted sum of values
     *          + 2 * 3 d h * k  + 2 d E          SwiGLU MLP of width h, k of E experts, router (E = 0: dense, k = 1)
     * plus     2 d V                             unembedding
     * </pre>
     * Norms, softmax, rotary and the embedding lookup are left out (O(d) each).
     */
    public static double flopsPerToken(ModelShape s) {
        double d = s.dim();
        double keys = keysAttended(s);
        double attention = 2 * (2 * d * d + 2 * d * s.kvDim()) + 4 * keys * d;
        double mlpWidth = s.design().mlp() == BlockDesign.Mlp.SWIGLU ? 3 : 2;
        double mlp = s.attentionOnly() ? 0 : s.routing().moe()
                ? 2 * mlpWidth * d * s.hidden() * s.routing().topK() + 2 * d * s.routing().experts()
                : 2 * mlpWidth * d * s.hidden();
        return s.layers() * (attention + mlp) + 2 * d * s.vocab();
    }

    /** Keys (positions or pooled slots) the query at position seq - 1 attends to under the shape's attention span. */
    public static int keysAttended(ModelShape s) {
        ContextMemory m = s.context().policy().newMemory(1);
        float[] one = {0f};
        for (int pos = 0; pos < s.seq(); pos++) {
            m.append(0, pos, one, one, one);
        }
        Visible v = new Visible();
        m.visible(0, s.seq() - 1, v);
        return v.count();
    }
}
