package dev.glassbox.engine.train;

import dev.glassbox.engine.model.ExpertRouter;

/**
 * How tokens are routed through the layers and MLP experts of a trainable model. The default is dense.
 *
 * @param experts       SwiGLU experts per MLP (0 = one dense MLP); each expert has the model's hidden width
 * @param topK          experts per token (hash and random routers send each token to exactly one)
 * @param router        learned top-k gating, a hash of the token id, or a random expert
 * @param balanceLoss   alpha of the load-balancing loss (Switch eq. 4, f counting all top-k choices as HF Mixtral) (learned routers only; 0 = off)
 * @param randomRouting probability p that a layer's output jumps to a random later layer while training (0 = off)
 */
public record RoutingDesign(int experts, int topK, ExpertRouter.Kind router, float balanceLoss, float randomRouting) {

    public static final RoutingDesign DENSE = new RoutingDesign(0, 1, ExpertRouter.Kind.TOPK, 0f, 0f);

    public RoutingDesign {
        java.util.Objects.requireNonNull(router, "router");
        if (experts < 0 || experts == 1 || experts > 256) {
            throw new IllegalArgumentException("--experts must be 0 (dense MLP) or 2..256, got " + experts);
        }
        if (experts > 0 && (topK < 1 || topK > experts)) {
            throw new IllegalArgumentException("--top-k must be in 1.." + experts + " (the expert count), got " + topK);
        }
        if (experts > 0 && !router.learned() && topK != 1) {
            throw new IllegalArgumentException("the " + router.label() + " router sends each token to one expert: --top-k must be 1, got " + topK);
        }
        if (!(balanceLoss >= 0 && balanceLoss < 100)) {
            throw new IllegalArgumentException("--balance-loss must be in [0, 100), got " + balanceLoss);
        }
        if (!(randomRouting >= 0 && randomRouting < 1)) {
            throw new IllegalArgumentException("--random-routing must be in [0, 1), got " + randomRouting);
        }
        if (experts > 0 && randomRouting > 0) {
            throw new IllegalArgumentException("--random-routing cannot be combined with --experts: the balance loss"
                    + " would count tokens whose MLP output the skip discards");
        }
    }

    /** Mixture-of-experts MLPs. */
    public static RoutingDesign experts(int experts, int topK, ExpertRouter.Kind router, float balanceLoss) {
        return new RoutingDesign(experts, topK, router, balanceLoss, 0f);
    }

    /** Dense layers trained with random routing at probability p. */
    public static RoutingDesign randomRouting(float p) {
        return new RoutingDesign(0, 1, ExpertRouter.Kind.TOPK, 0f, p);
    }

    public boolean moe() { return experts > 0; }
}
