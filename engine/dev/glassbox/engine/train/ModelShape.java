package dev.glassbox.engine.train;

/**
 * The shape of a trainable Llama-style decoder.
 *
 * @param hidden        SwiGLU width (ignored when attentionOnly)
 * @param seq           the training context length (max_position_embeddings)
 * @param attentionOnly blocks without MLP and its norm
 * @param tied          the unembedding reuses the token embedding
 * @param design        normalisation, MLP and position choices
 * @param routing       experts and layer routing
 * @param context       the attention span used while training
 */
public record ModelShape(int vocab, int dim, int hidden, int layers, int heads, int kvHeads, int seq,
                         boolean attentionOnly, boolean tied, float normEps, float ropeTheta,
                         BlockDesign design, RoutingDesign routing, ContextTraining context) {

    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_THETA = 10000f;

    /** A Llama-style dense decoder with full causal attention. */
    public ModelShape(int vocab, int dim, int hidden, int layers, int heads, int kvHeads, int seq,
                      boolean attentionOnly, boolean tied, float normEps, float ropeTheta) {
        this(vocab, dim, hidden, layers, heads, kvHeads, seq, attentionOnly, tied, normEps, ropeTheta,
                BlockDesign.LLAMA, RoutingDesign.DENSE, ContextTraining.FULL);
    }

    public ModelShape {
        java.util.Objects.requireNonNull(design, "design");
        java.util.Objects.requireNonNull(routing, "routing");
        java.util.Objects.requireNonNull(context, "context");
        require(vocab > 1, "vocabulary size must be > 1, got " + vocab);
        require(dim > 0 && layers > 0 && heads > 0 && seq > 0, "dim, layers, heads and seq must be positive");
        require(dim % heads == 0, "dim " + dim + " is not divisible by the head count " + heads);
        require(design.positions() != BlockDesign.Positions.ROPE || (dim / heads) % 2 == 0,
                "head dim " + dim / heads + " must be even for rotary embedding");
        require(design.positions() != BlockDesign.Positions.XL_RELATIVE || dim % 2 == 0,
                "dim " + dim + " must be even for the sinusoid of xl-relative positions");
        require(design.positions() != BlockDesign.Positions.XL_RELATIVE || RelativeAttention.supports(context.policy()),
                "xl-relative positions train with full, sliding or xl context (pooled slots have no single distance), got "
                        + context.spec());
        require(kvHeads > 0 && heads % kvHeads == 0, "kv heads " + kvHeads + " must divide the head count " + heads);
        require(attentionOnly || hidden > 0, "hidden size must be positive");
        require(!(attentionOnly && routing.moe()), "--experts needs MLP blocks; it cannot be combined with --attention-only");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public int headDim() { return dim / heads; }

    public int qDim() { return dim; }

    public int kvDim() { return kvHeads * headDim(); }
}
