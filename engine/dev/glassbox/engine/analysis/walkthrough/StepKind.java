package dev.glassbox.engine.analysis.walkthrough;

import java.util.Locale;

/** What a walkthrough step shows; its title and explanation are looked up as {@code walkthrough.step.<key>.*}. */
public enum StepKind {
    TOKEN, EMBED, LAYER, NORM, QKV, ROPE, SCORES, SCALE, MASK, SOFTMAX, WEIGHTED_SUM, CONCAT, OUT_PROJ,
    RESID_MID, MLP_NORM, MLP_GATE_UP, MLP_ACT, MLP_DOWN, ROUTER, RESID_POST, FINAL_NORM, LOGITS, TEMPERATURE,
    TOP_K_P, SAMPLE;

    /** The bundle key part, e.g. {@code weighted_sum}. */
    public String key() { return name().toLowerCase(Locale.ROOT); }
}
