package dev.glassbox.engine.model;

import dev.glassbox.engine.trace.Capture;

/** A bidirectional encoder: all positions at once, under an attention mask. */
public non-sealed interface EncoderModel extends LanguageModel {

    /**
     * Runs the encoder on {@code ids} (token types all 0 when {@code typeIds} is null).
     * Captured patterns have shape [heads, T, T].
     *
     * @return the last hidden state, [T][dim]
     */
    float[][] encode(int[] ids, int[] typeIds, Capture capture);

    /** How this checkpoint reads its sentence embedding from the last hidden state (the mean unless it says otherwise). */
    default SentencePooling pooling() { return SentencePooling.MEAN; }
}
