package dev.glassbox.engine.analysis.heads;

import dev.glassbox.engine.tensor.Softmax;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.Capture;

/**
 * What a forward pass over a text predicts: the mean next-token cross-entropy (nats) over positions
 * 0..T-2 and the logits after the last token.
 */
public record RunOutcome(double loss, float[] lastLogits) {

    /** Called after each position is forwarded (for capturing). */
    @FunctionalInterface
    interface StepHook {
        void after(int position, int token);
    }

    public static RunOutcome of(DecoderModel model, int[] tokens, Intervention intervention) {
        DecoderSession s = session(model, Capture.none(model.config().layers()), intervention, tokens);
        return forward(s, tokens, (p, t) -> { });
    }

    static DecoderSession session(DecoderModel model, Capture capture, Intervention iv, int[] tokens) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("head analysis needs at least 2 tokens, got " + tokens.length);
        }
        if (tokens.length > model.config().contextLength()) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the model's context length of "
                    + model.config().contextLength() + "; use fewer tokens");
        }
        DecoderSession s = model.newSession(capture, iv);
        return s;
    }

    /** The logits after position {@code pos} from a session (a full forward, or one resumed at a later layer). */
    @FunctionalInterface
    interface Step {
        float[] logitsAfter(int position);
    }

    static RunOutcome forward(DecoderSession s, int[] tokens, StepHook hook) {
        return forward(tokens, pos -> s.forward(tokens[pos], pos), hook);
    }

    static RunOutcome forward(int[] tokens, Step step, StepHook hook) {
        double loss = 0;
        float[] logits = null;
        for (int pos = 0; pos < tokens.length; pos++) {
            logits = step.logitsAfter(pos);
            hook.after(pos, tokens[pos]);
            if (pos + 1 < tokens.length) {
                loss -= Softmax.logProb(logits, tokens[pos + 1]);
            }
        }
        return new RunOutcome(loss / (tokens.length - 1), logits.clone());
    }
}
