package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.EncoderCorpus;
import dev.glassbox.engine.train.EncoderData;
import dev.glassbox.engine.train.EncoderModels;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderShape;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.engine.train.TrainingMemory;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.TrainingData;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The Train workspace's settings once each value is in its range: everything a run needs besides the data, and the
 * checks of the combination (shape rules, the engine's own refusals, the memory a step needs).
 */
public record TrainingSettings(int layers, int heads, int kvHeads, int dim, int hidden, boolean attentionOnly,
                               boolean tied, int seq, int batch, float lr, float weightDecay, int steps, long seed,
                               Extras extras) {

    /** What the options beyond the basic shape add to a run, as the engine's records. */
    public record Extras(BlockDesign design, RoutingDesign routing, ContextTraining context, Regime regime) {
    }

    /** Where a refusal of the combination belongs: next to one form control, or the form as a whole. */
    public enum Place { DIM, KV_HEADS, BATCH, EXPERTS, DESIGN, FORM }

    /** Why the combination cannot train, and the control it concerns. */
    public record Problem(Place place, String message) {
    }

    /** The trainer's options for {@code data}. */
    public TrainOptions options(TrainingData data) {
        return new TrainOptions(data, layers, heads, kvHeads, dim, hidden, attentionOnly, tied, seq, batch, lr, steps, -1,
                seed, weightDecay, 1f, evalEvery(steps), 0, false, null, "Glassbox Train workspace")
                .withDesign(extras.design()).withRegime(extras.regime()).withRouting(extras.routing())
                .withContext(extras.context());
    }

    /**
     * The encoder trainer's options for {@code corpus}: a BERT of this depth, width and MLP (4 x dim when 0), {@code seq}
     * learned positions, this batch, schedule and seed (kv heads, attention-only, tied and the block options are the
     * decoder's and do not apply).
     */
    public EncoderTrainer.Options encoderOptions(EncoderObjective objective, EncoderCorpus corpus) {
        return encoderOptions(objective, corpus.data(objective, seq));
    }

    /** As {@link #encoderOptions(EncoderObjective, EncoderCorpus)} on examples built elsewhere (knowledge injection). */
    public EncoderTrainer.Options encoderOptions(EncoderObjective objective, EncoderData data) {
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), dim, hidden > 0 ? hidden : 4 * dim, layers, heads,
                seq, 2, EncoderShape.BERT_EPS);
        return new EncoderTrainer.Options(objective, shape, data, steps, batch, lr, Math.max(1, steps / 20), weightDecay,
                1.0, seed, evalEvery(steps), EncoderModels.ELECTRA_LAMBDA, null, "Glassbox Train workspace");
    }

    /** Steps between validation passes: about 40 points per run (4 held-out batches each, a few % of the time). */
    public static int evalEvery(int steps) {
        return Math.max(1, steps / 40);
    }

    /**
     * The shape rules a form can check before the rest is read: dim a multiple of heads (and dim / heads even for
     * rotary positions), kv heads dividing heads. Either value may be null (not readable), which skips its rule.
     */
    public static List<Problem> shapeProblems(Integer heads, Integer kvHeads, Integer dim, BlockDesign.Positions positions) {
        List<Problem> out = new ArrayList<>();
        if (heads != null && dim != null) {
            if (dim % heads != 0) {
                out.add(new Problem(Place.DIM, I18n.text("train.dimMultiple", heads)));
            } else if (positions == BlockDesign.Positions.ROPE && (dim / heads) % 2 != 0) {
                out.add(new Problem(Place.DIM, I18n.text("train.dimEven", dim / heads)));
            }
        }
        if (heads != null && kvHeads != null && heads % kvHeads != 0) {
            out.add(new Problem(Place.KV_HEADS, I18n.text("train.kvDivide", heads, divisors(heads))));
        }
        return out;
    }

    /**
     * The engine's own checks of the whole combination, before any data is read (the vocabulary does not matter to
     * them): the model shape (e.g. experts need MLP blocks) and whether a checkpoint can hold it, since the
     * workspace always offers saving.
     */
    public Optional<Problem> engineProblem() {
        ModelShape shape;
        try {
            shape = new ModelShape(2, dim, Math.max(1, hidden), layers, heads, kvHeads, seq, attentionOnly, tied,
                    ModelShape.DEFAULT_EPS, ModelShape.DEFAULT_THETA, extras.design(), extras.routing(), extras.context());
        } catch (IllegalArgumentException e) {
            return Optional.of(new Problem(extras.routing().moe() ? Place.EXPERTS : Place.FORM, e.getMessage()));
        }
        try {
            Checkpoint.requireSavable(shape);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new Problem(Place.DESIGN, e.getMessage()));
        }
    }

    /** Refuses a step that would not fit in half of {@code maxMemoryBytes} (the trainer's own estimate). */
    public Optional<Problem> memoryProblem(long maxMemoryBytes) {
        TrainingMemory memory = TrainingMemory.estimate(batch, seq, layers, heads, dim, hidden, 2); // vocabulary not read yet
        return memory.fits(maxMemoryBytes) ? Optional.empty() : Optional.of(new Problem(Place.BATCH,
                I18n.text("train.memory", memory.problem(maxMemoryBytes))));
    }

    private static String divisors(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (n % i == 0) {
                out.add(Integer.toString(i));
            }
        }
        return String.join(", ", out);
    }
}
