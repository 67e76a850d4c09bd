package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.controlsfx.control.StatusBar;

import dev.glassbox.app.service.AblationState;
import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.AttentionRows;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.LatestOnlyExecutor;
import dev.glassbox.app.service.LensBuilder;
import dev.glassbox.app.service.LiveRun;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;
import dev.glassbox.app.service.ModelService;
import dev.glassbox.app.service.ModelSource;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.app.service.RunRequest;
import dev.glassbox.app.service.RunService;
import dev.glassbox.app.service.RunTask;
import dev.glassbox.app.service.TraceViews;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.ExpertRoutes;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.visuals.LensTable;

/**
 * The main window: model picker and run controls on top, prompt below them, the explorer in the middle,
 * status at the bottom. All engine work goes through {@link ModelService} / {@link RunService}; trace
 * steps are turned into views on a latest-only worker and handed to the FX thread one frame at a time.
 */
public final class MainWindow extends BorderPane {
    private static final int LIVE_ROLLOUT_LIMIT = 128;
    /** Live views refresh at most ~15 times a second, leaving the cores to the engine. */
    private static final long LIVE_FRAME_NANOS = 66_000_000L;

    /** A ChoiceBox: a ComboBox's skin builds and styles its popup's ListView in the first CSS pass, ~70 ms of start-up. */
    final ChoiceBox<ModelEntry> models = new ChoiceBox<>();
    final Button generate = new Button("Generate");
    final Button step = new Button("Step");
    final Button stop = new Button("Stop");
    final SamplingControls sampling = new SamplingControls();
    final PromptPane prompt = new PromptPane();
    final Label errorBanner = new Label();
    final Label emptyState = new Label();
    final StatusBar status = new StatusBar();
    final Label modelInfo = new Label();
    final ExplorerPane explorer = new ExplorerPane(this::showError);

    private final AnalysisService analysis = new AnalysisService();
    /** The heads removed from the loaded model, edited in the Heads workspace, applied by every run. */
    final AblationState ablation = new AblationState();
    final AblationBar ablationBar = new AblationBar(ablation);
    // The four workspaces behind the other tabs are made when their tab is first selected (or a caller needs one):
    // building them took a fifth of the window's construction at start-up.
    final Lazy<HeadsWorkspace> heads = new Lazy<>(this::newHeads);
    final Lazy<ContextWorkspace> context = new Lazy<>(
            () -> withModel(new ContextWorkspace(analysis, this::showError, this::analysisText)));
    final Lazy<RoutingWorkspace> routing = new Lazy<>(this::newRouting);
    final Lazy<WalkthroughWorkspace> walkthrough = new Lazy<>(() -> withModel(new WalkthroughWorkspace(analysis, this::showError,
            this::analysisText, () -> sampling.settings(0))));
    final Lazy<TrainWorkspace> train = new Lazy<>(() -> new TrainWorkspace(this::showError, (dir, promptText) -> {
        selectWorkspace(0); // first: loading stops what the shown workspace runs
        prompt.prompt.setText(promptText);
        openModel(dir);
    }));
    /** The routes the last run showed live, replayed into the Routing workspace when it is made after that run. */
    private LiveRoutes lastRoutes;
    final TabPane workspaces = new TabPane();
    private final Tab trainTab;
    private final ModelService modelService = new ModelService();
    private final RunService runService = new RunService();
    private final LatestOnlyExecutor viewBuilder = new LatestOnlyExecutor("glassbox-view-builder",
            e -> Platform.runLater(() -> showError(ErrorMessages.describe("Drawing the attention views", e))));
    private final RecentModels recent;
    private final ReadOnlyObjectWrapper<LoadedModel> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyObjectWrapper<RunOutcome> lastRun = new ReadOnlyObjectWrapper<>(this, "lastRun");
    private final ReadOnlyIntegerWrapper runsShown = new ReadOnlyIntegerWrapper(this, "runsShown", 0);
    private RunTask running;
    /** The ablated heads changed during a run: generate again once it has stopped. */
    private boolean rerunForAblation;
    final Seq2SeqExplore seq2seq = new Seq2SeqExplore(explorer, prompt, status, this::showError,
            () -> runsShown.set(runsShown.get() + 1));
    private String lastPromptText;
    /** Tokens typed by the user in the current sequence (Step continues a sequence, so this can be < the run's prompt). */
    private int userPromptLength;
    private double fontSize = 13;

