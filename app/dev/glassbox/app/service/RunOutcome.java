package dev.glassbox.app.service;

import java.util.List;

import dev.glassbox.engine.analysis.NextTokenSummaries;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.knowledge.InjectedInput;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.trace.Trace;

/**
 * A finished run: every token (prompt then generated), how many came from the prompt, the captured trace,
 * why it stopped and its speed; with heads ablated, what that changed against the clean model on the prompt
 * (null when nothing was ablated or the prompt is too short to compare); for an encoder trained with knowledge
 * injection, the enhanced input it read ({@code tokens} are its ids; null otherwise); a decoder's prediction at each
 * position whose next token is known, kept instead of its logits (empty for an encoder).
 */
public record RunOutcome(int[] tokens, int promptLength, Trace trace, Generation.StopReason stop, double tokensPerSecond,
                         HeadSet.Outcome ablation, InjectedInput knowledge, List<NextTokenSummaries.Prediction> predictions) {
    public RunOutcome {
        predictions = predictions == null ? List.of() : List.copyOf(predictions);
    }

    public RunOutcome(int[] tokens, int promptLength, Trace trace, Generation.StopReason stop, double tokensPerSecond) {
        this(tokens, promptLength, trace, stop, tokensPerSecond, null, null, List.of());
    }

    /** The input's visible matrix (K-BERT's), or null when every token saw every other. */
    public boolean[][] visible() {
        return knowledge == null ? null : knowledge.visible();
    }
}
