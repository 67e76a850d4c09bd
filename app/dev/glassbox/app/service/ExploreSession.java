package dev.glassbox.app.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
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
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.analysis.TokenSurprisal;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.ExpertRoutes;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.visuals.LatestFrame;
import dev.glassbox.visuals.LensTable;
import dev.glassbox.visuals.TokenChips;
import dev.glassbox.visuals.i18n.I18n;

/**
 * What the Explore workspace works on, and the work itself: the models offered and the one loaded, the prompt and
 * sampling settings, the ablated heads, the run (generate, step, stop, re-run when the ablated heads change) and the
 * views built from it off the FX thread. The window only lays these out and binds to them. It is also where the
 * state of a session is found in one place: the workspace shown, and the controllers of the Heads and Train
 * workspaces once they exist. FX thread only, except where the view builder runs.
 */
public final class ExploreSession {
    static final int LIVE_ROLLOUT_LIMIT = 128;

    /** One refresh of the live views while a run goes on. */
    public record LiveFrame(LoadedModel model, int[] tokens, GridContent grid, int userPromptLength) {
    }

    /** The views of a finished run: grid, clean-vs-ablated outcome and surprisal (its lens follows, {@link #shownLensProperty}). */
    public record ShownRun(LoadedModel model, RunOutcome outcome, GridContent grid,
                           Optional<TokenSurprisal.Result> surprisal, List<TokenChips.Expected> expected,
                           int userPromptLength) {
    }

    /** The expert routes of the last run (live or finished), for the Routing workspace. */
    public record Routes(LoadedModel model, int[] tokens, List<ExpertRoutes.Hop[]> hops) {
    }