    public MainWindow(ModelCatalog catalog, RecentModels recent) {
        this.recent = recent;
        setId("mainWindow");
        getStylesheets().add(AppStyle.url());
        models.setId("modelPicker");
        generate.setId("generateButton");
        step.setId("stepButton");
        stop.setId("stopButton");
        errorBanner.setId("errorBanner");
        errorBanner.getStyleClass().add("error-banner");
        errorBanner.setMaxWidth(Double.MAX_VALUE);
        errorBanner.setWrapText(true);
        errorBanner.setOnMouseClicked(e -> clearError());
        HoverTips.install(errorBanner, "click to dismiss");
        errorBanner.managedProperty().bind(errorBanner.visibleProperty());
        errorBanner.setVisible(false);
        emptyState.setId("emptyState");
        emptyState.getStyleClass().add("empty-state");
        status.setId("statusBar");
        status.setText("Ready");
        status.getRightItems().add(modelInfo);

        MenuButton open = new MenuButton("Open model\u2026");
        open.setId("openModelMenu");
        MenuItem openFile = new MenuItem("Model file (.bin, .gguf)\u2026  Ctrl+O");
        openFile.setOnAction(e -> chooseFile());
        MenuItem openDir = new MenuItem("Model folder (config.json)\u2026");
        openDir.setOnAction(e -> chooseFolder());
        open.getItems().addAll(openFile, openDir);
        models.setPrefWidth(240);
        models.getItems().addAll(catalog.bundled());
        for (Path p : recent.list()) {
            if (models.getItems().stream().noneMatch(m -> m.source() instanceof ModelSource.OnDisk d && d.path().equals(p))) {
                models.getItems().add(new ModelEntry(p.getFileName() + " (recent)", new ModelSource.OnDisk(p, null), false, true));
            }
        }
        models.valueProperty().addListener((o, a, entry) -> {
            if (entry != null && entry != a) {
                load(entry);
            }
        });
        HoverTips.install(generate, "Run the prompt and generate (Ctrl+Enter)");
        HoverTips.install(step, "Generate one more token");
        HoverTips.install(stop, "Stop the run (Esc)");
        generate.setOnAction(e -> generate());
        step.setOnAction(e -> step());
        stop.setOnAction(e -> stop());
        ToolBar bar = new ToolBar(new Label("Model"), models, open, new Separator(), generate, step, stop,
                new Separator(), sampling);
        setTop(new VBox(bar, errorBanner, ablationBar, prompt));
        workspaces.setId("workspaces");
        workspaces.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        trainTab = lazyTab("Train", train);
        workspaces.getTabs().addAll(tab("Explore", new StackPane(explorer, emptyState)),
                lazyTab("Heads", heads), lazyTab("Context lab", context), lazyTab("Routing", routing), trainTab,
                walkthroughTab());
        HoverTips.installShortcuts(workspaces);
        model.addListener((o, a, m) -> {
            ablation.reset(m);
            lastRoutes = null;
            heads.ifMade(w -> w.setModel(m));
            context.ifMade(w -> w.setModel(m));
            routing.ifMade(w -> w.setModel(m));
            walkthrough.ifMade(w -> w.setModel(m));
        });
        seq2seq.busyProperty().addListener((o, a, b) -> updateEnabled());
        ablation.setProperty().addListener((o, a, b) -> {
            explorer.grid.setMarked(b::contains); // rows are layers, columns heads (rollout and mean never match)
            if (!(a.isEmpty() && b.isEmpty())) {
                rerunWithAblation();
            }
        });
        setCenter(workspaces);
        setBottom(status);
        prompt.prompt.textProperty().addListener((o, a, b) -> refreshPromptChips());
        updateEnabled();
        catalog.defaultModel().ifPresentOrElse(models::setValue, () -> showEmpty(
                "No bundled model found (looked for sample-models/).\nUse \u201cOpen model\u2026\u201d (Ctrl+O) to open a llama2.c .bin, a .gguf or a model folder."));
    }

    private static Tab tab(String name, javafx.scene.Node content) {
        Tab t = new Tab(name, content);
        t.setId("tab" + name.replace(" ", ""));
        return t;
    }

    /**
     * A tab whose workspace is made and joins the scene when the tab is first selected: hidden workspaces cost no
     * construction, CSS, skin or layout work at start-up.
     */
    private static Tab lazyTab(String name, Lazy<? extends javafx.scene.Node> content) {
        Tab t = tab(name, new StackPane());
        t.selectedProperty().addListener((o, was, selected) -> {
            if (selected && t.getContent() != content.get()) {
                t.setContent(content.get());
            }
        });
        return t;
    }

