package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.application.Platform;

import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.train.AttentionProbe;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.Freezing;
import dev.glassbox.engine.train.Regime;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.TrainableLlama;
import dev.glassbox.engine.train.Trainer;
import dev.glassbox.engine.train.TrainingControl;
import dev.glassbox.engine.train.TrainingData;
import dev.glassbox.engine.train.TrainingListener;
import dev.glassbox.engine.train.TrainingProgress;

/**
 * One training run on its own thread (never the FX thread, and not the engine thread, so models still load while it
 * trains). Steps and the probe's attention reach the UI through {@code onFrame} at most about ten times a second,
 * and always right before the trainer parks for a pause or ends; pause and resume act between steps, stop also
 * inside a step (dropping it).
 */
public final class TrainingRun implements ActiveRun {
    /** Steps finished since the previous frame, and the probe's attention when it was read again (else null). */
    public record Frame(List<TrainingProgress> steps, GridContent attention) {
    }

    /** How a run ended. */
    public sealed interface End {
        /** Trained to the last step or stopped; {@code attention} is the final model's on the probe. */
        record Finished(Trainer.Result result, boolean stopped, GridContent attention) implements End {
        }

        /** Could not train; {@code dataError} when the data could not be read (bad file, too short for the context). */
        record Failed(Throwable error, boolean dataError) implements End {
        }
    }

    private static final long FRAME_NANOS = 100_000_000L;
    private static final long PROBE_NANOS = 300_000_000L;
    /** Probe rows longer than this would make unreadable thumbnails. */
    static final int PROBE_TOKENS = 48;

    private final TrainingControl control = new TrainingControl();
    private final Consumer<Frame> onFrame;
    private final Executor ui;
    private final List<TrainingProgress> pending = new ArrayList<>();
    private GridContent pendingAttention;
    private volatile TrainingProgress last;
    private volatile TrainableLlama model;
    private volatile TrainingData data;
    private volatile TrainOptions trained;
    private volatile int[] probe;
    private volatile List<String> probeLabels;
    private boolean done;
    private long lastFrame;
    private long lastProbe;
    /** The probe's attention last read between steps, and after which step (training thread). */
    private GridContent probed;
    private int probedStep = -1;

    private TrainingRun(Consumer<Frame> onFrame, Executor ui) {
        this.onFrame = onFrame;
        this.ui = ui;
    }

    /**
     * Opens {@code source} for context {@code seq}, builds the options from the data and trains on a new thread.
     * {@code onFrame} and {@code onEnd} run on the FX thread.
     */
    public static TrainingRun start(TrainingSource source, int seq, Function<TrainingData, TrainOptions> options,
                                    Consumer<Frame> onFrame, Consumer<End> onEnd) {
        TrainingRun run = new TrainingRun(onFrame, Platform::runLater);
        Thread t = new Thread(() -> run.train(source, seq, options, onEnd), "glassbox-trainer");
        t.setDaemon(true);
        t.start();
        return run;
    }

    private void train(TrainingSource source, int seq, Function<TrainingData, TrainOptions> options, Consumer<End> onEnd) {
        TrainingData d;
        TrainOptions o;
        try {
            d = source.open(seq);
            o = options.apply(d);
        } catch (Exception | OutOfMemoryError e) {
            finish(onEnd, new End.Failed(e, true));
            return;
        }
        try (Parallel par = new Parallel(Math.max(1, Runtime.getRuntime().availableProcessors()))) {
            data = d;
            trained = o;
            int[] row = d.validation(1, o.seq()).getFirst().inputs();
            probe = Arrays.copyOf(row, Math.min(row.length, PROBE_TOKENS));
            probeLabels = TraceViews.labels(d.tokenizer(), probe);
            Trainer.Result r = new Trainer(o, par, line -> { }).observe(this::onStep, control).run();
            model = r.model();
            GridContent finalAttention = finalAttention(r);
            synchronized (this) {
                done = true;
            }
            control.runPending();
            finish(onEnd, new End.Finished(r, control.stopRequested(), finalAttention));
        } catch (Exception | OutOfMemoryError e) {
            synchronized (this) {
                done = true;
            }
            control.runPending();
            finish(onEnd, new End.Failed(e, false));
        }
    }

