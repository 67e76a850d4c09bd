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

    public static RunOutcome of(DecoderModel model, int[] tokens, Intervention intervention) {
        DecoderSession s = session(model, Capture.none(model.config().layers()), intervention, tokens);
        return prefill(s, tokens, DecoderSession.StepSink.NONE, null);
    }

    static DecoderSession session(DecoderModel model, Capture capture, Intervention iv, int[] tokens) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("head analysis needs at least 2 tokens, got " + tokens.length);
        }
        if (tokens.length > model.config().contextLength()) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the model's context length of "
                    + model.config().contextLength() + "; use fewer tokens");
        }
        return model.newSession(capture, iv, tokens.length); // sized for the run: its store holds exactly its positions
    }

    /** The logits after position {@code pos} from a session (a full forward, or one resumed at a later layer). */
    @FunctionalInterface
    interface Step {
        float[] logitsAfter(int position);
    }

    static RunOutcome forward(int[] tokens, Step step) {
        Loss loss = new Loss(tokens);
        for (int pos = 0; pos < tokens.length; pos++) {
            loss.after(pos, step.logitsAfter(pos));
        }
        return loss.outcome();
    }

    /**
     * The outcome of a prefill of {@code tokens} from position 0 (batched where the session batches), each
     * position's captured step handed to {@code steps}: the numbers of a token-by-token forward up to float rounding.
     * {@code cancelled} (may be null) is asked as {@link DecoderSession#prefillCancellable} asks it.
     */
    static RunOutcome prefill(DecoderSession s, int[] tokens, DecoderSession.StepSink steps,
                              java.util.function.BooleanSupplier cancelled) {
        Loss loss = new Loss(tokens);
        s.prefill(tokens, 0, steps, loss::after, cancelled);
        return loss.outcome();
    }

    /** The mean next-token cross-entropy and the last logits, from each position's logits in order. */
    private static final class Loss {
        private final int[] tokens;
        private double sum;
        private float[] last;

        Loss(int[] tokens) {
            this.tokens = tokens;
        }

        void after(int pos, float[] logits) {
            if (pos + 1 < tokens.length) {
                sum -= Softmax.logProb(logits, tokens[pos + 1]);
            } else {
                last = logits.clone();
            }
        }

        RunOutcome outcome() {
            return new RunOutcome(sum / (tokens.length - 1), last);
        }
    }
}
