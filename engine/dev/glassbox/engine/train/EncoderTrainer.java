package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Consumer;

import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Finite;

/**
 * The encoder pre-training loop: a batch of {@link EncoderExample}s per step, the objective's forward and backward
 * ({@link EncoderModels}), clipping, AdamW with warm-up and cosine decay (as the decoder {@link Trainer}), validation,
 * and a {@link BertCheckpoint} at the end. Any {@link EncoderData} trains: a text corpus, or examples built elsewhere.
 */
public final class EncoderTrainer {

    /**
     * @param shape     the encoder (the discriminator under RTD); its vocabulary must be the data's
     * @param lambda    RTD's discriminator weight ({@link EncoderModels#ELECTRA_LAMBDA})
     * @param out       checkpoint folder, or null for none
     */
    public record Options(EncoderObjective objective, EncoderShape shape, EncoderData data, int steps, int batch, float lr,
                          int warmupSteps, float weightDecay, double clip, long seed, int evalEvery, float lambda, Path out,
                          String command) {
        public Options {
            java.util.Objects.requireNonNull(objective, "objective");
            if (shape.vocab() != data.vocabulary().size()) {
                throw new IllegalArgumentException("the model's vocabulary of " + shape.vocab() + " differs from the data's "
                        + data.vocabulary().size());
            }
            if (steps < 1 || batch < 1 || evalEvery < 1) throw new IllegalArgumentException("steps, batch and eval interval must be >= 1");
            if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }

        /** Defaults for a short run: warm-up 10 % of the steps, weight decay 0.01 (BERT's), clip 1, evaluate at the end. */
        public static Options of(EncoderObjective objective, EncoderShape shape, EncoderData data, int steps, int batch,
                                 float lr, long seed) {
            return new Options(objective, shape, data, steps, batch, lr, Math.max(1, steps / 10), 0.01f, 1.0, seed, steps,
                    EncoderModels.ELECTRA_LAMBDA, null, "");
        }

        public Options withOut(Path dir, String cmd) {
            return new Options(objective, shape, data, steps, batch, lr, warmupSteps, weightDecay, clip, seed, evalEvery,
                    lambda, dir, cmd);
        }

        public Options withEvalEvery(int n) {
            return new Options(objective, shape, data, steps, batch, lr, warmupSteps, weightDecay, clip, seed, n, lambda,
                    out, command);
        }
    }

    /** Outcome of a run: the models, the last training loss, the last validation metrics and every step's loss. */
    public record Result(EncoderModels models, double trainLoss, EncoderModels.Loss validation, List<Double> trainLosses,
                         int steps, double seconds) {
    }

    private final Options o;
    private final Parallel par;
    private final Consumer<String> log;
    private EncoderListener listener = EncoderListener.NONE;
    private TrainingControl control = new TrainingControl();

    public EncoderTrainer(Options options, Parallel par, Consumer<String> log) {
        this.o = options;
        this.par = par;
        this.log = log;
    }

    public EncoderTrainer observe(EncoderListener l, TrainingControl c) {
        this.listener = java.util.Objects.requireNonNull(l, "listener");
        this.control = java.util.Objects.requireNonNull(c, "control");
        return this;
    }

    public Result run() throws IOException {
        EncoderModels models = new EncoderModels(o.objective(), o.shape(), EncoderModels.generatorShape(o.shape()), o.lambda(), par);
        models.initialise(o.seed());
        return run(models);
    }

