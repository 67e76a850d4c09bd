package dev.glassbox.engine.analysis.walkthrough;

import java.util.Locale;

/** What a walkthrough step shows; its title and explanation are looked up as {@code walkthrough.step.<key>.*}. */
public enum StepKind {
    TOKEN, EMBED, LAYER, NORM, QKV, ROPE, SCORES, SCALE, MASK, SOFTMAX, WEIGHTED_SUM, CONCAT, OUT_PROJ,
    RESID_MID, MLP_NORM, MLP_GATE_UP, MLP_ACT, MLP_DOWN, ROUTER, RESID_POST, FINAL_NORM, LOGITS, TEMPERATURE,
    TOP_K_P, SAMPLE,
    /** An encoder's (BERT's) own steps: three embedding rows, their LayerNorm, a post-LN block, no mask, no sampling. */
    ENC_EMBED, ENC_EMBED_NORM, ENC_LAYER, ENC_SCORES, NO_MASK, ENC_SOFTMAX, ADD_NORM_ATTN, ADD_NORM_MLP, ENCODER_OUTPUT,
    /**
     * An encoder-decoder's own steps: the source encoded, the decoder's input token, a decoder block in one step, its
     * self-attention in one step, the cross-attention (query, keys and values; scores; no mask; softmax; residual
     * add) and the greedy output token.
     */
    S2S_SOURCE, S2S_TOKEN, S2S_LAYER, S2S_SELF_ATTN, CROSS_QKV, CROSS_SCORES, CROSS_NO_MASK, CROSS_SOFTMAX, RESID_CROSS,
    S2S_OUTPUT;

    /** True for a whole layer in one step (the layers not shown in detail). */
    public boolean layerSummary() { return this == LAYER || this == ENC_LAYER || this == S2S_LAYER; }

    /** The bundle key part, e.g. {@code weighted_sum}. */
    public String key() { return name().toLowerCase(Locale.ROOT); }
}
