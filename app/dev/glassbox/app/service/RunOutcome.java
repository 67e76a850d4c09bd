package dev.glassbox.app.service;

import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.knowledge.InjectedInput;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.trace.Trace;

/**
 * A finished run: every token (prompt then generated), how many came from the prompt, the captured trace,
 * why it stopped and its speed; with heads ablated, what that changed against the clean model on the prompt
 * (null when nothing was ablated or the prompt is too short to compare); for an encoder trained with knowledge
 * injection, the enhanced input it read ({@code tokens} are its ids; null otherwise).
 */
public record RunOutcome(int[] tokens, int promptLength, Trace trace, Generation.StopReason stop, double tokensPerSecond,
                         HeadSet.Outcome ablation, InjectedInput knowledge) {
    public RunOutcome(int[] tokens, int promptLength, Trace trace, Generation.StopReason stop, double tokensPerSecond) {
        this(tokens, promptLength, trace, stop, tokensPerSecond, null, null);
    }

    public RunOutcome(int[] tokens, int promptLength, Trace trace, Generation.StopReason stop, double tokensPerSecond,
                      HeadSet.Outcome ablation) {
        this(tokens, promptLength, trace, stop, tokensPerSecond, ablation, null);
    }

    /** The input's visible matrix (K-BERT's), or null when every token saw every other. */
    public boolean[][] visible() {
        return knowledge == null ? null : knowledge.visible();
    }
}