    /** Trains {@code models} (initialised, or already trained: fine-tuning continues from their weights). */
    public Result run(EncoderModels models) throws IOException {
        EncoderShape s = o.shape();
        log.accept(String.format(Locale.ROOT, "%s, %s: %,d parameters (%d layers, %d heads, dim %d, hidden %d), vocab %d, batch %d",
                o.data().describe(), o.objective().spelling(), models.parameterCount(), s.layers(), s.heads(), s.dim(),
                s.hidden(), s.vocab(), o.batch()));
        AdamW opt = new AdamW(models.params(), 0.9f, 0.999f, 1e-6f, o.weightDecay()); // BERT's Adam betas and epsilon
        LrSchedule schedule = new LrSchedule(o.lr(), o.lr() / 10, o.warmupSteps(), o.steps());
        List<Double> losses = new ArrayList<>();
        EncoderModels.Loss val = null;
        double trainLoss = Double.NaN;
        long t0 = System.nanoTime();
        long tokens = 0;
        int done = 0;
        for (int step = 0; step < o.steps(); step++) {
            if (!control.awaitNextStep()) break;
            List<EncoderExample> batch = o.data().trainBatch(o.seed(), step, o.batch());
            Random sampling = new Random(o.seed() * 0x2545F4914F6CDD1DL + step);
            EncoderModels.Loss loss = models.forward(batch, sampling);
            trainLoss = Finite.check(loss.total(), "the training loss at step " + (step + 1));
            models.zeroGrad();
            models.backward();
            double norm = models.clipGradNorm(o.clip());
            opt.step(models.params(), schedule.at(step));
            losses.add(trainLoss);
            // taken before validation, whose forward replaces the model's kept passes with the validation examples'
            EncoderListener.MaskedView view = EncoderListener.view(batch.get(0), models.mlmPass(0), o.data().vocabulary(), 5);
            for (EncoderExample e : batch) tokens += e.length();
            done = step + 1;
            boolean last = step == o.steps() - 1;
            boolean evaluated = (step + 1) % o.evalEvery() == 0 || last;
            if (evaluated) {
                val = validate(models, o.data().validation(), o.seed());
                Finite.check(val.total(), "the validation loss");
                log.accept(String.format(Locale.ROOT, "step %5d/%d  loss %.4f  val %.4f  %s  lr %.2e  |g| %.2f",
                        step + 1, o.steps(), trainLoss, val.total(), metrics(val), schedule.at(step), norm));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            listener.step(new TrainingProgress(step + 1, o.steps(), trainLoss,
                            evaluated ? OptionalDouble.of(val.total()) : OptionalDouble.empty(), schedule.at(step), norm,
                            tokens / secs, secs / (step + 1) * (o.steps() - step - 1)),
                    loss, view);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (val == null) val = validate(models, o.data().validation(), o.seed());
        if (o.out() != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("command", o.command());
            t.put("objective", o.objective().spelling());
            t.put("data", o.data().describe());
            t.put("seed", o.seed());
            t.put("steps", done);
            t.put("batch", o.batch());
            t.put("lr", o.lr());
            t.put("parameters", models.parameterCount());
            if (o.objective() == EncoderObjective.RTD) t.put("rtd_lambda", o.lambda());
            t.put("final_train_loss", trainLoss);
            t.put("final_val_loss", val.total());
            if (val.mlmCount() > 0) t.put("val_mlm_accuracy", val.mlmAccuracy());
            if (val.nspCount() > 0) t.put("val_nsp_accuracy", val.nspAccuracy());
            if (val.rtdTokens() > 0) {
                t.put("val_rtd_accuracy", val.rtdAccuracy());
                t.put("val_rtd_all_original_accuracy", val.rtdBaseline());
            }
            t.put("seconds", Math.round(secs * 10) / 10.0);
            BertCheckpoint.write(o.out(), models, o.data().vocabulary(), t);
            log.accept("saved " + o.out());
        }
        return new Result(models, trainLoss, val, losses, done, secs);
    }

    /** The objective's loss and accuracies on {@code valid} (RTD's sampling drawn from a fixed seed). */
    public static EncoderModels.Loss validate(EncoderModels models, List<EncoderExample> valid, long seed) {
        return models.forward(valid, new Random(seed ^ 0x7E57L));
    }

    /** "mlm acc 0.412" and, as the objective has them, NSP and RTD accuracies. */
    public static String metrics(EncoderModels.Loss l) {
        StringBuilder sb = new StringBuilder();
        if (l.mlmCount() > 0) sb.append(String.format(Locale.ROOT, "mlm acc %.3f", l.mlmAccuracy()));
        if (l.nspCount() > 0) sb.append(String.format(Locale.ROOT, "  nsp acc %.3f", l.nspAccuracy()));
        if (l.rtdTokens() > 0) {
            sb.append(String.format(Locale.ROOT, "  rtd acc %.3f (all-original %.3f)", l.rtdAccuracy(), l.rtdBaseline()));
        }
        return sb.toString();
    }
}
