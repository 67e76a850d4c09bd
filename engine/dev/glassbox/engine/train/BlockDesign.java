package dev.glassbox.engine.train;

import java.util.Locale;
import java.util.Objects;

/**
 * How each block is built beyond its sizes (normalisation, MLP, positions, attention biases). The default is
 * Llama's (RMSNorm, SwiGLU, rotary positions, no biases); {@link #GPT2} is GPT-2's (LayerNorm, tanh-GELU MLP,
 * learned absolute positions, biases on every projection), the one other combination saved in a Hugging Face
 * layout the engine loads. Mixed combinations train but cannot be saved (see {@link #savable()}).
 *
 * @param attentionBias q, k, v and output projections carry biases (GPT-2's c_attn / c_proj)
 */
public record BlockDesign(Norm norm, Mlp mlp, Positions positions, boolean attentionBias) {

    public static final BlockDesign LLAMA = new BlockDesign(Norm.RMS, Mlp.SWIGLU, Positions.ROPE, false);
    public static final BlockDesign GPT2 = new BlockDesign(Norm.LAYER, Mlp.GELU, Positions.LEARNED, true);

    /** RMSNorm (Zhang and Sennrich 2019) or LayerNorm with bias (Ba et al. 2016). */
    public enum Norm { RMS, LAYER }

    /** SwiGLU (Shazeer 2020) or GPT-2's c_fc, tanh-GELU, c_proj with biases. */
    public enum Mlp { SWIGLU, GELU }

    /**
     * Rotary (Su et al. 2021), learned absolute position embeddings added to the token embedding, or Transformer-XL's
     * relative positional attention (Dai et al. 2019 sec. 3.3, {@link RelativeAttention}; CLI spelling xl-relative).
     */
    public enum Positions { ROPE, LEARNED, XL_RELATIVE }

    public BlockDesign {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(positions, "positions");
    }

    /** Parses the CLI spelling of one choice, e.g. {@code parse(Norm.class, "--norm", "layer")}. */
    public static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (spelling(e).equalsIgnoreCase(value) || e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.isEmpty() ? "" : ", ").append(spelling(e));
        }
        throw new IllegalArgumentException(option + " '" + value + "' is not one of " + allowed);
    }

    /** The CLI spelling of a choice: lower case, '-' for '_' (XL_RELATIVE is xl-relative). */
    public static String spelling(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public BlockDesign withNorm(Norm n) { return new BlockDesign(n, mlp, positions, attentionBias); }

    public BlockDesign withMlp(Mlp m) { return new BlockDesign(norm, m, positions, attentionBias); }

    public BlockDesign withPositions(Positions p) { return new BlockDesign(norm, mlp, p, attentionBias); }

    public BlockDesign withAttentionBias(boolean on) { return new BlockDesign(norm, mlp, positions, on); }

    /** Llama's blocks with Transformer-XL relative positions in place of rotary ones. */
    public static final BlockDesign LLAMA_XL_RELATIVE = LLAMA.withPositions(Positions.XL_RELATIVE);

    /** True when a checkpoint folder can hold this design: Llama's (rotary or XL-relative positions) or GPT-2's. */
    public boolean savable() {
        return equals(LLAMA) || equals(GPT2) || equals(LLAMA_XL_RELATIVE);
    }

    /** Short description for logs, e.g. "layer norm, gelu mlp, learned positions, attention biases". */
    public String describe() {
        return norm.name().toLowerCase(Locale.ROOT) + " norm, " + mlp.name().toLowerCase(Locale.ROOT) + " mlp, "
                + spelling(positions) + " positions" + (attentionBias ? ", attention biases" : "");
    }
}
