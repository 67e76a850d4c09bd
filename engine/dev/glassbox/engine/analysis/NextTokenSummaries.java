package dev.glassbox.engine.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.TraceStep;

/**
 * What a run keeps of each position's logits instead of the [vocabulary] row (151,936 floats a position on Qwen2.5):
 * the log-probability of the token that came next, the entropy of the prediction and its most probable tokens, all
 * from the engine's one softmax ({@link Softmax}). Steps pass through {@link #take}, which summarises their
 * {@code logits} and hands them on without it. The logits of position p predict the token at p + 1, read from the
 * step of position p + 1 (the prompt's next token or the sampled one): until it arrives, that one row is held.
 */
public final class NextTokenSummaries {
    /** Most probable tokens kept per position. */
    public static final int TOP_K = 5;
    private static final HookName LOGITS = HookName.of(HookPoint.LOGITS);

    /**
     * One position's prediction of the next token.
     *
     * @param position the position whose logits these were
     * @param entropy -sum p ln p of softmax(logits), in nats
     * @param top the {@link #TOP_K} most probable tokens, most probable first
     * @param next the token at position + 1
     * @param nextLogProb ln softmax(logits)[next]
     */
    public record Prediction(int position, double entropy, List<TokenProbability> top, int next, double nextLogProb) {
        public Prediction {
            top = List.copyOf(top);
        }
    }

    private final List<Prediction> done = new ArrayList<>();
    private int pendingPosition = -1;
    private float[] pendingRow;
    private Softmax.Spread pendingSpread;
    private TokenProbability[] pendingTop;

    /** {@code step} without its logits, which are summarised here (a step without logits passes unchanged). */
    public synchronized TraceStep take(TraceStep step) {
        if (pendingRow != null && step.position() == pendingPosition + 1) {
            done.add(resolve(step.token()));
        }
        pendingRow = null;
        Optional<Captured> logits = step.get(LOGITS);
        if (logits.isEmpty()) {
            return step;
        }
        float[] row = logits.get().values();
        pendingPosition = step.position();
        pendingRow = row;
        pendingSpread = Softmax.spread(row);
        pendingTop = Softmax.topK(row, TOP_K, pendingSpread.logSumExp());
        Map<HookName, Captured> rest = new HashMap<>(step.tensors());
        rest.remove(LOGITS);
        return new TraceStep(step.position(), step.token(), step.generated(), rest);
    }

    /**
     * The predictions whose next token is known, in order of position: the last step's is scored against
     * {@code tokens} (the run's tokens: its next one, sampled or forced, never had a step of its own).
     */
    public synchronized List<Prediction> predictions(int[] tokens) {
        List<Prediction> out = new ArrayList<>(done);
        if (pendingRow != null && pendingPosition + 1 < tokens.length) {
            out.add(resolve(tokens[pendingPosition + 1]));
        }
        return List.copyOf(out);
    }

    private Prediction resolve(int next) {
        if (next < 0 || next >= pendingRow.length) {
            throw new IllegalArgumentException("token " + next + " at position " + (pendingPosition + 1) + " outside the "
                    + pendingRow.length + " logits");
        }
        return new Prediction(pendingPosition, pendingSpread.entropy(), List.of(pendingTop), next,
                pendingRow[next] - pendingSpread.logSumExp());
    }
}