    private final int lensPositions;
    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    private final ObjectProperty<ModelEntry> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringProperty prompt = new SimpleStringProperty(this, "prompt", ModelGuide.FIRST_PROMPT);
    /** The prompt last suggested by a model's guide: replaced by the next model's suggestion unless edited. */
    private String suggestedPrompt = ModelGuide.FIRST_PROMPT;
    private final SamplingSettings sampling = new SamplingSettings();
    /** The heads removed from the loaded model, edited in the Heads workspace, applied by every run. */
    private final AblationState ablation = new AblationState();
    /** The workspace shown: 0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train. */
    private final IntegerProperty workspace = new SimpleIntegerProperty(this, "workspace", 0);
    private final ReadOnlyObjectWrapper<HeadsAnalysisController> heads = new ReadOnlyObjectWrapper<>(this, "heads");
    private final ReadOnlyObjectWrapper<TrainingController> training = new ReadOnlyObjectWrapper<>(this, "training");
    private final ReadOnlyObjectWrapper<LoadedModel> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyObjectWrapper<RunOutcome> lastRun = new ReadOnlyObjectWrapper<>(this, "lastRun");
    private final ReadOnlyIntegerWrapper runsShown = new ReadOnlyIntegerWrapper(this, "runsShown", 0);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);
    private final StringProperty status = new SimpleStringProperty(this, "status");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyStringWrapper emptyMessage = new ReadOnlyStringWrapper(this, "emptyMessage");
    private final ReadOnlyObjectWrapper<LiveFrame> liveFrame = new ReadOnlyObjectWrapper<>(this, "liveFrame");
    private final ReadOnlyObjectWrapper<ShownRun> shownRun = new ReadOnlyObjectWrapper<>(this, "shownRun");
    /** The shown run's logit lens; null while it is being read. */
    private final ReadOnlyObjectWrapper<LensTable> shownLens = new ReadOnlyObjectWrapper<>(this, "shownLens", LensTable.EMPTY);
    /** Bumped by each run and model: a lens being read for an older one stops at its next batch of rows. */
    private final AtomicLong lensTicket = new AtomicLong();
    private final ReadOnlyObjectWrapper<Routes> routes = new ReadOnlyObjectWrapper<>(this, "routes");
    private final ModelService modelService = new ModelService();
    private final RunService runService = new RunService();
    private final LatestOnlyExecutor viewBuilder = new LatestOnlyExecutor(RunThreads.BUILDER,
            e -> Platform.runLater(() -> showError(ErrorMessages.describe(I18n.text("status.drawing"), e))));
    /** The live views' newest frame, shown at most once a pulse. */
    private final LatestFrame<Runnable> liveFrames = new LatestFrame<>(Runnable::run);
    private final RecentModels recent;
    private final Seq2SeqRuns seq2seq;
    private final List<Runnable> alsoOnStop = new ArrayList<>();
    private final LessonPlayer lesson = new LessonPlayer(this::restore);
    private final SessionPart<SessionFile.ContextLab> contextPart = new SessionPart<>();
    private final SessionPart<SessionFile.Routing> routingPart = new SessionPart<>();
    private final SessionPart<java.util.Map<String, String>> trainingPart = new SessionPart<>();
    /** A restored session's head selection, waiting for the Heads workspace to exist. */
    private SessionFile.Head pendingSelection;
    /** A restored session's parts that need its model, applied once that model has loaded. */
    private javafx.beans.value.ChangeListener<LoadedModel> pendingRestore;
    private RunTask running;
    /** The model load under way, or null. */
    private Task<LoadedModel> loading;
    /** The long file task (an export) running, cancelled by {@link #stop()}; null when none. */
    private Task<?> fileTask;
    /** The task the status line follows now (null when it shows a text). */
    private Worker<?> statusOf;
    /** The ablated heads changed during a run: generate again once it has stopped. */
    private boolean rerunForAblation;
    private String lastPromptText;
    /** Tokens typed by the user in the current sequence (Step continues a sequence, so this can be < the run's prompt). */
    private int userPromptLength;

    /** {@code lensPositions}: how many of a run's last positions the logit lens reads (the view's choice). */
    public ExploreSession(ModelCatalog catalog, RecentModels recent, int lensPositions) {
        this.recent = recent;
        this.lensPositions = lensPositions;
        showStatus("status.ready");
        this.seq2seq = new Seq2SeqRuns(status, this::showError, () -> runsShown.set(runsShown.get() + 1));
        models.addAll(catalog.bundled());
        for (Path p : recent.list()) {
            if (models.stream().noneMatch(m -> m.source() instanceof ModelSource.OnDisk d && d.path().equals(p))) {
                models.add(new ModelEntry(I18n.text("main.recent", p.getFileName()), new ModelSource.OnDisk(p, null), false, true));
            }
        }
        selected.addListener((o, a, entry) -> {
            if (entry != null && entry != a) {
                suggestPrompt(entry);
                load(entry);
            }
        });
        model.addListener((o, a, m) -> {
            ablation.reset(m);
            routes.set(null);
        });
        seq2seq.busyProperty().addListener((o, a, b) -> updateBusy());
        ablation.setProperty().addListener((o, a, b) -> {
            if (!(a.isEmpty() && b.isEmpty())) {
                rerunWithAblation();
            }
        });
    }

    /** Offers {@code entry}'s suggested prompt when the prompt is empty or still the previous suggestion. */
    private void suggestPrompt(ModelEntry entry) {
        String p = prompt.get();
        if (p == null || p.isBlank() || p.equals(suggestedPrompt)) {
            ModelGuide.of(entry).map(ModelGuide::prompt).ifPresent(s -> {
                suggestedPrompt = s;
                prompt.set(s);
            });
        }
    }

    /** Selects the catalog's default model (which loads it), or says how to open one when there is none. */
    public void start(ModelCatalog catalog) {
        catalog.defaultModel().ifPresentOrElse(selected::set, () -> showEmptyMessage("main.noBundledModel"));
    }

    /** The models offered: bundled ones, recently opened ones, and those opened in this session. */
    public ObservableList<ModelEntry> models() { return models; }

    /** The model picked; picking one loads it. */
    public ObjectProperty<ModelEntry> selectedProperty() { return selected; }

    public StringProperty promptProperty() { return prompt; }

    public SamplingSettings sampling() { return sampling; }

    public AblationState ablation() { return ablation; }

    public Seq2SeqRuns seq2seq() { return seq2seq; }

    /** The workspace shown: 0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train. */
    public IntegerProperty workspaceProperty() { return workspace; }

    /** The Heads workspace's analysis and selected head (null until that workspace is first opened). */
    public ReadOnlyObjectProperty<HeadsAnalysisController> headsProperty() { return heads.getReadOnlyProperty(); }

    /** The Train workspace's run and its settings (null until that workspace is first opened). */
    public ReadOnlyObjectProperty<TrainingController> trainingProperty() { return training.getReadOnlyProperty(); }

    /** The Heads workspace was made with {@code c}. */
    public void attach(HeadsAnalysisController c) {
        heads.set(c);
        if (pendingSelection != null) {
            c.select(pendingSelection.layer(), pendingSelection.head());
            pendingSelection = null;
        }
    }

    /** The Context lab's methods and text, saved and restored with the session (attached when that tab is made). */
    public SessionPart<SessionFile.ContextLab> contextPart() { return contextPart; }

    /** The Routing workspace's policy, saved and restored with the session. */
    public SessionPart<SessionFile.Routing> routingPart() { return routingPart; }

    /** The Train workspace's options, saved and restored with the session. */
    public SessionPart<java.util.Map<String, String>> trainingPart() { return trainingPart; }

    /** The open lesson (none until a session file with steps is opened). */
    public LessonPlayer lesson() { return lesson; }

    /**
     * The state of this session, to save: model, prompt, sampling, workspace, selected head, ablated heads, and the
     * Context lab, Routing and Train settings (of the workspaces opened, or those a restore left for them).
     */
    public SessionFile.SessionState capture() {
        ModelEntry entry = selected.get();
        String modelRef = entry == null ? null : switch (entry.source()) {
            case ModelSource.OnDisk d -> d.path().toAbsolutePath().normalize().toString();
            case ModelSource.Bundled b -> SessionFiles.BUNDLED + entry.label();
        };
        HeadsAnalysisController c = heads.get();
        HeadsAnalysisController.Head h = c == null ? null : c.selected();
        SessionFile.Head sel = h != null ? new SessionFile.Head(h.layer(), h.head()) : pendingSelection;
        HeadSet set = ablation.get();
        return new SessionFile.SessionState(modelRef, prompt.get(),
                new SessionFile.Sampling(sampling.temperatureProperty().get(), sampling.topPProperty().get(),
                        sampling.topKProperty().get(), sampling.seedProperty().get(), sampling.stepsProperty().get()),
                workspace.get(), sel,
                set.heads().stream().map(x -> new SessionFile.Head(x.layer(), x.head())).toList(), set.mode().name(),
                contextPart.capture(), routingPart.capture(), trainingPart.capture());
    }

    /** Opens a saved session: restores its state and, when it is a lesson, shows its first step. */
    public void open(SessionFile file) {
        restore(file.state());
        lesson.open(file.lesson());
    }

    /**
     * Restores {@code s}: what it names of prompt, sampling, workspace and training options now; the model is loaded
     * when it is not the one loaded, and the selected and ablated heads, context methods and routing policy are set
     * once it is (loading a model resets them). Null fields leave that part as it is.
     */
    public void restore(SessionFile.SessionState s) {
        if (pendingRestore != null) {
            model.getReadOnlyProperty().removeListener(pendingRestore);
            pendingRestore = null;
        }
        if (s.prompt() != null) {
            prompt.set(s.prompt());
        }
        if (s.sampling() != null) {
            var p = s.sampling();
            sampling.temperatureProperty().set(p.temperature());
            sampling.topPProperty().set(p.topP());
            sampling.topKProperty().set(p.topK());
            sampling.seedProperty().set(p.seed());
            sampling.stepsProperty().set(p.steps());
        }
        if (s.workspace() != null) {
            workspace.set(s.workspace());
        }
        trainingPart.restore(s.training());
        ModelEntry wanted = s.model() == null ? selected.get() : entryFor(s.model());
        if (wanted == null) {
            return;
        }
        if (wanted == selected.get() && model.get() != null) {
            restoreModelParts(s, model.get());
            return;
        }
        pendingRestore = (o, a, m) -> {
            if (m != null) {
                model.getReadOnlyProperty().removeListener(pendingRestore);
                pendingRestore = null;
                restoreModelParts(s, m);
            }
        };
        // on the read-only view, notified after the wrapper's: after the window's workspaces have taken the model
        model.getReadOnlyProperty().addListener(pendingRestore);
        if (wanted == selected.get()) {
            if (loading == null) { // else the load under way (a lesson's first step naming the file's model) brings it
                load(wanted);
            }
        } else {
            selected.set(wanted);
        }
    }

    private ModelEntry entryFor(String ref) {
        if (ref.startsWith(SessionFiles.BUNDLED)) {
            String label = ref.substring(SessionFiles.BUNDLED.length());
            return models.stream().filter(m -> m.source() instanceof ModelSource.Bundled && m.label().equals(label))
                    .findFirst().or(() -> java.util.Arrays.stream(BundledEncoder.values())
                            .filter(e -> e.available() && e.label().equals(label)).findFirst().map(e -> {
                                ModelEntry entry = new ModelEntry(e.label(), new ModelSource.Bundled(e), true, false);
                                models.add(entry); // a catalog without the bundled encoders (a test's) still opens them
                                return entry;
                            }))
                    .orElseGet(() -> {
                        showError(I18n.text("session.noBundled", label));
                        return null;
                    });
        }
        Path abs = Path.of(ref).toAbsolutePath().normalize();
        return models.stream()
                .filter(m -> m.source() instanceof ModelSource.OnDisk d && d.path().toAbsolutePath().normalize().equals(abs))
                .findFirst().orElseGet(() -> {
                    ModelEntry e = new ModelEntry(abs.getFileName().toString(), new ModelSource.OnDisk(abs, null), false, true);
                    models.add(e);
                    return e;
                });
    }

    private void restoreModelParts(SessionFile.SessionState s, LoadedModel m) {
        contextPart.restore(s.context());
        routingPart.restore(s.routing());
        if (s.ablated() != null) {
            try {
                ablation.set(s.ablated().stream().map(h -> new HeadSet.Head(h.layer(), h.head())).toList());
            } catch (IllegalArgumentException e) {
                showError(I18n.text("session.headsDoNotFit", m.name(), e.getMessage()));
            }
            if ("MEAN".equals(s.ablationMode()) && !s.ablated().isEmpty()) {
                showError(I18n.text("session.meanRestored"));
            }
        }
        if (s.selected() != null) {
            HeadsAnalysisController c = heads.get();
            if (c == null) {
                pendingSelection = s.selected();
            } else {
                c.select(s.selected().layer(), s.selected().head());
            }
        }
    }

    /** The Train workspace was made with {@code c}. */
    public void attach(TrainingController c) {
        training.set(c);
    }

    public ReadOnlyObjectProperty<LoadedModel> modelProperty() { return model.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<RunOutcome> lastRunProperty() { return lastRun.getReadOnlyProperty(); }

    /** Incremented each time a finished run's views (grid, lens) are on screen. */
    public ReadOnlyIntegerProperty runsShownProperty() { return runsShown.getReadOnlyProperty(); }

    /** A run (decoder, encoder or encoder-decoder) is going on. */
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** The status line: what is loading or running, or how the last run ended. */
    public ReadOnlyStringProperty statusProperty() { return status; }

    /** Progress of the load or run going on (-1 indeterminate, 0 none). */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    /** The error to show the user ("" none). */
    public ReadOnlyStringProperty errorProperty() { return error.getReadOnlyProperty(); }

    /** Why there is nothing to explore (null while there is a model, or one is loading). */
    public ReadOnlyStringProperty emptyMessageProperty() { return emptyMessage.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<LiveFrame> liveFrameProperty() { return liveFrame.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<ShownRun> shownRunProperty() { return shownRun.getReadOnlyProperty(); }

    /**
     * The logit lens of the run shown, read after its grid is on screen (null while it is read): at the 110M shape the
     * lens of 24 positions x 12 layers is 288 read-outs through the 32,000 x 768 output matrix.
     */
    public ReadOnlyObjectProperty<LensTable> shownLensProperty() { return shownLens.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<Routes> routesProperty() { return routes.getReadOnlyProperty(); }

    public void showError(String message) {
        error.set(message);
    }

    /**
     * Shows a long file task (an export) on the status line while no load or run is shown there: its progress, then
     * {@code doneText} or {@code cancelledText}; Esc ({@link #stop()}) cancels it.
     */
    public void showFileTask(Task<?> t, String doneText, String cancelledText) {
        fileTask = t;
        if (statusOf == null) {
            bindStatus(t);
        }
        t.stateProperty().addListener((o, a, s) -> {
            if (s != Worker.State.SUCCEEDED && s != Worker.State.FAILED && s != Worker.State.CANCELLED) {
                return;
            }
            if (fileTask == t) {
                fileTask = null;
            }
            if (statusOf == t) {
                unbindStatus();
                statusText(s == Worker.State.SUCCEEDED ? doneText : s == Worker.State.CANCELLED ? cancelledText : "");
            }
        });
    }

    /** Shows {@code text} on the status line (until the next load or run). */
    public void statusText(String text) {
        if (!status.isBound()) {
            status.set(text);
        }
    }

    public void clearError() {
        error.set("");
    }

    /** Opens a model file or folder from disk, remembers it and selects it. */
    public void openModel(Path path) {
        openModel(path, path.toAbsolutePath().normalize().getFileName().toString());
    }

    /** As {@link #openModel(Path)}, listing a model not yet in the picker under {@code label}. */
    public void openModel(Path path, String label) {
        Path abs = path.toAbsolutePath().normalize();
        ModelEntry entry = models.stream()
                .filter(m -> m.source() instanceof ModelSource.OnDisk d && d.path().toAbsolutePath().normalize().equals(abs))
                .findFirst().orElseGet(() -> {
                    ModelEntry e = new ModelEntry(label, new ModelSource.OnDisk(abs, null), false, true);
                    models.add(e);
                    return e;
                });
        if (selected.get() == entry) {
            load(entry);
        } else {
            selected.set(entry);
        }
    }

    private void load(ModelEntry entry) {
        lensTicket.incrementAndGet();
        stop();
        clearError();
        Task<LoadedModel> t = modelService.load(entry);
        loading = t;
        bindStatus(t);
        model.set(null);
        emptyMessage.unbind();
        emptyMessage.set(null);
        t.setOnSucceeded(e -> {
            if (loading != t) {
                return; // a model picked since: this one must not replace it (nor take a restore meant for it)
            }
            loading = null;
            unbindStatus();
            LoadedModel m = t.getValue();
            model.set(m);
            if (entry.source() instanceof ModelSource.OnDisk d && !entry.bundled()) {
                recent.add(d.path());
            }
            showStatus(m.isDecoder() ? "status.loaded" : m.isSeq2Seq() ? "status.loadedSeq2Seq" : "status.loadedEncoder",
                    m.name());
        });
        t.setOnFailed(e -> {
            if (loading != t) {
                return;
            }
            loading = null;
            unbindStatus();
            showStatus("status.noModel");
            showError(ErrorMessages.describe(I18n.text("status.opening", entry.label()), t.getException()));
            if (model.get() == null) {
                showEmptyMessage("main.couldNotOpen", entry.label());
            }
        });
    }

    /** Publishes the text of bundle key {@code key} as the empty state's message, following language changes. */
    private void showEmptyMessage(String key, Object... args) {
        emptyMessage.bind(I18n.bind(key, args));
    }

    /** Shows the text of bundle key {@code key} in the status bar, following language changes. */
    private void showStatus(String key, Object... args) {
        status.unbind();
        status.bind(I18n.bind(key, args));
    }

    private void bindStatus(Worker<?> t) {
        statusOf = t;
        status.bind(t.messageProperty());
        progress.bind(t.progressProperty());
    }

    private void unbindStatus() {
        statusOf = null;
        status.unbind();
        progress.unbind();
        progress.set(0);
    }

    /** The text workspaces analyse: the last generated text when it continues the current prompt, else the prompt. */
    public String analysisText(String output) {
        String p = prompt.get();
        return output != null && !output.isBlank() && output.startsWith(p.strip()) ? output : p;
    }

    /** Runs the prompt: generates for a decoder, encodes for an encoder, decodes a target for an encoder-decoder. */
    public void generate() {
        LoadedModel m = model.get();
        if (m == null || running != null) {
            return;
        }
        if (m.isSeq2Seq()) {
            seq2seq.start(m, prompt.get(), sampling.stepsProperty().get());
            return;
        }
        userPromptLength = -1; // the run tokenises the text on the engine thread and tells the length
        run(m, new RunRequest.Prompt.Text(prompt.get()), sampling.settings(m.isDecoder() ? sampling.stepsProperty().get() : 0));
    }

    /** One more token after the last run (or after the prompt when it changed). */
    public void step() {
        LoadedModel m = model.get();
        if (m == null || running != null || !m.isDecoder()) {
            return;
        }
        RunOutcome last = lastRun.get();
        boolean continues = last != null && prompt.get().equals(lastPromptText);
        if (!continues) {
            userPromptLength = -1;
        }
        run(m, continues ? new RunRequest.Prompt.Ids(last.tokens()) : new RunRequest.Prompt.Text(prompt.get()),
                sampling.settings(1));
    }

    /** The ablated heads changed: the shown generation runs again with them removed (the running one stops first). */
    private void rerunWithAblation() {
        if (running != null) {
            rerunForAblation = true;
            running.cancel(false);
        } else if (lastRun.get() != null) {
            generate();
        }
    }

    /** Work elsewhere that stops with this session's run (Esc, or a model being opened): the workspaces' runs. */
    public void alsoOnStop(Runnable action) {
        alsoOnStop.add(action);
    }

    /** Stops the run, without the re-run an ablation change asked for, and what {@link #alsoOnStop} named. */
    public void stop() {
        rerunForAblation = false;
        if (running != null) {
            running.cancel(false);
        }
        seq2seq.cancel();
        if (fileTask != null) {
            fileTask.cancel();
        }
        alsoOnStop.forEach(Runnable::run);
    }

    private void updateBusy() {
        busy.set(running != null || seq2seq.busyProperty().get());
    }

    private void run(LoadedModel m, RunRequest.Prompt ids, Generation.Settings settings) {
        lensTicket.incrementAndGet(); // the previous run's lens, if still being read, is not wanted
        clearError();
        lastPromptText = prompt.get();
        int layers = m.config().layers();
        int heads = m.config().heads();
        FramePacer pacer = new FramePacer();
        AttentionRows rows = new AttentionRows(layers); // owned by the view-builder thread
        HeadSet removed = ablation.get();
        RunTask t = runService.start(new RunRequest(m, ids, settings, removed), live -> {
            if (!pacer.tryStart(System.nanoTime())) {
                return; // the next frame (or the final one) shows this step too
            }
            viewBuilder.submit(() -> {
                try {
                    Trace tr = live.snapshot();
                    int[] tokens = tr.tokens();
                    rows.update(tr);
                    GridContent gc = TraceViews.build(rows, tokens, m.tokenizer(), layers, heads,
                            liveRollout(live.promptLength(), settings.newTokens()));
                    var hops = hops(tr, layers);
                    liveFrames.publish(() -> {
                        if (running != null) {
                            if (userPromptLength < 0) userPromptLength = live.promptLength();
                            liveFrame.set(new LiveFrame(m, tokens, gc, userPromptLength));
                            routes.set(new Routes(m, tokens, hops));
                        }
                        pacer.shown();
                    });
                } catch (RuntimeException | OutOfMemoryError e) {
                    pacer.dropped();
                    throw e;
                }
            });
        });
        running = t;
        bindStatus(t);
        updateBusy();
        t.stateProperty().addListener((o, a, s) -> {
            if (s == Worker.State.SUCCEEDED || s == Worker.State.FAILED || s == Worker.State.CANCELLED) {
                finish(m, t, rows, layers, heads, removed);
            }
        });
    }

    private void finish(LoadedModel m, RunTask t, AttentionRows rows, int layers, int heads, HeadSet removed) {
        running = null;
        unbindStatus();
        updateBusy();
        // the ablated heads changed while this ran (it may have finished before the cancel reached it)
        boolean rerun = rerunForAblation;
        rerunForAblation = false;
        if (t.getState() == Worker.State.FAILED) {
            showStatus("status.runFailed");
            showError(ErrorMessages.describe(I18n.text("status.theRun"), t.getException()));
            return;
        }
        if (t.getState() == Worker.State.CANCELLED) {
            showStatus("status.stopped");
            if (rerun) {
                generate();
            }
            return;
        }
        RunOutcome out = t.getValue();
        if (userPromptLength < 0) userPromptLength = out.promptLength();
        lastRun.set(out);
        int promptLength = userPromptLength;
        String tokPerSecond = String.format(Locale.ROOT, "%.1f", out.tokensPerSecond());
        String why = "stop." + out.stop().name().toLowerCase(Locale.ROOT);
        String total = Integer.toString(out.tokens().length); // plain digits, no grouping
        String added = Integer.toString(out.tokens().length - promptLength);
        status.unbind();
        if (!m.isDecoder() && !m.isSeq2Seq()) { // an encoder reads the text once: nothing stopped a generation
            status.bind(Bindings.createStringBinding(() -> I18n.text("teach.status.encoded", out.tokens().length)
                    + (out.knowledge() == null || out.knowledge().triples().isEmpty() ? "" : I18n.text("knowledge.status", out.knowledge().triples().size(),
                            out.knowledge().visible() == null ? I18n.text("knowledge.appended") : I18n.text("knowledge.kbert")))
                    + (removed.isEmpty() ? "" : I18n.text("status.ablated", removed.label())), I18n.localeProperty()));
        } else {
            status.bind(Bindings.createStringBinding(() -> I18n.text("status.finished", total, added,
                    out.tokensPerSecond() > 0 ? I18n.text("status.speed", tokPerSecond) : "", I18n.text(why),
                    removed.isEmpty() ? "" : I18n.text("status.ablated", removed.label())), I18n.localeProperty()));
        }
        long ticket = lensTicket.incrementAndGet();
        viewBuilder.submit(() -> {
            rows.update(out.trace());
            GridContent gc = TraceViews.build(rows, out.tokens(), m.tokenizer(), layers, heads, true, out.visible());
            var surprisal = SurprisalBuilder.build(out);
            var expected = SurprisalBuilder.expected(out, m.tokenizer());
            var hops = hops(out.trace(), layers);
            Platform.runLater(() -> {
                routes.set(new Routes(m, out.tokens(), hops));
                shownRun.set(new ShownRun(m, out, gc, surprisal, expected,
                        m.isDecoder() ? promptLength : out.tokens().length));
                shownLens.set(null); // being read
            });
            // the lens after the grid is on screen, given up as soon as a newer run or model is asked for
            LensTable lens;
            try {
                lens = LensTables.of(m, out.trace(), out.tokens(), lensPositions, () -> lensTicket.get() != ticket);
            } catch (CancellationException e) {
                lens = null; // a newer run or model: its own views follow
            } catch (RuntimeException e) {
                lens = LensTable.EMPTY;
            }
            LensTable finalLens = lens;
            Platform.runLater(() -> {
                if (finalLens != null && lensTicket.get() == ticket) {
                    shownLens.set(finalLens);
                }
                runsShown.set(runsShown.get() + 1);
            });
        });
        if (rerun) {
            generate();
        }
    }

    /**
     * Whether a run's live frames carry the rollout row: only when the whole run fits {@link #LIVE_ROLLOUT_LIMIT}
     * positions. A row that appears or goes mid-run would make the grid build all its cells again (with their
     * tooltips and CSS: a second of the FX thread on a loaded machine); the finished run's grid shows the rollout
     * as before.
     */
    static boolean liveRollout(int promptLength, int newTokens) {
        return (long) promptLength + newTokens <= LIVE_ROLLOUT_LIMIT;
    }

    /** The route hops of each step of a trace (all null for a dense model). */
    public static List<ExpertRoutes.Hop[]> hops(Trace trace, int layers) {
        List<ExpertRoutes.Hop[]> out = new ArrayList<>();
        for (var st : trace.steps()) {
            out.add(ExpertRoutes.hops(st.tensors(), layers));
        }
        return out;
    }
}
