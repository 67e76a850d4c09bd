package dev.glassbox.engine.model;

import dev.glassbox.engine.tensor.Tensor;

/**
 * A mixture-of-experts MLP (Mixtral's block_sparse_moe): a router [experts, dim] (null for hash and random
 * routing) and per expert the SwiGLU matrices w1 (gate) and w3 (up) [hidden, dim] and w2 (down) [dim, hidden].
 *
 * @param topK experts per token
 */
public record ExpertMlp(Tensor router, Tensor[] w1, Tensor[] w2, Tensor[] w3, ExpertRouter.Kind kind, int topK) {
    public ExpertMlp {
        if (w1.length < 2 || w2.length != w1.length || w3.length != w1.length) {
            throw new IllegalArgumentException("an MoE layer needs >= 2 experts with w1, w2 and w3 each, got "
                    + w1.length + ", " + w2.length + ", " + w3.length);
        }
        if (topK < 1 || topK > w1.length) {
            throw new IllegalArgumentException("experts per token must be in 1.." + w1.length + ", got " + topK);
        }
        if (kind.learned() != (router != null)) {
            throw new IllegalArgumentException("a " + kind.label() + " router " + (kind.learned() ? "needs" : "has no") + " router weights");
        }
        w1 = w1.clone();
        w2 = w2.clone();
        w3 = w3.clone();
    }

    public int experts() { return w1.length; }

    public Tensor w1(int e) { return w1[e]; }

    public Tensor w2(int e) { return w2[e]; }

    public Tensor w3(int e) { return w3[e]; }
}