    private Tab walkthroughTab() {
        Tab t = lazyTab("Walkthrough", walkthrough);
        t.textProperty().bind(dev.glassbox.visuals.i18n.I18n.bind("walkthrough.tab"));
        return t;
    }

    private record LiveRoutes(LoadedModel model, int[] tokens, List<ExpertRoutes.Hop[]> hops) {
    }

    private <W extends WorkspacePane> W withModel(W w) {
        if (model.get() != null) {
            w.setModel(model.get());
        }
        return w;
    }

    private HeadsWorkspace newHeads() {
        HeadsWorkspace w = withModel(new HeadsWorkspace(analysis, this::showError, this::analysisText, ablation));
        w.ablationMode.setValue(ablation.get().mode()); // as if it had followed the set's changes since the model loaded
        return w;
    }

    private RoutingWorkspace newRouting() {
        RoutingWorkspace w = withModel(new RoutingWorkspace(analysis, this::showError, this::analysisText));
        if (lastRoutes != null) {
            w.showLive(lastRoutes.model(), lastRoutes.tokens(), lastRoutes.hops());
        }
        return w;
    }

    /** The Heads workspace (made now if its tab was never opened). */
    HeadsWorkspace heads() { return heads.get(); }

    /** The Context lab workspace (made now if its tab was never opened). */
    ContextWorkspace context() { return context.get(); }

    /** The Routing workspace (made now if its tab was never opened). */
    RoutingWorkspace routing() { return routing.get(); }

    /** The Train workspace (made now if its tab was never opened). */
    TrainWorkspace train() { return train.get(); }

    /** Hands a run's routes to the Routing workspace, or keeps them for it until it is made. */
    private void showRoutes(LoadedModel m, int[] tokens, List<ExpertRoutes.Hop[]> hops) {
        lastRoutes = new LiveRoutes(m, tokens, hops);
        routing.ifMade(w -> w.showLive(m, tokens, hops));
    }

    /** Shows workspace {@code index} (0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train). */
    public void selectWorkspace(int index) {
        if (index >= 0 && index < workspaces.getTabs().size()) {
            workspaces.getSelectionModel().select(index);
        }
    }

