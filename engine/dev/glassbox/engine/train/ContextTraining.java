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
 *   <li>compressive memory: the FIFO memory plus compressed slots of rate c, all memories stop-gradient as in Rae
 *       et al. 2020 sec. 3 (segment = FIFO length). The compression f_c is mean pooling (fn=mean) or the paper's
 *       learned 1D convolution (fn=conv, {@link CompressionConv}). The attention-reconstruction loss (sec. 3.2,
 *       ||attn(h, m) - attn(h, f_c(m))||^2 with h and m stop-gradient, {@link ReconstructionLoss}) is computed for
 *       every layer and reported; its gradient reaches only f_c, so it trains the convolution and merely measures
 *       mean pooling. The language-model loss trains the model itself (q/k/v projections and norms through attention
 *       to the slots) and never f_c, the memory states themselves receiving no gradient;</li>
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
                if (c.pool() != ContextPolicy.Compressive.Pool.MEAN && c.pool() != ContextPolicy.Compressive.Pool.CONV) {
                    throw new IllegalArgumentException("compressive memory trains with fn=mean or fn=conv (max and most-used "
                            + "pooling pick entries by value, so they are inference-time choices), got " + policy.label());
                }
                if (c.pool() == ContextPolicy.Compressive.Pool.CONV && (c.memory() % c.rate() != 0 || c.compressed() == 0)) {
                    throw new IllegalArgumentException("compressive fn=conv needs memory a multiple of rate and compressed >= 1 "
                            + "(each segment's memory is compressed into memory / rate slots), got " + policy.label());
                }
            }
            default -> throw new IllegalArgumentException("'" + policy.label() + "' is not a training-time context method; "
                    + "use one of full, sliding, longformer, xl, compressive (fn=mean|conv), rosa (StreamingLLM and the RoPE "
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

    /**
     * Layer {@code layer}'s attention-reconstruction loss (Rae et al. 2020 sec. 3.2) after a forward of {@code model}
     * under compressive memory with memory a multiple of rate, else 0. f_c is the model's learned convolution (fn=conv;
     * its gradient is added to {@code dwK}/{@code dwV} when they are not null) or the fixed mean pooling (fn=mean:
     * measured only, it has nothing to train).
     */
    static double reconstructionLoss(TrainableLlama model, int layer, float[] q, float[] k, float[] v,
                                     float[] dwK, float[] dwV) {
        if (!(model.shape().context().policy() instanceof ContextPolicy.Compressive c) || c.memory() % c.rate() != 0) {
            return 0;
        }
        CompressionConv conv = model.compression();
        int kv = model.shape().kvDim();
        float[] wK = conv == null ? CompressionConv.meanWeights(kv, c.rate()) : conv.key(layer).value();
        float[] wV = conv == null ? wK : conv.value(layer).value();
        return ReconstructionLoss.compute(q, k, v, wK, wV, model.reconstructionGeometry(c.memory(), c.rate()), dwK, dwV);
    }

    /** The same shape trained with this method. */
    public ModelShape applyTo(ModelShape s) {
        return new ModelShape(s.vocab(), s.dim(), s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.seq(),
                s.attentionOnly(), s.tied(), s.normEps(), s.ropeTheta(), s.design(), s.routing(), this);
    }
}
