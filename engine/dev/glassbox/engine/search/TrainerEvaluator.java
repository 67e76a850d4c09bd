package dev.glassbox.engine.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LanguageModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.Trainer;
import dev.glassbox.engine.train.TrainingControl;
import dev.glassbox.engine.train.TrainingData;

/**
 * Trains each candidate with the project's {@link Trainer} on one thread (the search runs one trainer per worker),
 * its checkpoint in the folder {@code folderOf} names, continued between rungs through the trainer's resume; the
 * decode latency is the engine's own decode of that checkpoint.
 */
public final class TrainerEvaluator implements Evaluator {
    /** Decode steps timed per candidate (at most the context), after untimed warm-up decodes. */
    static final int LATENCY_TOKENS = 32;
    private static final long WARM_UP_NANOS = 300_000_000L;
    private static final int WARM_UP_RUNS = 50;
    private static final long SETTLE_NANOS = 3_000_000_000L;
    private static final long FIRST_WARM_UP_NANOS = 1_500_000_000L;
    private static final java.util.concurrent.atomic.AtomicBoolean FIRST = new java.util.concurrent.atomic.AtomicBoolean(true);

    private final TrainingData data;
    private final SearchSettings settings;
    private final Function<Candidate, Path> folderOf;

    public TrainerEvaluator(TrainingData data, SearchSettings settings, Function<Candidate, Path> folderOf) {
        this.data = data;
        this.settings = settings;
        this.folderOf = folderOf;
    }

    @Override
    public Trained train(Candidate c, int toStep, int totalSteps, BooleanSupplier stop) throws IOException {
        Path dir = folderOf.apply(c);
        boolean restart = c.steps() == 0 || savedSteps(dir) != c.steps(); // a kill between checkpoint and record
        TrainOptions o = c.architecture().options(data, settings.seq(), settings.batch(), settings.lr(), totalSteps,
                c.seed(), !restart).withOut(dir);
        TrainingControl control = new TrainingControl();
        if (stop.getAsBoolean()) {
            control.stop();
        }
        Trainer t = new Trainer(o, Parallel.SERIAL, line -> { }).observe((p, m) -> {
            if (stop.getAsBoolean()) control.stop();
        }, control);
        Trainer.Result r = t.run(toStep);
        if (r.model() == null) {
            throw new java.util.concurrent.CancellationException("stopped before the weights were allocated");
        }
        boolean ended = r.steps() >= toStep;
        return new Trained(r.steps(), ended, ended ? r.valLoss() : Double.NaN, r.trainLosses(), restart,
                r.model().parameterCount(), Costs.flopsPerToken(o.shape()), r.seconds());
    }

    /** The step the checkpoint in {@code dir} was saved at, or -1 when there is none. */
    private static int savedSteps(Path dir) throws IOException {
        Path training = dir.resolve("training.json");
        if (!Files.isRegularFile(training)) {
            return -1;
        }
        return dev.glassbox.engine.io.Json.MAPPER.readTree(training.toFile()).path("steps").asInt(-1);
    }

    @Override
    public double latencyMs(Candidate c) throws IOException {
        LanguageModel lm = ModelLoader.load(folderOf.apply(c), null, Parallel.SERIAL).model();
        if (!(lm instanceof DecoderModel m)) {
            throw new IllegalStateException(folderOf.apply(c) + " did not load as a decoder");
        }
        return medianDecodeMs(m, LATENCY_TOKENS);
    }

    /**
     * Median wall time of one decode step over {@code tokens} steps (at most the context), once it has settled: after
     * untimed decodes for {@link #WARM_UP_NANOS} (the first time in a process {@link #FIRST_WARM_UP_NANOS}), timed passes
     * repeat until three medians in a row agree within 10 % or
     * {@link #SETTLE_NANOS} have passed (a new shape's first decodes run interpreted, the Vector API many times slower).
     */
    public static double medianDecodeMs(DecoderModel m, int tokens) {
        int n = Math.min(tokens, m.config().contextLength());
        long start = System.nanoTime();
        long warmUp = FIRST.getAndSet(false) ? FIRST_WARM_UP_NANOS : WARM_UP_NANOS; // the decode code's first JIT compile
        for (int run = 0; run < WARM_UP_RUNS && System.nanoTime() - start < warmUp; run++) {
            decode(m, m.config().contextLength(), null);
        }
        double[] ms = new double[n];
        double[] last = {Double.NaN, Double.NaN};
        while (true) {
            decode(m, n, ms);
            double median = median(ms);
            boolean settled = Math.abs(median - last[0]) <= 0.1 * last[0] && Math.abs(median - last[1]) <= 0.1 * last[1];
            if (settled || System.nanoTime() - start > SETTLE_NANOS) {
                return median;
            }
            last[1] = last[0];
            last[0] = median;
        }
    }

    private static double median(double[] values) {
        double[] ms = values.clone();
        Arrays.sort(ms);
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    /** Greedy decode of {@code n} positions from token 0; each step's milliseconds into {@code ms} when given. */
    private static void decode(DecoderModel m, int n, double[] ms) {
        DecoderSession s = m.newSession(Capture.none(m.config().layers()), Intervention.NONE, n);
        int token = 0;
        for (int pos = 0; pos < n; pos++) {
            long t0 = System.nanoTime();
            float[] logits = s.forward(token, pos);
            if (ms != null) {
                ms[pos] = (System.nanoTime() - t0) / 1e6;
            }
            token = dev.glassbox.engine.tensor.Kernels.argmax(logits);
        }
    }

}
