package dev.glassbox.engine.train;

import dev.glassbox.engine.context.ContextPolicy;

/**
 * Which keys a query may attend to while training (a context method used at training time). The default is full
 * causal attention. The method is one of the context lab's {@link ContextPolicy} members, so a model trained with
 * it runs under the same policy in the lab (its "native" method) and sees exactly the positions it saw in training:
 * <ul>
 *   <li>sliding window W: a causal band (Beltagy et al. 2020 sec. 3.1; Mistral, Jiang et al. 2023);</li>
 *   <li>Longformer: the local (dilated) window plus global tokens that attend to and are attended by every position
 *       (Beltagy et al. 2020 sec. 3.1, causal form);</li>
 *   <li>Transformer-XL: a query sees its segment so far plus the previous {@code memory} positions, whose states are
 *       stop-gradient (Dai et al. 2019 sec. 3.2, h~ = [SG(m) o h]); rotary keys keep their true positions. A training
 *       row is a run of consecutive segments processed at once: each segment's memory is the previous segment's
 *       states of the same forward pass (identical values to a segment-by-segment recurrence), and the first segment of
 *       a row starts with empty memory;</li>
 *   <li>compressive memory with mean pooling: the FIFO memory plus mean-pooled compressed slots of rate c, all
 *       memories stop-gradient as in Rae et al. 2020 sec. 3 (segment = FIFO length). The paper's attention-
 *       reconstruction loss (sec. 3.1, ||attn(h, m) - attn(h, f_c(m))||^2 with h and m stop-gradient) has a gradient
 *       only in the compression network f_c; mean pooling has no parameters, so that loss would train nothing and is
 *       not computed. What trains is the model itself: its q/k/v projections and norms through attention to the
 *       pooled slots under the language-model loss, the memory states themselves receiving no gradient;</li>
 *   <li>ROSA blocks: local block attention plus attention to mean-pooled summaries of completed earlier blocks.</li>
 * </ul>
 * Pooled slots average the rotated keys and the values over their source range, as the inference memories do.
 *
 * @param policy the inference-side policy whose coverage is trained
 */
public record ContextTraining(ContextPolicy policy) {

    /** The config.json key naming the method a checkpoint was trained with (Glassbox-specific). */
    public static final String CONFIG_KEY = dev.glassbox.engine.context.NativeContext.CONFIG_KEY;

    public static final ContextTraining FULL = new ContextTraining(new ContextPolicy.Full());

    public ContextTraining {
        java.util.Objects.requireNonNull(policy, "policy");
        switch (policy) {
            case ContextPolicy.Full f -> { }
            case ContextPolicy.SlidingWindow w -> { }
            case ContextPolicy.Longformer l -> { }
            case ContextPolicy.TransformerXl x -> { }
            case ContextPolicy.Rosa r -> { }
            case ContextPolicy.Compressive c -> {
                if (c.pool() != ContextPolicy.Compressive.Pool.MEAN) {
                    throw new IllegalArgumentException("compressive memory trains with fn=mean only (max and most-used "
                            + "pooling pick entries by value, so they are inference-time choices), got " + policy.label());
                }
            }
            default -> throw new IllegalArgumentException("'" + policy.label() + "' is not a training-time context method; "
                    + "use one of full, sliding, longformer, xl, compressive (fn=mean), rosa (StreamingLLM and the RoPE "
                    + "scalings change a trained model's positions at inference only)");
        }
    }

    /** Parses a context-lab method spec such as {@code sliding:W=16} or {@code xl:segment=32,memory=32}. */
    public static ContextTraining parse(String spec, int seq) {
        return new ContextTraining(ContextPolicy.parse(spec, seq));
    }

    public boolean isFull() {
        return policy instanceof ContextPolicy.Full;
    }

    /** The spec recorded in config.json (parses back to the same policy). */
    public String spec() {
        return policy.label();
    }

    /**
     * Keys before the query's segment start whose gradient is stopped (XL memory, compressive memories), or 0 when
     * every attended key carries its gradient back.
     */
    int stopGradientSegment() {
        return switch (policy) {
            case ContextPolicy.TransformerXl x -> x.segment();
            case ContextPolicy.Compressive c -> c.memory();
            default -> 0;
        };
    }

    /** The same shape trained with this method. */
    public ModelShape applyTo(ModelShape s) {
        return new ModelShape(s.vocab(), s.dim(), s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.seq(),
                s.attentionOnly(), s.tied(), s.normEps(), s.ropeTheta(), s.design(), s.routing(), this);
    }
}
