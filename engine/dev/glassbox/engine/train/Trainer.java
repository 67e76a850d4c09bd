package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Finite;

/** The training loop: batches, forward, backward, clipping, AdamW with the schedule, validation, checkpoints. */
public final class Trainer {

    /**
     * Outcome of a run; {@code trainLosses} holds every step's loss (for determinism checks and plots). After Stop,
     * {@code valLoss} is the latest validation measured (NaN when none was): no pass runs after Stop. {@code model}
     * is null when Stop came while its weights were being allocated (no step ran).
     */
    public record Result(TrainableLlama model, double trainLoss, double valLoss, double seconds, double tokensPerSecond,
                         List<Double> trainLosses, int steps) {
    }

    private final TrainOptions o;
    private final Parallel par;
    private final Consumer<String> log;
    private TrainingListener listener = TrainingListener.NONE;
    private TrainingControl control = new TrainingControl();
    /** The last step's attention-reconstruction loss (compressive memory only). */
    private double reconstruction = Double.NaN;
    /** Wraps the Stop check made inside a step; tests wrap it to stop at an exact point of the forward or backward. */
    private UnaryOperator<BooleanSupplier> stepCheck = UnaryOperator.identity();

    public Trainer(TrainOptions options, Parallel par, Consumer<String> log) {
        this.o = options;
        this.par = par;
        this.log = log;
    }

    /** Reports every step to {@code l} and obeys {@code c} between steps (pause, resume, stop). */
    public Trainer observe(TrainingListener l, TrainingControl c) {
        this.listener = java.util.Objects.requireNonNull(l, "listener");
        this.control = java.util.Objects.requireNonNull(c, "control");
        return this;
    }

    /** Test hook: {@code wrap} receives the Stop check asked inside each step and returns the one the model asks. */
    Trainer wrapStepCheck(UnaryOperator<BooleanSupplier> wrap) {
        this.stepCheck = java.util.Objects.requireNonNull(wrap, "wrap");
        return this;
    }

    public Result run() throws IOException {
        return run(o.steps());
    }

