package dev.glassbox.engine.model;

import java.util.Arrays;
import java.util.Random;

import dev.glassbox.engine.tensor.Softmax;

/** Chooses experts for a token in a mixture-of-experts layer. */
public sealed interface ExpertRouter {

    /** The chosen experts and their gate weights (summing to 1). */
    record Choice(int[] experts, float[] weights) {
    }

    Choice route(int tokenId, float[] routerLogits);

    /** The router families a mixture-of-experts layer can use. */
    enum Kind {
        /** a learned linear router and top-k gating */
        TOPK,
        /** a fixed hash of the token id, no router weights */
        HASH,
        /** a uniformly random expert, no router weights */
        RANDOM;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

        public boolean learned() { return this == TOPK; }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label().equals(s.strip().toLowerCase(java.util.Locale.ROOT))) return k;
            }
            throw new IllegalArgumentException("unknown expert router '" + s + "'; known: topk, hash, random");
        }
    }

    /**
     * The router of MoE layer {@code layer}: top-k renormalises its k probabilities when k > 1 (Mixtral) and
     * keeps the raw probability for k = 1 (Switch, Fedus et al. 2021, eq. 2, so the router learns from the
     * loss); hash salts with the layer so layers split the vocabulary differently; random draws from {@code rng}.
     */
    static ExpertRouter of(Kind kind, int experts, int k, int layer, Random rng) {
        return switch (kind) {
            case TOPK -> new TopK(k, k > 1);
            case HASH -> new Hash(experts, layer);
            case RANDOM -> new RandomExpert(experts, rng);
        };
    }

    /**
     * Top-k gating (Shazeer et al. 2017, eq. 3-5 without noise; Switch = top-1, Fedus et al. 2021): softmax over
     * the experts, keep the k best; their weights are renormalised to sum 1, or left as probabilities.
     */
    record TopK(int k, boolean renormalise) implements ExpertRouter {
        public TopK {
            if (k < 1) throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }

        /** Renormalised top-k (Mixtral). */
        public TopK(int k) {
            this(k, true);
        }

        public Choice route(int tokenId, float[] logits) {
            if (k > logits.length) throw new IllegalArgumentException("k = " + k + " > " + logits.length + " experts");
            double[] p = Softmax.probabilities(logits);
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < p.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            int[] e = new int[k];
            float[] w = new float[k];
            double sum = 0;
            for (int i = 0; i < k; i++) sum += p[order[i]];
            if (!renormalise) sum = 1;
            for (int i = 0; i < k; i++) {
                e[i] = order[i];
                w[i] = (float) (p[order[i]] / sum);
            }
            return new Choice(e, w);
        }
    }

    /** Hash layers (Roller et al. 2021): a fixed hash of the token id picks one expert, no learned router. */
    record Hash(int experts, long salt) implements ExpertRouter {
        public Choice route(int tokenId, float[] ignored) {
            long h = (tokenId + salt) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
            return new Choice(new int[] {(int) Math.floorMod(h, (long) experts)}, new float[] {1f});
        }
    }

    /** A uniformly random expert per token (a baseline with no routing signal). */
    record RandomExpert(int experts, Random rng) implements ExpertRouter {
        public Choice route(int tokenId, float[] ignored) {
            return new Choice(new int[] {rng.nextInt(experts)}, new float[] {1f});
        }
    }
}
