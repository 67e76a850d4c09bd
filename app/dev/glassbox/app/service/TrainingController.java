package dev.glassbox.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import dev.glassbox.engine.train.EncoderListener;
import dev.glassbox.engine.train.EncoderModels;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.EncoderTrainer;
import dev.glassbox.engine.train.TrainingProgress;
import dev.glassbox.visuals.chart.Series;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Runs the Train workspace's training: start with validated settings, pause, resume, stop, and save the weights
 * (optionally opening them in the explorer). Publishes what the workspace shows: status, progress, loss curves,
 * the probe's attention. FX thread only; the run itself trains on its own thread ({@link TrainingRun}).
 */
public final class TrainingController {
    /** Long runs are drawn from every k-th point (and the latest), so a frame stays cheap at any step count. */
    static final int MAX_PLOTTED = 4000;

    private final Consumer<String> onError;
    private final BiConsumer<Path, String> openModel;
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status",
            I18n.text("train.pick"));
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper lossText = new ReadOnlyStringWrapper(this, "lossText", I18n.text("train.lossNone"));
    private final ReadOnlyStringWrapper dataError = new ReadOnlyStringWrapper(this, "dataError", "");
    private final ReadOnlyObjectWrapper<List<Series>> lossCurves = new ReadOnlyObjectWrapper<>(this, "lossCurves", List.of());
    private final ReadOnlyObjectWrapper<GridContent> attention = new ReadOnlyObjectWrapper<>(this, "attention");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyBooleanWrapper pauseRequested = new ReadOnlyBooleanWrapper(this, "pauseRequested", false);
    private final ReadOnlyBooleanWrapper anyStep = new ReadOnlyBooleanWrapper(this, "anyStep", false);
    private final ReadOnlyIntegerWrapper framesShown = new ReadOnlyIntegerWrapper(this, "framesShown", 0);
    private final List<double[]> trainPoints = new ArrayList<>();
    private final List<double[]> validationPoints = new ArrayList<>();
    private final ReadOnlyObjectWrapper<TrainingSettings> settings = new ReadOnlyObjectWrapper<>(this, "settings");
    private TrainingSource source;
    private TrainingRun run;
    /** The run the buttons act on: {@link #run} or an encoder's. */
    private ActiveRun active;
    private final ReadOnlyObjectWrapper<EncoderListener.MaskedView> masked = new ReadOnlyObjectWrapper<>(this, "masked");
    private final ReadOnlyStringWrapper encoderMetrics = new ReadOnlyStringWrapper(this, "encoderMetrics", "");
    private final ReadOnlyStringWrapper factText = new ReadOnlyStringWrapper(this, "factText", "");
    private Path lastSaved;

    /**
     * @param onError   shows an error to the user
     * @param openModel opens a saved checkpoint in the explorer with a prompt from the task
     */
    public TrainingController(Consumer<String> onError, BiConsumer<Path, String> openModel) {
        this.onError = onError;
        this.openModel = openModel;
        IdleText.show(status, "train.pick");
        IdleText.show(lossText, "train.lossNone");
    }

    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }

    /** Steps done of the run's total; -1 while preparing. */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    /** The latest step's train loss and the latest validation loss. */
    public ReadOnlyStringProperty lossTextProperty() { return lossText.getReadOnlyProperty(); }

    /** Why the data could not be read ("" none). */
    public ReadOnlyStringProperty dataErrorProperty() { return dataError.getReadOnlyProperty(); }

    /** Train and validation loss against step, thinned for drawing. */
    public ReadOnlyObjectProperty<List<Series>> lossCurvesProperty() { return lossCurves.getReadOnlyProperty(); }

    /** The attention of the model being trained on the task's fixed probe row (null before the first read). */
    public ReadOnlyObjectProperty<GridContent> attentionProperty() { return attention.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty pauseRequestedProperty() { return pauseRequested.getReadOnlyProperty(); }

    /** The run trained at least one step: there are weights to save. */
    public ReadOnlyBooleanProperty anyStepProperty() { return anyStep.getReadOnlyProperty(); }

    /** Incremented each time a frame of progress has been published. */
    public ReadOnlyIntegerProperty framesShownProperty() { return framesShown.getReadOnlyProperty(); }

    public TrainingRun run() { return run; }

    /** An encoder run's latest masked positions with the MLM head's top predictions (null before the first, or for causal runs). */
    public ReadOnlyObjectProperty<EncoderListener.MaskedView> maskedProperty() { return masked.getReadOnlyProperty(); }

    /** An encoder run's latest accuracies (MLM, NSP, RTD as it trains them; "" for causal runs). */
    public ReadOnlyStringProperty encoderMetricsProperty() { return encoderMetrics.getReadOnlyProperty(); }

    /** A knowledge run's latest held-out fact score, as the workspace shows it ("" for other runs or before the first). */
    public ReadOnlyStringProperty factTextProperty() { return factText.getReadOnlyProperty(); }

    /** The settings of the latest run started (null before the first). */
    public ReadOnlyObjectProperty<TrainingSettings> settingsProperty() { return settings.getReadOnlyProperty(); }

    /** The data of the latest run started (null before the first). */
    public TrainingSource source() { return source; }

    public boolean running() { return running.get(); }

    /** The folder of the latest saved checkpoint (null before the first save). */
    public Path lastSaved() { return lastSaved; }

    /** Says {@code text} on the status line. */
    public void say(String text) {
        status.set(text);
    }

    /** Starts a new run on {@code data} with {@code settings}; nothing while one is running. */
    public void start(TrainingSource data, TrainingSettings settings) {
        if (running.get()) {
            return;
        }
        resetForStart(data, settings);
        masked.set(null);
        encoderMetrics.set("");
        factText.set("");
        run = TrainingRun.start(data, settings.seq(), settings::options, this::showFrame, this::ended);
        active = run;
        running.set(true);
    }

    /**
     * Starts pre-training a BERT encoder with {@code objective} on {@code data} (stories or a text file), the shape and
     * schedule from {@code settings} (kv heads, attention-only, tied and the block options do not apply).
     */
    public void startEncoder(TrainingSource data, TrainingSettings settings, EncoderObjective objective) {
        if (running.get()) {
            return;
        }
        resetForStart(data, settings);
        masked.set(null);
        encoderMetrics.set("");
        factText.set("");
        run = null;
        active = EncoderRun.start(data, settings.seed(), corpus -> settings.encoderOptions(objective, corpus),
                this::showEncoderFrame, this::encoderEnded);
        running.set(true);
    }

    /**
     * Starts MLM pre-training on the sentences of {@code text} with {@code knowledge} injected (train --knowledge); with
     * a held-out file the fact score is published at each evaluation step ({@link #factTextProperty}).
     */
    public void startKnowledge(TrainingSource.Text text, TrainingSettings settings, KnowledgeSettings knowledge) {
        if (running.get()) {
            return;
        }
        resetForStart(text, settings);
        masked.set(null);
        encoderMetrics.set("");
        factText.set(knowledge.heldOut() == null ? "" : I18n.text("train.factsWaiting"));
        run = null;
        active = EncoderRun.startKnowledge(text.file(), knowledge, settings, this::showEncoderFrame, this::encoderEnded);
        running.set(true);
    }

    private void resetForStart(TrainingSource data, TrainingSettings settings) {
        source = data;
        this.settings.set(settings);
        trainPoints.clear();
        validationPoints.clear();
        lossCurves.set(List.of());
        attention.set(null);
        anyStep.set(false);
        progress.set(-1);
        lossText.set(I18n.text("train.lossNone"));
        status.set(I18n.text("train.preparing", data.label()));
        pauseRequested.set(false);
        dataError.set("");
    }

    private void showEncoderFrame(EncoderRun.Frame f) {
        showSteps(f.steps());
        if (f.loss() != null) encoderMetrics.set(encoderMetrics(f.loss()));
        if (f.masked() != null) masked.set(f.masked());
        if (f.facts() != null) factText.set(factText(f.facts()));
        framesShown.set(framesShown.get() + 1);
    }

    /** The accuracies an objective trains, as the status line shows them (DEFINITIONS.md: MLM accuracy, RTD accuracy). */
    static String encoderMetrics(EncoderModels.Loss l) {
        StringBuilder sb = new StringBuilder();
        if (l.mlmCount() > 0) sb.append(I18n.text("train.mlmAccuracy", 100 * l.mlmAccuracy()));
        if (l.nspCount() > 0) sb.append(I18n.text("train.nspAccuracy", 100 * l.nspAccuracy()));
        if (l.rtdTokens() > 0) sb.append(I18n.text("train.rtdAccuracy", 100 * l.rtdAccuracy(), 100 * l.rtdBaseline()));
        return sb.toString();
    }

    /** A held-out fact score as the workspace shows it (DEFINITIONS.md: fact accuracy, log-probability, rank). */
    static String factText(EncoderRun.FactsAt f) {
        var s = f.score();
        return I18n.text("train.facts", f.step(), 100 * s.accuracy(), Math.round(s.accuracy() * s.facts()), s.facts(),
                s.logProbability(), s.rank());
    }

    private void encoderEnded(EncoderRun.End end) {
        pauseRequested.set(false);
        if (end.result() != null) {
            EncoderTrainer.Result r = end.result();
            encoderMetrics.set(encoderMetrics(r.validation()));
            status.set(I18n.text(end.stopped() ? "train.encoderStopped" : "train.encoderDone", r.steps(), r.seconds(),
                    r.validation().total()));
        } else if (end.dataError()) {
            progress.set(0);
            status.set(I18n.text("train.dataFailed"));
            dataError.set(ErrorMessages.describe(I18n.text("train.reading", source.label()), end.error()));
        } else {
            progress.set(0);
            status.set(I18n.text("train.failed"));
            onError.accept(ErrorMessages.describe(I18n.text("train.training"), end.error()));
        }
        running.set(false);
    }

    public void pause() {
        if (running.get() && !pauseRequested.get()) {
            pauseRequested.set(true);
            active.pause();
            status.set(status.get() + I18n.text("train.pausing"));
        }
    }

    public void resume() {
        if (running.get() && pauseRequested.get()) {
            pauseRequested.set(false);
            active.resume();
        }
    }

    /** Ctrl+P. */
    public void togglePause() {
        if (pauseRequested.get()) {
            resume();
        } else {
            pause();
        }
    }

    /** Ends the run within the step in progress, which is dropped (Stop, Esc). */
    public void stop() {
        if (running.get()) {
            active.stop();
            status.set(I18n.text("train.stopping"));
        }
    }

    private void showFrame(TrainingRun.Frame f) {
        showSteps(f.steps());
        if (f.attention() != null) {
            attention.set(f.attention());
        }
        framesShown.set(framesShown.get() + 1);
    }

    /** Adds finished steps to the loss curves, the loss label, the progress bar and the status line. */
    private void showSteps(List<TrainingProgress> steps) {
        if (!steps.isEmpty()) {
            anyStep.set(true);
            for (TrainingProgress p : steps) {
                trainPoints.add(new double[] {p.step(), p.trainLoss()});
                p.validationLoss().ifPresent(v -> validationPoints.add(new double[] {p.step(), v}));
            }
            TrainingProgress p = steps.getLast();
            lossCurves.set(List.of(series(I18n.text("train.trainLoss"), trainPoints), series(I18n.text("train.validationLoss"), validationPoints)));
            lossText.set(lossText(p));
            progress.set((double) p.step() / p.steps());
            status.set(I18n.text("train.stepStatus", p.step(), p.steps(), Math.round(p.tokensPerSecond()), eta(p.etaSeconds()),
                    String.format(Locale.ROOT, "%.2e", p.lr()), p.gradNorm(), penalties(p),
                    pauseRequested.get() ? I18n.text("train.paused") : ""));
        }
    }

    /** The step's balance loss and orthogonality penalty, when the run trains them. */
    static String penalties(TrainingProgress p) {
        StringBuilder sb = new StringBuilder();
        p.balanceLoss().ifPresent(v -> sb.append(I18n.text("train.balanceStatus", v)));
        p.orthogonality().ifPresent(v -> sb.append(I18n.text("train.orthStatus", v)));
        return sb.toString();
    }

    private String lossText(TrainingProgress p) {
        String val = validationPoints.isEmpty() ? "\u2013"
                : I18n.text("train.valAt", validationPoints.getLast()[1], (int) validationPoints.getLast()[0]);
        return I18n.text("train.lossText", formatLoss(p.trainLoss()), val);
    }

    /** The number the loss label shows for a train loss (the test compares it with the trainer's). */
    public static String formatLoss(double loss) { return String.format(Locale.ROOT, "%.4f", loss); }

    private static Series series(String name, List<double[]> points) {
        int n = points.size();
        int stride = Math.max(1, (n + MAX_PLOTTED - 1) / MAX_PLOTTED);
        int count = n == 0 ? 0 : (n - 1) / stride + 1 + ((n - 1) % stride == 0 ? 0 : 1);
        double[] x = new double[count];
        double[] y = new double[count];
        int j = 0;
        for (int i = 0; i < n; i += stride) {
            x[j] = points.get(i)[0];
            y[j++] = points.get(i)[1];
        }
        if (j < count) {
            x[j] = points.getLast()[0];
            y[j] = points.getLast()[1];
        }
        return new Series(name, x, y);
    }

    public static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void ended(TrainingRun.End end) {
        pauseRequested.set(false);
        switch (end) {
            case TrainingRun.End.Finished f -> {
                attention.set(f.attention());
                progress.set((double) f.result().steps() / Math.max(1, run.lastProgress().map(TrainingProgress::steps).orElse(1)));
                status.set(I18n.text(!f.stopped() ? "train.doneAfter" : Double.isNaN(f.result().valLoss()) ? "train.stoppedNoVal"
                        : "train.stoppedAfter", f.result().steps(), f.result().seconds(),
                        Math.round(f.result().tokensPerSecond()), f.result().valLoss()));
            }
            case TrainingRun.End.Failed x when x.dataError() -> {
                progress.set(0);
                status.set(I18n.text("train.dataFailed"));
                dataError.set(ErrorMessages.describe(I18n.text("train.reading", source.label()), x.error()));
            }
            case TrainingRun.End.Failed x -> {
                progress.set(0);
                status.set(I18n.text("train.failed"));
                onError.accept(ErrorMessages.describe(I18n.text("train.training"), x.error()));
            }
        }
        running.set(false);
    }

    /** Saves the current weights to a new temporary folder and opens them in the explorer. */
    public void openInExplorer() {
        if (active == null || !anyStep.get()) {
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("glassbox-train-").resolve(source.label().replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-step" + active.lastProgress().map(TrainingProgress::step).orElse(0));
        } catch (IOException e) {
            onError.accept(ErrorMessages.describe(I18n.text("train.saving"), e));
            return;
        }
        save(dir, true);
    }

    /** Whether there are weights to save. */
    public boolean canSave() {
        return active != null && anyStep.get();
    }

    /** Saves the current weights to {@code dir}, then opens them in the explorer when asked. */
    public void save(Path dir, boolean open) {
        status.set(I18n.text("train.savingTo", dir));
        ActiveRun saving = active;
        saving.saveCheckpoint(dir).whenComplete((path, error) -> Platform.runLater(() -> {
            if (error != null) {
                onError.accept(ErrorMessages.describe(I18n.text("train.saving"), error));
                return;
            }
            lastSaved = path;
            status.set(I18n.text("train.saved", path));
            if (open) {
                openModel.accept(path, saving.probeText());
            }
        }));
    }
}