    public ReadOnlyObjectProperty<LoadedModel> modelProperty() { return model.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<RunOutcome> lastRunProperty() { return lastRun.getReadOnlyProperty(); }

    /** Incremented each time a finished run's views (grid, lens) are on screen. */
    public ReadOnlyIntegerProperty runsShownProperty() { return runsShown.getReadOnlyProperty(); }

    private void showEmpty(String text) {
        emptyState.setText(text);
        emptyState.setVisible(true);
        explorer.setVisible(false);
    }

    /** Opens a model file or folder from disk, remembers it and selects it. */
    public void openModel(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        ModelEntry entry = models.getItems().stream()
                .filter(m -> m.source() instanceof ModelSource.OnDisk d && d.path().toAbsolutePath().normalize().equals(abs))
                .findFirst().orElseGet(() -> {
                    ModelEntry e = new ModelEntry(abs.getFileName().toString(), new ModelSource.OnDisk(abs, null), false, true);
                    models.getItems().add(e);
                    return e;
                });
        if (models.getValue() == entry) {
            load(entry);
        } else {
            models.setValue(entry);
        }
    }

    void chooseFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open model file");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Models", "*.bin", "*.gguf"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            openModel(f.toPath());
        }
    }

    private void chooseFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open model folder");
        File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            openModel(f.toPath());
        }
    }

    private void load(ModelEntry entry) {
        stop();
        clearError();
        Task<LoadedModel> t = modelService.load(entry);
        status.textProperty().bind(t.messageProperty());
        status.progressProperty().bind(t.progressProperty());
        model.set(null);
        explorer.clear();
        updateEnabled();
        t.setOnSucceeded(e -> {
            unbindStatus();
            LoadedModel m = t.getValue();
            model.set(m);
            if (entry.source() instanceof ModelSource.OnDisk d && !entry.bundled()) {
                recent.add(d.path());
            }
            var c = m.config();
            String layers = m.isSeq2Seq() ? m.seq2seq().encoderLayers() + " encoder + " + c.layers() + " decoder layers"
                    : c.layers() + " layers";
            modelInfo.setText(String.format(Locale.ROOT, "%s \u00b7 %s \u00b7 %s \u00d7 %d heads \u00b7 %,d params",
                    m.name(), m.format(), layers, c.heads(), m.model().parameterCount()));
            status.setText("Loaded " + m.name() + (m.isDecoder() ? "" : m.isSeq2Seq()
                    ? " (encoder-decoder: the prompt is the source, Generate decodes the target)"
                    : " (encoder: Encode runs it on the text)"));
            generate.setText(m.isDecoder() || m.isSeq2Seq() ? "Generate" : "Encode");
            emptyState.setVisible(false);
            explorer.setVisible(true);
            refreshPromptChips();
            updateEnabled();
        });
        t.setOnFailed(e -> {
            unbindStatus();
            status.setText("No model");
            showError(ErrorMessages.describe("Opening " + entry.label(), t.getException()));
            if (model.get() == null) {
                showEmpty("Could not open " + entry.label() + ".\nPick another model or use \u201cOpen model\u2026\u201d (Ctrl+O).");
            }
            updateEnabled();
        });
    }

    private void unbindStatus() {
        status.textProperty().unbind();
        status.progressProperty().unbind();
        status.setProgress(0);
    }

    private void refreshPromptChips() {
        LoadedModel m = model.get();
        if (m != null) {
            int[] ids = m.tokenizer().encode(prompt.prompt.getText());
            prompt.showTokens(m.tokenizer(), ids, ids.length);
        }
    }

    /** The text workspaces analyse: the last generated text when it continues the current prompt, else the prompt. */
    String analysisText() {
        String p = prompt.prompt.getText();
        String out = prompt.output.getText();
        return out != null && !out.isBlank() && out.startsWith(p.strip()) ? out : p;
    }

    /** Ctrl+Enter: generate in Explore, or start the shown workspace's run. */
    public void runShown() {
        if (trainShown()) {
            train.get().start();
        } else if (workspaces.getSelectionModel().getSelectedItem().getContent() instanceof WorkspacePane w) {
            if (!w.run.isDisabled()) {
                w.runNow();
            }
        } else {
            generate();
        }
    }

    public void generate() {
        LoadedModel m = model.get();
        if (m == null || running != null) {
            return;
        }
        if (m.isSeq2Seq()) {
            seq2seq.start(m, prompt.prompt.getText(), sampling.steps.getValue());
            return;
        }
        int[] ids = m.tokenizer().encode(prompt.prompt.getText());
        userPromptLength = ids.length;
        start(m, ids, sampling.settings(m.isDecoder() ? sampling.steps.getValue() : 0));
    }

    /** One more token after the last run (or after the prompt when it changed). */
    public void step() {
        LoadedModel m = model.get();
        if (m == null || running != null || !m.isDecoder()) {
            return;
        }
        RunOutcome last = lastRun.get();
        boolean continues = last != null && prompt.prompt.getText().equals(lastPromptText);
        int[] ids = continues ? last.tokens() : m.tokenizer().encode(prompt.prompt.getText());
        if (!continues) {
            userPromptLength = ids.length;
        }
        start(m, ids, sampling.settings(1));
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

    /** Restores every ablated head (Clear, Ctrl+Shift+A). */
    public void clearAblation() {
        ablation.clear();
    }

    /** Stops the explorer's run and any workspace computation (Esc). */
    public void stop() {
        rerunForAblation = false;
        if (running != null) {
            running.cancel(false);
        }
        seq2seq.cancel();
        heads.ifMade(WorkspacePane::cancelRun);
        context.ifMade(WorkspacePane::cancelRun);
        routing.ifMade(WorkspacePane::cancelRun);
        if (trainShown()) {
            train.get().stop(); // only from the Train workspace: opening its checkpoint must not end the run
        }
    }

    private boolean trainShown() {
        return workspaces.getSelectionModel().getSelectedItem() == trainTab;
    }

    /** Ctrl+P: pauses or resumes training when the Train workspace is shown. */
    public void togglePauseTraining() {
        if (trainShown()) {
            train.get().togglePause();
        }
    }

    private void start(LoadedModel m, int[] ids, dev.glassbox.engine.model.Generation.Settings settings) {
        clearError();
        lastPromptText = prompt.prompt.getText();
        int layers = m.config().layers();
        int heads = m.config().heads();
        long[] lastPost = {0};
        AttentionRows rows = new AttentionRows(layers); // owned by the view-builder thread
        HeadSet removed = ablation.get();
        RunTask t = runService.start(new RunRequest(m, ids, settings, removed), live -> {
            long now = System.nanoTime();
            if (now - lastPost[0] < LIVE_FRAME_NANOS) {
                return; // the next frame (or the final one) shows this step too
            }
            lastPost[0] = now;
            viewBuilder.submit(() -> {
            Trace tr = live.snapshot();
            int[] tokens = tr.tokens();
            rows.update(tr);
            GridContent gc = TraceViews.build(rows, tokens, m.tokenizer(), layers, heads, tokens.length <= LIVE_ROLLOUT_LIMIT);
            var routes = RoutingWorkspace.hops(tr, layers);
            Platform.runLater(() -> {
                if (running != null) {
                    explorer.show(gc);
                    showRoutes(m, tokens, routes);
                    prompt.showTokens(m.tokenizer(), tokens, userPromptLength);
                }
            });
            });
        });
        running = t;
        status.textProperty().bind(t.messageProperty());
        status.progressProperty().bind(t.progressProperty());
        updateEnabled();
        t.stateProperty().addListener((o, a, s) -> {
            if (s == Worker.State.SUCCEEDED || s == Worker.State.FAILED || s == Worker.State.CANCELLED) {
                finish(m, t, rows, layers, heads, removed);
            }
        });
    }

    private void finish(LoadedModel m, RunTask t, AttentionRows rows, int layers, int heads, HeadSet removed) {
        running = null;
        unbindStatus();
        updateEnabled();
        // the ablated heads changed while this ran (it may have finished before the cancel reached it)
        boolean rerun = rerunForAblation;
        rerunForAblation = false;
        if (t.getState() == Worker.State.FAILED) {
            status.setText("Run failed");
            showError(ErrorMessages.describe("The run", t.getException()));
            return;
        }
        if (t.getState() == Worker.State.CANCELLED) {
            status.setText("Stopped");
            if (rerun) {
                generate();
            }
            return;
        }
        RunOutcome out = t.getValue();
        lastRun.set(out);
        String speed = out.tokensPerSecond() > 0 ? String.format(Locale.ROOT, " \u00b7 %.1f tok/s", out.tokensPerSecond()) : "";
        String summary = String.format(Locale.ROOT, "%d tokens (%d new)%s \u00b7 stopped: %s%s",
                out.tokens().length, out.tokens().length - userPromptLength, speed,
                out.stop().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                removed.isEmpty() ? "" : " \u00b7 ablated " + removed.label());
        status.setText(summary);
        viewBuilder.submit(() -> {
            rows.update(out.trace());
            GridContent gc = TraceViews.build(rows, out.tokens(), m.tokenizer(), layers, heads, true);
            LensTable lens;
            try {
                lens = m.isDecoder() ? LensBuilder.build(m, out.trace(), out.tokens()) : LensTable.EMPTY;
            } catch (RuntimeException e) {
                lens = LensTable.EMPTY;
            }
            LensTable finalLens = lens;
            var surprisal = dev.glassbox.app.service.SurprisalBuilder.build(out);
            var routes = RoutingWorkspace.hops(out.trace(), layers);
            Platform.runLater(() -> {
                showRoutes(m, out.tokens(), routes);
                explorer.show(gc);
                explorer.showLens(finalLens);
                explorer.showAblation(m.tokenizer(), out.ablation());
                prompt.showTokens(m.tokenizer(), out.tokens(), m.isDecoder() ? userPromptLength : out.tokens().length);
                prompt.showSurprisal(surprisal);
                explorer.showSurprisal(surprisal);
                runsShown.set(runsShown.get() + 1);
            });
        });
        if (rerun) {
            generate();
        }
    }

    private void updateEnabled() {
        boolean has = model.get() != null;
        boolean busy = running != null || seq2seq.busyProperty().get();
        generate.setDisable(!has || busy);
        step.setDisable(!has || busy || !model.get().isDecoder());
        stop.setDisable(!busy);
    }

    void showError(String message) {
        errorBanner.setText(message);
        errorBanner.setVisible(true);
    }

    private void clearError() {
        errorBanner.setVisible(false);
        errorBanner.setText("");
    }

    /** Scales every font (Ctrl+plus / Ctrl+minus). */
    void zoom(double factor) {
        fontSize = Math.max(8, Math.min(32, fontSize * factor));
        setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", fontSize));
    }
}