    /**
     * The trained model's attention on the probe. After a Stop it is the one read after the last whole step when that
     * was read (the weights have not changed since; reading it again took 0.1-0.3 s of CPU on stories110M), and none
     * when no step ran (the weights may be part drawn).
     */
    private GridContent finalAttention(Trainer.Result r) {
        if (control.stopRequested()) {
            if (r.steps() == 0) return null;
            if (r.steps() == probedStep) return probed;
        }
        return ProbeGrid.build(AttentionProbe.read(r.model(), probe), probeLabels);
    }

    private void finish(Consumer<End> onEnd, End end) {
        ui.execute(() -> {
            drain();
            onEnd.accept(end);
        });
    }

    /** Training thread, between steps. */
    private void onStep(TrainingProgress p, TrainingListener.ModelAccess access) {
        model = access.model();
        last = p;
        long now = System.nanoTime();
        boolean flush = control.pauseRequested() || control.stopRequested() || p.step() == p.steps();
        GridContent attention = null;
        if (flush || now - lastProbe >= PROBE_NANOS) {
            attention = ProbeGrid.build(access.attention(probe), probeLabels);
            lastProbe = now;
            probed = attention;
            probedStep = p.step();
        }
        synchronized (this) {
            pending.add(p);
            if (attention != null) {
                pendingAttention = attention;
            }
        }
        if (flush || now - lastFrame >= FRAME_NANOS) {
            lastFrame = now;
            ui.execute(this::drain);
        }
    }

    /** FX thread: hands everything not yet shown to the UI. */
    private void drain() {
        List<TrainingProgress> steps;
        GridContent attention;
        synchronized (this) {
            steps = List.copyOf(pending);
            pending.clear();
            attention = pendingAttention;
            pendingAttention = null;
        }
        if (!steps.isEmpty() || attention != null) {
            onFrame.accept(new Frame(steps, attention));
        }
    }

    /** Pauses after the current step; the UI then has every finished step and the paused model's attention. */
    public void pause() {
        control.pause();
        control.betweenSteps(() -> {
            TrainableLlama m = model;
            if (m != null) {
                GridContent a = ProbeGrid.build(AttentionProbe.read(m, probe), probeLabels);
                synchronized (this) {
                    pendingAttention = a;
                }
            }
            ui.execute(this::drain);
        });
    }

    public void resume() { control.resume(); }

    /** Ends the run within the current step, which is dropped (also when paused); the end arrives through {@code onEnd}. */
    public void stop() { control.stop(); }

    /** True while the trainer is parked by {@link #pause()}. */
    public boolean paused() { return control.paused(); }

    /** The latest finished step as the trainer reported it (on the training thread). */
    public Optional<TrainingProgress> lastProgress() { return Optional.ofNullable(last); }

    /** The probe as text without its BOS (a prompt the explorer can run on the saved model); empty until the data is open. */
    public String probeText() {
        int[] p = probe;
        if (p == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int id : p) {
            if (id != data.tokenizer().bos()) {
                sb.append(data.tokenizer().pieces().get(id));
            }
        }
        return sb.toString();
    }

    /** The tokens of the attention probe (empty until the data is open). */
    public int[] probeTokens() { return probe == null ? new int[0] : probe.clone(); }

    /**
     * Writes the model as it is after the latest finished step to {@code dir} (Hugging Face layout, see
     * {@link Checkpoint}); between steps while training, at once when paused or finished.
     */
    public CompletableFuture<Path> saveCheckpoint(Path dir) {
        return CheckpointSave.request(dir, this, () -> done, control, this::write);
    }

    private void write(Path dir) throws java.io.IOException {
        TrainableLlama m = model;
        TrainingProgress p = last;
        if (m == null || p == null) {
            throw new IllegalStateException("no training step has finished yet");
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("command", "Glassbox Train workspace");
        t.put("data", data.describe());
        t.put("steps", p.step());
        t.put("parameters", m.parameterCount());
        Regime r = trained.regime();
        if (r.orthogonality() > 0) t.put("orthogonality", r.orthogonality());
        if (!(r.freezing() instanceof Freezing.None)) t.put("freeze", r.freezing().describe());
        t.put("final_train_loss", p.trainLoss());
        Checkpoint.write(dir, m, data.tokenizer(), null, t);
    }
}