    /** Trains until step {@code stopAt} of the schedule (an interrupted run when below --steps), then saves. */
    public Result run(int stopAt) throws IOException {
        TrainableLlama model;
        AdamW opt;
        int start = 0;
        TrainingMemory.of(o.shape(), o.batch()).require(); // before the first weight or batch is allocated
        if (o.resume() && o.out() != null && Files.isRegularFile(o.out().resolve("config.json"))) {
            Checkpoint.Restored r = Checkpoint.read(o.out(), par);
            if (!r.tokenizer().pieces().equals(o.data().tokenizer().pieces())) {
                throw new IllegalArgumentException(o.out() + ": the checkpoint's vocabulary differs from this data's");
            }
            model = r.model();
            if (!model.shape().context().equals(o.context())) {
                throw new IllegalArgumentException(o.out() + ": the checkpoint was trained with --context "
                        + model.shape().context().spec() + ", not " + o.context().spec());
            }
            opt = AdamW.standard(model.params());
            Checkpoint.readOptimizer(o.out(), opt);
            start = r.step();
            log.accept("resuming " + o.out() + " at step " + start);
        } else if (o.regime().init() != null) {
            model = initialWeights(o.regime().init());
            opt = new AdamW(model.params(), 0.9f, 0.95f, 1e-8f, o.weightDecay());
        } else {
            if (o.out() != null) {
                Checkpoint.requireSavable(o.shape()); // refuse before training, not at the first save
            }
            try {
                model = new TrainableLlama(o.shape(), par, control::stopRequested);
            } catch (CancellationException e) {
                return new Result(null, Double.NaN, Double.NaN, 0, 0, List.of(), 0); // stopped before any weight: nothing saved
            }
            if (!model.initialise(o.seed(), control::stopRequested)) {
                return new Result(model, Double.NaN, Double.NaN, 0, 0, List.of(), 0); // stopped before any step: nothing saved
            }
            opt = new AdamW(model.params(), 0.9f, 0.95f, 1e-8f, o.weightDecay());
        }
        Regime regime = o.regime();
        regime.freezing().validate(model.shape().layers());
        if (!(regime.freezing() instanceof Freezing.None)) {
            log.accept("frozen: " + regime.freezing().describe());
        }
        ModelShape s = model.shape();
        log.accept(String.format(Locale.ROOT, "%s: %,d parameters (%d layers, %d heads, dim %d%s%s), vocab %d, seq %d, batch %d",
                o.data().describe(), model.parameterCount(), s.layers(), s.heads(), s.dim(),
                s.attentionOnly() ? ", attention-only" : ", hidden " + s.hidden(),
                s.design().equals(BlockDesign.LLAMA) ? "" : ", " + s.design().describe(), s.vocab(), o.seq(), o.batch())
                + (s.context().isFull() ? "" : ", context " + s.context().spec()));
        LrSchedule schedule = new LrSchedule(o.lr(), o.lr() / 10, o.warmupSteps(), o.steps());
        List<Batch> valid = o.data().validation(o.batch(), o.seq());
        List<Double> losses = new ArrayList<>();
        double val = Double.NaN;
        double trainLoss = Double.NaN;
        long t0 = System.nanoTime();
        long tokens = 0;
        boolean stopped = false;
        BooleanSupplier inStep = stepCheck.apply(control::stopRequested);
        for (int step = start; step < Math.min(stopAt, o.steps()); step++) {
            if (!control.awaitNextStep()) {
                stopped = true;
                break;
            }
            Batch b = o.data().trainBatch(o.seed(), step, o.batch(), o.seq());
            model.setRouting(RandomRouting.paths(s.routing().randomRouting(), o.seed(), step, b.batch(), s.layers()),
                    o.seed() * 1_000_003L + step);
            double loss;
            double balance;
            double recon;
            try {
                // Stop is also asked inside the step (per half layer): a cancelled step is dropped before AdamW,
                // so the weights and the optimizer's moments stay those of the last whole step
                loss = Finite.check(model.forward(b.inputs(), b.targets(), b.batch(), b.seq(), inStep), "the training loss at step " + (step + 1)); // stop before a NaN model is saved
                balance = model.balanceLoss();
                recon = model.reconstructionLoss();
                model.zeroGrad();
                model.backward(b.targets(), inStep);
            } catch (CancellationException e) {
                stopped = true;
                break;
            }
            trainLoss = loss;
            reconstruction = recon;
            double orth = regime.orthogonality() > 0 ? OrthogonalityPenalty.addGradient(model, regime.orthogonality()) : 0;
            boolean[] trainable = regime.freezing().trainable(model, step);
            for (int i = 0; i < trainable.length; i++) {
                if (!trainable[i]) Arrays.fill(model.params().get(i).grad(), 0f); // frozen: not in the clip norm either
            }
            double norm = model.clipGradNorm(o.clip());
            opt.step(model.params(), schedule.at(step), trainable);
            losses.add(trainLoss);
            tokens += (long) b.batch() * b.seq();
            boolean last = step == Math.min(stopAt, o.steps()) - 1;
            boolean evaluated = (step + 1) % o.evalEvery() == 0 || last;
            if (evaluated) {
                val = Finite.check(validate(model, valid), "the validation loss");
                double secs = (System.nanoTime() - t0) / 1e9;
                double eta = secs / (step + 1 - start) * (o.steps() - step - 1);
                String extra = (s.routing().moe() && s.routing().balanceLoss() > 0
                        ? String.format(Locale.ROOT, "  balance %.4f", balance) : "")
                        + (regime.orthogonality() > 0 ? String.format(Locale.ROOT, "  orth %.4f", orth) : "")
                        + (s.context().policy() instanceof ContextPolicy.Compressive
                        ? String.format(Locale.ROOT, "  recon %.4f", reconstruction) : "");
                log.accept(String.format(Locale.ROOT, "step %5d/%d  loss %.4f%s  val %.4f  lr %.2e  |g| %.2f  %,.0f tok/s  ETA %s",
                        step + 1, o.steps(), trainLoss, extra, val, schedule.at(step), norm, tokens / secs, duration(eta)));
            }
            double secsSoFar = (System.nanoTime() - t0) / 1e9;
            listener.step(new TrainingProgress(step + 1, o.steps(), trainLoss,
                    evaluated ? java.util.OptionalDouble.of(val) : java.util.OptionalDouble.empty(), schedule.at(step), norm,
                    tokens / secsSoFar, secsSoFar / (step + 1 - start) * (o.steps() - step - 1),
                    s.routing().moe() && s.routing().balanceLoss() > 0 ? java.util.OptionalDouble.of(balance)
                            : java.util.OptionalDouble.empty(),
                    regime.orthogonality() > 0 ? java.util.OptionalDouble.of(orth) : java.util.OptionalDouble.empty()),
                    access(model));
            if (o.out() != null && o.saveEvery() > 0 && (step + 1) % o.saveEvery() == 0 && !last) {
                save(model, opt, step + 1, trainLoss, val, (System.nanoTime() - t0) / 1e9);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int end = start + losses.size();
        if (start >= end && !stopped) {
            val = Finite.check(validate(model, valid), "the validation loss");
        } // after Stop no further pass: val stays the latest validation measured (NaN before the first)
        if (o.out() != null) {
            save(model, opt, end, trainLoss, val, secs);
            log.accept("saved " + o.out());
        }
        return new Result(model, trainLoss, val, secs, secs > 0 ? tokens / secs : 0, losses, end);
    }

    /** The weights of the --init checkpoint, checked against this run's vocabulary and context. */
    private TrainableLlama initialWeights(java.nio.file.Path dir) throws IOException {
        Checkpoint.Restored r = Checkpoint.read(dir, par);
        if (!r.tokenizer().pieces().equals(o.data().tokenizer().pieces())) {
            throw new IllegalArgumentException("--init " + dir + ": the checkpoint's vocabulary differs from this data's"
                    + " (tokenise the data with the checkpoint's tokenizer)");
        }
        if (o.seq() > r.model().shape().seq()) {
            throw new IllegalArgumentException("--seq " + o.seq() + " exceeds the --init checkpoint's context of "
                    + r.model().shape().seq());
        }
        log.accept("fine-tuning from " + dir + " (trained " + r.step() + " steps)");
        return r.model();
    }

    private static TrainingListener.ModelAccess access(TrainableLlama model) {
        return new TrainingListener.ModelAccess() {
            @Override
            public float[][][][] attention(int[] tokens) {
                model.setRouting(null, 0); // the probe runs at full depth
                return AttentionProbe.read(model, tokens);
            }

            @Override
            public TrainableLlama model() { return model; }
        };
    }

    /** Mean cross-entropy over the held-out batches (without the balance loss). */
    public static double validate(TrainableLlama model, List<Batch> valid) {
        model.setRouting(null, 0); // validation runs at full depth, the random expert router with a fixed seed
        double sum = 0;
        for (Batch b : valid) {
            sum += model.forward(b.inputs(), b.targets(), b.batch(), b.seq());
        }
        return sum / valid.size();
    }

    private void save(TrainableLlama model, AdamW opt, int steps, double loss, double val, double secs) throws IOException {
        Param.checkFinite(model.params(), steps);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("command", o.command());
        t.put("data", o.data().describe());
        t.put("seed", o.seed());
        t.put("steps", steps);
        t.put("batch", o.batch());
        t.put("seq", o.seq());
        t.put("lr", o.lr());
        t.put("parameters", model.parameterCount());
        Regime r = o.regime();
        if (r.orthogonality() > 0) t.put("orthogonality", r.orthogonality());
        if (o.shape().context().policy() instanceof ContextPolicy.Compressive) t.put("reconstruction_loss", reconstruction);
        if (!(r.freezing() instanceof Freezing.None)) t.put("freeze", r.freezing().describe());
        if (r.init() != null) t.put("init", r.init().toString());
        t.put("final_train_loss", loss);
        t.put("final_val_loss", val);
        t.put("seconds", Math.round(secs * 10) / 10.0);
        Checkpoint.write(o.out(), model, o.data().tokenizer(), opt, t);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
