package dev.glassbox.engine.search;

import java.util.Locale;

import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.TrainingData;

/**
 * One point of a {@link SearchSpace}: the trainer's own choices (layers, heads, kv heads, width, MLP width, attention
 * span, experts, positions), turned into {@link TrainOptions} by {@link #options}; no second model description.
 *
 * @param hidden    MLP width, 0 = the trainer's default (about 8/3 dim for SwiGLU)
 * @param attention a training-time context method in the trainer's --context syntax (full, sliding:W=8, rosa:B=8, ...)
 */
public record Architecture(int layers, int heads, int kvHeads, int dim, int hidden, String attention, Experts experts,
                           BlockDesign.Positions positions) {

    /** Mixture-of-experts MLPs: {@code count} SwiGLU experts, {@code topK} per token (count 0 = dense MLP). */
    public record Experts(int count, int topK) {
        public static final Experts DENSE = new Experts(0, 1);

        /** Parses "0" (dense) or "EXPERTSxTOPK", e.g. "4x2". */
        public static Experts parse(String spec) {
            String s = spec.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.equals("0") || s.equals("dense")) {
                    return DENSE;
                }
                int x = s.indexOf('x');
                if (x > 0) {
                    return new Experts(Integer.parseInt(s.substring(0, x)), Integer.parseInt(s.substring(x + 1)));
                }
            } catch (NumberFormatException e) {
                // falls through to the message
            }
            throw new IllegalArgumentException("--experts '" + spec + "' is not 0 (dense) or EXPERTSxTOPK such as 4x2");
        }

        /** The spelling {@link #parse} reads. */
        public String spec() {
            return count == 0 ? "0" : count + "x" + topK;
        }
    }

    /**
     * The trainer's options for this architecture (validation at the end of each run only; {@code resume}: continue
     * the checkpoint in the output folder); throws IllegalArgumentException when the trainer refuses it.
     */
    public TrainOptions options(TrainingData data, int seq, int batch, float lr, int steps, long seed, boolean resume) {
        TrainOptions o = new TrainOptions(data, layers, heads, kvHeads, dim, hidden, false, true, seq, batch, lr, steps,
                -1, seed, 0.1f, 1f, steps, 0, resume, null, "glassbox search")
                .withDesign(BlockDesign.LLAMA.withPositions(positions))
                .withRouting(experts.count() == 0 ? RoutingDesign.DENSE
                        : RoutingDesign.experts(experts.count(), experts.topK(), ExpertRouter.Kind.TOPK, 0.01f))
                .withContext(ContextTraining.parse(attention, seq));
        ModelShape shape = o.shape(); // the shape's own checks (divisibility, position and context rules)
        dev.glassbox.engine.train.Checkpoint.requireSavable(shape);
        return o;
    }

    /** Short label, e.g. "L2 H4/2 d32 sliding:W=8 moe 4x2 rope". */
    public String describe() {
        return "L" + layers + " H" + heads + "/" + kvHeads + " d" + dim + (hidden > 0 ? " h" + hidden : "") + " " + attention
                + (experts.count() > 0 ? " moe " + experts.spec() : "") + " " + BlockDesign.spelling(positions);
    }
}
