package dev.glassbox.engine.train;

/**
 * The parameters a {@link BlockDesign} adds to one block beyond Llama's; each is null when the design has none.
 * With the GELU MLP the block's up/down matrices are GPT-2's c_fc/c_proj and {@code upBias}/{@code downBias}
 * their biases.
 */
record BlockExtras(Param attnNormBias, Param bq, Param bk, Param bv, Param bo,
                   Param ffnNormBias, Param upBias, Param downBias) {
}
