package dev.glassbox.engine.analysis.walkthrough;

import java.util.Locale;

/** What a walkthrough step shows; its title and explanation are looked up as {@code walkthrough.step.<key>.*}. */
public enum StepKind {
    TOKEN, EMBED, LAYER, NORM, QKV, ROPE, SCORES, SCALE, MASK, SOFTMAX, WEIGHTED_SUM, CONCAT, OUT_PROJ,
    RESID_MID, MLP_NORM, MLP_GATE_UP, MLP_ACT, MLP_DOWN, ROUTER, RESID_POST, FINAL_NORM, LOGITS, TEMPERATURE,
    TOP_K_P, SAMPLE,
    /** An encoder's (BERT's) own steps: three embedding rows, their LayerNorm, a post-LN block, no mask, no sampling. */
    ENC_EMBED, ENC_EMBED_NORM, ENC_LAYER, ENC_SCORES, NO_MASK, ENC_SOFTMAX, ADD_NORM_ATTN, ADD_NORM_MLP, ENCODER_OUTPUT;

    /** True for a whole layer in one step (the layers not shown in detail). */
    public boolean layerSummary() { return this == LAYER || this == ENC_LAYER; }

    /** The bundle key part, e.g. {@code weighted_sum}. */
    public String key() { return name().toLowerCase(Locale.ROOT); }
}
