package dev.glassbox.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Finite;

/**
 * The encoder-decoder training loop: teacher-forced batches, forward, backward, clipping, AdamW with the
 * warm-up + cosine schedule, validation loss and exact-match accuracy of greedy decodes on held-out strings,
 * then a checkpoint.
 */
public final class Seq2SeqTrainer {

    /** Outcome of a run; {@code accuracy} is the fraction of held-out sources decoded exactly right. */
    public record Result(TrainableSeq2Seq model, double trainLoss, double valLoss, double accuracy, double seconds,
                         List<Double> trainLosses, int steps) {
    }

    private final Seq2SeqOptions o;
    private final Parallel par;
    private final Consumer<String> log;

    public Seq2SeqTrainer(Seq2SeqOptions options, Parallel par, Consumer<String> log) {
        this.o = options;
        this.par = par;
        this.log = log;
    }

    public Result run() throws IOException {
        return run(() -> false);
    }

    /** Trains (stopping early when {@code cancelled} turns true), evaluates and saves. */
    public Result run(BooleanSupplier cancelled) throws IOException {
        return run(o.steps(), cancelled);
    }

    /**
     * Trains until step {@code stopAt} of the schedule (an interrupted run when below --steps; resuming continues it
     * exactly, since batches and the learning rate depend only on the seed and the step), evaluates and saves.
     */
    public Result run(int stopAt, BooleanSupplier cancelled) throws IOException {
        TrainableSeq2Seq model;
        AdamW opt;
        int start = 0;
        Seq2SeqShape sh = o.shape(); // checked before the first weight or batch is allocated
        TrainingMemory.estimate(o.batch(), sh.maxSource() + sh.maxTarget(), sh.encoderLayers() + sh.decoderLayers(),
                sh.heads(), sh.dim(), sh.hidden(), sh.vocab()).require();
        if (o.resume() && o.out() != null && Files.isRegularFile(o.out().resolve("config.json"))) {
            Seq2SeqCheckpoint.Restored r = Seq2SeqCheckpoint.read(o.out(), par);
            if (!r.tokenizer().pieces().equals(o.data().tokenizer().pieces())) {
                throw new IllegalArgumentException(o.out() + ": the checkpoint's vocabulary differs from this task's");
            }
            if (!r.model().shape().equals(o.shape())) {
                throw new IllegalArgumentException(o.out() + ": the checkpoint's shape " + r.model().shape()
                        + " differs from the requested " + o.shape());
            }
            if (!Checkpoint.hasOptimizer(o.out())) {
                throw new IllegalArgumentException(o.out() + " has no " + Checkpoint.OPTIMIZER_FILE
                        + ": it was saved without optimizer state and cannot be resumed");
            }
            model = r.model();
            opt = newOptimizer(model);
            Checkpoint.readOptimizer(o.out(), opt);
            start = r.training().path("steps").asInt(0);
            log.accept("resuming " + o.out() + " at step " + start);
        } else {
            model = new TrainableSeq2Seq(o.shape(), par);
            model.initialise(o.seed());
            opt = newOptimizer(model);
        }
        Seq2SeqShape s = o.shape();
        log.accept(String.format(Locale.ROOT, "%s: %,d parameters (encoder %d + decoder %d layers, %d heads, dim %d, hidden %d), "
                        + "vocab %d, batch %d", o.data().describe(), model.parameterCount(), s.encoderLayers(),
                s.decoderLayers(), s.heads(), s.dim(), s.hidden(), s.vocab(), o.batch()));
        LrSchedule schedule = new LrSchedule(o.lr(), o.lr() / 10, o.warmupSteps(), o.steps());
        List<Seq2SeqData.Pair> heldOut = o.data().validationPairs(o.validation());
        List<Double> losses = new ArrayList<>();
        double trainLoss = Double.NaN;
        double val = Double.NaN;
        long t0 = System.nanoTime();
        int end = Math.min(stopAt, o.steps());
        int step = start;
        for (; step < end && !cancelled.getAsBoolean(); step++) {
            Seq2SeqBatch b = o.data().trainBatch(o.seed(), step, o.batch());
            trainLoss = Finite.check(model.forward(b), "the training loss at step " + (step + 1)); // stop before a NaN model is saved
            model.zeroGrad();
            model.backward();
            double norm = model.clipGradNorm(o.clip());
            opt.step(model.params(), schedule.at(step));
            losses.add(trainLoss);
            if ((step + 1) % o.evalEvery() == 0 && step + 1 < o.steps()) {
                val = Finite.check(validationLoss(model, o.data(), heldOut), "the validation loss");
                double secs = (System.nanoTime() - t0) / 1e9;
                log.accept(String.format(Locale.ROOT, "step %5d/%d  loss %.4f  val %.4f  lr %.2e  |g| %.2f  ETA %s",
                        step + 1, o.steps(), trainLoss, val, schedule.at(step), norm,
                        Trainer.duration(secs / (step + 1 - start) * (o.steps() - step - 1))));
            }
            if (o.out() != null && o.saveEvery() > 0 && (step + 1) % o.saveEvery() == 0 && step + 1 < end) {
                save(model, opt, step + 1, trainLoss, val, Double.NaN, heldOut.size(), (System.nanoTime() - t0) / 1e9);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        val = Finite.check(validationLoss(model, o.data(), heldOut), "the validation loss");
        double accuracy = exactMatch(model, o.data(), heldOut);
        log.accept(String.format(Locale.ROOT, "step %5d/%d  loss %.4f  val %.4f  exact match %.1f%% of %d held-out  %.1fs",
                step, o.steps(), trainLoss, val, 100 * accuracy, heldOut.size(), secs));
        if (o.out() != null) {
            save(model, opt, step, trainLoss, val, accuracy, heldOut.size(), secs);
            log.accept("saved " + o.out());
        }
        return new Result(model, trainLoss, val, accuracy, secs, losses, step);
    }

    private AdamW newOptimizer(TrainableSeq2Seq model) {
        return new AdamW(model.params(), 0.9f, 0.95f, 1e-8f, o.weightDecay());
    }

    private void save(TrainableSeq2Seq model, AdamW opt, int steps, double loss, double val, double accuracy,
                      int validationPairs, double secs) throws IOException {
        Param.checkFinite(model.params(), steps);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("command", o.command());
        t.put("data", o.data().describe());
        t.put("seed", o.seed());
        t.put("steps", steps);
        t.put("batch", o.batch());
        t.put("lr", o.lr());
        t.put("parameters", model.parameterCount());
        t.put("final_train_loss", loss);
        t.put("final_val_loss", val);
        if (!Double.isNaN(accuracy)) { // measured at the end of a run only
            t.put("exact_match", accuracy);
            t.put("validation_pairs", validationPairs);
        }
        t.put("seconds", Math.round(secs * 10) / 10.0);
        Seq2SeqCheckpoint.write(o.out(), model, o.data(), opt, t);
    }

    private static final int EVAL_BATCH = 64;

    /** Mean target cross-entropy over the held-out pairs (batches of up to 64, weighted by target tokens). */
    public static double validationLoss(TrainableSeq2Seq model, Seq2SeqData data, List<Seq2SeqData.Pair> pairs) {
        double sum = 0;
        long count = 0;
        for (int from = 0; from < pairs.size(); from += EVAL_BATCH) {
            Seq2SeqBatch b = data.batch(pairs.subList(from, Math.min(pairs.size(), from + EVAL_BATCH)));
            int n = CrossEntropy.counted(b.targets(), b.targets().length);
            sum += model.forward(b) * n;
            count += n;
        }
        return sum / count;
    }

    /** Fraction of {@code pairs} whose greedy decode equals the target exactly. */
    public static double exactMatch(TrainableSeq2Seq model, Seq2SeqData data, List<Seq2SeqData.Pair> pairs) {
        int right = 0;
        for (int from = 0; from < pairs.size(); from += EVAL_BATCH) {
            List<Seq2SeqData.Pair> chunk = pairs.subList(from, Math.min(pairs.size(), from + EVAL_BATCH));
            int[][] sources = new int[chunk.size()][];
            for (int i = 0; i < sources.length; i++) {
                sources[i] = data.sourceIds(chunk.get(i).source());
            }
            int[][] out = model.greedy(sources, data.bos(), data.eos(), model.shape().maxTarget());
            for (int i = 0; i < out.length; i++) {
                if (java.util.Arrays.equals(out[i], data.tokenizer().encodeRaw(chunk.get(i).target()))) {
                    right++;
                }
            }
        }
        return (double) right / pairs.size();
    }
}
