package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.StringConverter;
import org.controlsfx.control.StatusBar;

import dev.glassbox.app.service.AblationState;
import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.DisplayPreference;
import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.ExploreSession;
import dev.glassbox.app.service.FileWrites;
import dev.glassbox.app.service.LanguagePreference;
import dev.glassbox.app.hub.HubEnvironment;
import dev.glassbox.app.service.HubService;
import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;
import dev.glassbox.app.service.ModelGuide;
import dev.glassbox.app.service.OpenTarget;
import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.app.service.Seq2SeqRuns;
import dev.glassbox.app.service.SessionFile;
import dev.glassbox.app.service.SessionFiles;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.Theme;
import dev.glassbox.visuals.i18n.I18n;

/**
 * The main window: model picker and run controls on top, prompt below them, the explorer in the middle,
 * status at the bottom. It lays out and binds to an {@link ExploreSession}, which loads models, runs them and
 * builds the views; the window shows each frame the session publishes.
 */
public final class MainWindow extends BorderPane {
    /** A ChoiceBox: a ComboBox's skin builds and styles its popup's ListView in the first CSS pass, ~70 ms of start-up. */
    final ChoiceBox<ModelEntry> models = new ChoiceBox<>();
    final Button generate = new Button();
    final Button step = new Button();
    final Button stop = new Button();
    /** The interface language: English or 中文, switched while the app runs and remembered. */
    final ChoiceBox<Locale> language = new ChoiceBox<>();
    final SamplingControls sampling = new SamplingControls();
    final PromptPane prompt = new PromptPane();
    final Label errorBanner = new Label();
    final Label emptyState = new Label();
    final StatusBar status = new StatusBar();
    final Label modelInfo = new Label();
    /** The picked model's description, training data and vocabulary (bundled models only). */
    final Label modelGuide = new Label();
    final ExplorerPane explorer = new ExplorerPane(this::showError, this::showExport);

    private final ExploreSession session;
    private final AnalysisService analysis = new AnalysisService();
    private final dev.glassbox.app.service.LatestOnlyExecutor promptTokeniser = new dev.glassbox.app.service.LatestOnlyExecutor(
            "glassbox-prompt-tokens", e -> { }); // a text the tokeniser rejects shows no chips, as the run reports it
    /** The heads removed from the loaded model, edited in the Heads workspace, applied by every run. */
    final AblationState ablation;
    final AblationBar ablationBar;
    // The four workspaces behind the other tabs are made when their tab is first selected (or a caller needs one):
    // building them took a fifth of the window's construction at start-up.
    final Lazy<HeadsWorkspace> heads = new Lazy<>(this::newHeads);
    final Lazy<ContextWorkspace> context = new Lazy<>(this::newContext);
    final Lazy<RoutingWorkspace> routing = new Lazy<>(this::newRouting);
    final Lazy<WalkthroughWorkspace> walkthrough = new Lazy<>(this::newWalkthrough);
    final Lazy<TrainWorkspace> train = new Lazy<>(this::newTrain);
    final Lazy<SearchWorkspace> search = new Lazy<>(this::newSearch);
    final TabPane workspaces = new TabPane();
    /** How long the window waits, with no run going on, before making the next unopened workspace. */
    static final javafx.util.Duration PREBUILD_IDLE = javafx.util.Duration.seconds(1);
    /** Makes an unopened workspace ahead of its first opening, one per idle moment ({@link #prebuildWhenIdle}). */
    private final java.util.ArrayDeque<Runnable> toPrebuild = new java.util.ArrayDeque<>();
    private final Tab trainTab;
    private final Tab searchTab;
    final Seq2SeqRuns seq2seq;
    final LessonPanel lesson;
    /** The View menu: theme, prompt block, zoom and presentation mode. */
    final MenuButton viewMenu = new MenuButton();
    /** Selected: the light theme (for projectors); else the dark one. */
    final ToggleButton lightTheme = new ToggleButton();
    /** Selected: the prompt, token chips and output are shown; else collapsed, leaving their room to the views. */
    final ToggleButton promptShown = new ToggleButton();
    /** The editing controls above the workspaces (model, run and sampling controls, session, language, view). */
    final javafx.scene.layout.FlowPane toolRow;
    private final BooleanProperty presenting = new SimpleBooleanProperty(this, "presenting", false);
    private final DisplayPreference display;
    /** Kept here: the theme listens weakly, so windows of earlier tests (or a closed window) can be collected. */
    private final ChangeListener<Theme> themeListener = (o, a, t) -> applyTheme(t);
    private double fontSize = BASE_FONT_PX;
    private boolean wasFullScreen;
    private String savedExitHint;
    private KeyCombination savedExitKey;
    private final ChangeListener<Boolean> fullScreenWatch = (o, a, full) -> {
        if (!full) {
            endPresentation(); // the window manager or F11 left full screen: the presentation ends with it
        }
    };

    /** The font size the style sheet sets; zoom and presentation mode scale from it. */
    static final double BASE_FONT_PX = 13;
    /** The least window height (px) at which the model's description may take two lines. */
    static final double GUIDE_TWO_LINES = 900;
    /** The most of the window's height the prompt, chips and output take. */
    static final double PROMPT_SHARE = 0.25;
    /** Presentation mode's text size over the zoomed one: read from the back of a class room. */
    static final double PRESENTATION_SCALE = 1.5;

    /** Where File ▸ Get model… downloads from (a test points it at a loopback hub). */
    HubService hub = new HubService(HubEnvironment::system);

    public MainWindow(ModelCatalog catalog, RecentModels recent, LanguagePreference languages, DisplayPreference display) {
        languages.apply();
        display.apply();
        this.display = display;
        Theme.textScaleProperty().set(1);
        session = new ExploreSession(catalog, recent, ExplorerPane.LENS_POSITIONS);
        ablation = session.ablation();
        ablationBar = new AblationBar(ablation);
        seq2seq = session.seq2seq();
        setId("mainWindow");
        applyTheme(Theme.current());
        Theme.currentProperty().addListener(new WeakChangeListener<>(themeListener));
        models.setId("modelPicker");
        generate.setId("generateButton");
        step.setId("stepButton");
        stop.setId("stopButton");
        errorBanner.setId("errorBanner");
        errorBanner.getStyleClass().add("error-banner");
        errorBanner.setMaxWidth(Double.MAX_VALUE);
        errorBanner.setWrapText(true);
        errorBanner.setOnMouseClicked(e -> session.clearError());
        HoverTips.installText(errorBanner, "main.dismissTip");
        errorBanner.managedProperty().bind(errorBanner.visibleProperty());
        errorBanner.textProperty().bind(session.errorProperty());
        errorBanner.visibleProperty().bind(session.errorProperty().isNotEmpty());
        emptyState.setId("emptyState");
        emptyState.getStyleClass().add("empty-state");
        status.setId("statusBar");
        status.textProperty().bind(session.statusProperty());
        status.progressProperty().bind(session.progressProperty());
        status.getRightItems().add(modelInfo);

        MenuButton open = new MenuButton();
        Texts.bind(open, "main.openModel");
        open.setId("openModelMenu");
        MenuItem openFile = new MenuItem();
        openFile.textProperty().bind(I18n.bind("main.openFile"));
        openFile.setOnAction(e -> chooseFile());
        MenuItem openDir = new MenuItem();
        openDir.textProperty().bind(I18n.bind("main.openFolder"));
        openDir.setOnAction(e -> chooseFolder());
        MenuItem getModel = new MenuItem();
        getModel.setId("getModelItem");
        getModel.textProperty().bind(I18n.bind("hub.menu"));
        getModel.setOnAction(e -> showGetModel());
        open.getItems().addAll(openFile, openDir, getModel);
        MenuButton sessionMenu = new MenuButton();
        sessionMenu.setId("sessionMenu");
        sessionMenu.textProperty().bind(I18n.bind("session.menu"));
        MenuItem saveSession = new MenuItem();
        saveSession.textProperty().bind(I18n.bind("session.save"));
        saveSession.setOnAction(e -> chooseSessionToSave());
        MenuItem openSession = new MenuItem();
        openSession.textProperty().bind(I18n.bind("session.open"));
        openSession.setOnAction(e -> chooseFile());
        sessionMenu.getItems().addAll(saveSession, openSession);
        models.setStyle("-fx-pref-width: 18em;"); // grows with the text (Ctrl+plus), 240 px at the normal size
        models.setItems(session.models());
        models.valueProperty().bindBidirectional(session.selectedProperty());
        sampling.bind(session.sampling());
        prompt.prompt.textProperty().bindBidirectional(session.promptProperty());
        Texts.bind(generate, "main.generate");
        Texts.bind(step, "main.step");
        Texts.bind(stop, "main.stop");
        HoverTips.installText(generate, "main.generateTip");
        HoverTips.installText(step, "main.stepTip");
        HoverTips.installText(stop, "main.stopTip");
        language.setId("languageChoice");
        language.getItems().addAll(I18n.ENGLISH, I18n.CHINESE);
        language.setConverter(new StringConverter<>() {
            @Override
            public String toString(Locale l) {
                return l == null ? "" : I18n.text(l, I18n.CHINESE.equals(l) ? "language.chinese" : "language.english");
            }

            @Override
            public Locale fromString(String s) {
                throw new UnsupportedOperationException("the language choice is not editable");
            }
        });
        language.setValue(I18n.locale());
        language.valueProperty().addListener((o, a, l) -> {
            if (l != null && !l.equals(I18n.locale())) {
                languages.choose(l);
            }
        });
        I18n.localeProperty().addListener((o, a, l) -> language.setValue(l));
        HoverTips.installText(language, "main.languageTip");
        Label modelLabel = new Label();
        Texts.bind(modelLabel, "main.model");
        generate.setOnAction(e -> generate());
        step.setOnAction(e -> step());
        stop.setOnAction(e -> stop());
        buildViewControls();
        java.util.List<javafx.scene.Node> tools = new java.util.ArrayList<>(java.util.List.of(modelLabel, models, open,
                new Separator(), generate, step, stop, new Separator()));
        tools.addAll(sampling.items());
        tools.addAll(java.util.List.of(new Separator(), sessionMenu, language, viewMenu, lightTheme, promptShown));
        var bar = ToolRow.of(tools.toArray(javafx.scene.Node[]::new));
        toolRow = bar;
        bar.setId("toolRow");
        hideWhilePresenting(bar);
        // at most a quarter of the window's height (it scrolls beyond): on a short screen the views keep their room
        javafx.scene.control.ScrollPane promptBlock = new javafx.scene.control.ScrollPane(prompt);
        promptBlock.setId("promptBlock");
        promptBlock.setFitToWidth(true);
        promptBlock.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
        promptBlock.maxHeightProperty().bind(heightProperty().multiply(PROMPT_SHARE));
        promptBlock.managedProperty().bind(promptBlock.visibleProperty());
        promptBlock.visibleProperty().bind(promptShown.selectedProperty().and(presenting.not()));
        modelGuide.setId("modelGuide");
        modelGuide.setStyle("-fx-max-height: 2.6em;"); // two lines at most (then "..."): the views need the height
        // one line (then "...", all of it in the tooltip) on a window as short as a 1280 x 720 projector's
        modelGuide.wrapTextProperty().bind(heightProperty().greaterThanOrEqualTo(GUIDE_TWO_LINES));
        modelGuide.setOnMouseEntered(e -> { // the whole text when it was cut; made on first use (a tooltip costs start-up)
            if (modelGuide.getTooltip() == null) {
                javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();
                tip.textProperty().bind(modelGuide.textProperty());
                tip.setWrapText(true);
                tip.setMaxWidth(600);
                modelGuide.setTooltip(tip);
            }
        });
        modelGuide.setPadding(new javafx.geometry.Insets(2, 8, 0, 8));
        modelGuide.managedProperty().bind(modelGuide.visibleProperty());
        session.selectedProperty().addListener((o, a, e) -> showGuide());
        I18n.localeProperty().addListener((o, a, l) -> showGuide());
        showGuide();
        setTop(new VBox(bar, modelGuide, errorBanner, ablationBar, promptBlock));
        workspaces.setId("workspaces");
        workspaces.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        trainTab = lazyTab("Train", "tab.train", train);
        searchTab = lazyTab("Search", "tab.search", search);
        StackPane exploreContent = new StackPane(explorer, emptyState);
        Tab exploreTab = tab("Explore", "tab.explore", exploreContent);
        inSceneWhileSelected(exploreTab, () -> exploreContent, new StackPane());
        workspaces.getTabs().addAll(exploreTab,
                lazyTab("Heads", "tab.heads", heads), lazyTab("Contextlab", "tab.context", context),
                lazyTab("Routing", "tab.routing", routing), trainTab, lazyTab("Walkthrough", "walkthrough.tab", walkthrough), searchTab);
        HoverTips.installShortcuts(workspaces);
        workspaces.getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> session.workspaceProperty().set(i.intValue()));
        session.workspaceProperty().addListener((o, a, i) -> selectWorkspace(i.intValue()));
        session.alsoOnStop(() -> {
            heads.ifMade(WorkspacePane::cancelRun);
            context.ifMade(WorkspacePane::cancelRun);
            routing.ifMade(WorkspacePane::cancelRun);
            walkthrough.ifMade(WorkspacePane::cancelRun);
            if (trainShown()) {
                train.get().stop(); // only from the Train workspace: opening its checkpoint must not end the run
            }
            if (workspaces.getSelectionModel().getSelectedItem() == searchTab) {
                search.get().cancelRun(); // likewise: opening a candidate leaves the search running
            }
        });
        session.modelProperty().addListener((o, a, m) -> {
            heads.ifMade(w -> w.setModel(m));
            context.ifMade(w -> w.setModel(m));
            routing.ifMade(w -> w.setModel(m));
            if (m == null) {
                explorer.clear();
                prompt.showUnknownWarning(null);
            } else {
                showModel(m);
            }
            updateEnabled();
            walkthrough.ifMade(w -> w.setModel(m));
        });
        session.emptyMessageProperty().addListener((o, a, text) -> {
            if (text != null) {
                showEmpty(text);
            }
        });
        session.busyProperty().addListener((o, a, b) -> updateEnabled());
        session.liveFrameProperty().addListener((o, a, f) -> {
            explorer.showLive(f.grid());
            prompt.showTokens(f.model().tokenizer(), f.tokens(), f.userPromptLength());
        });
        session.shownRunProperty().addListener((o, a, r) -> showRun(r));
        session.shownLensProperty().addListener((o, a, t) -> {
            if (t != null) explorer.showLens(t);
        });
        session.routesProperty().addListener((o, a, r) -> {
            if (r != null) {
                routing.ifMade(w -> w.showLive(r.model(), r.tokens(), r.hops()));
            }
        });
        seq2seq.lastProperty().addListener((o, a, r) -> showSeq2Seq(r));
        ablation.setProperty().addListener((o, a, b) ->
                explorer.grid.setMarked(b::contains)); // rows are layers, columns heads (rollout and mean never match)
        setCenter(workspaces);
        lesson = new LessonPanel(session.lesson());
        setBottom(new VBox(lesson, status));
        hideWhilePresenting(status);
        presenting.addListener((o, a, b) -> showGuide());
        prompt.prompt.textProperty().addListener((o, a, b) -> refreshPromptChips());
        updateEnabled();
        FileDrop.install(this, paths -> openWhenTold(() -> OpenTarget.ofDropped(paths)));
        prebuildWhenIdle();
        session.start(catalog);
    }

    /** A tab with id {@code "tab" + id} and the text of bundle key {@code key}. */
    private static Tab tab(String id, String key, javafx.scene.Node content) {
        Tab t = new Tab(null, content);
        t.textProperty().bind(I18n.bind(key));
        t.setId("tab" + id);
        return t;
    }

    /**
     * A tab whose workspace is made when the tab is first selected, or ahead of that while the window is idle
     * ({@link #prebuildWhenIdle}), and is in the scene while the tab is selected ({@link #inSceneWhileSelected}):
     * hidden workspaces cost no construction, CSS, skin or layout work at start-up, nor bounds work in later pulses.
     */
    private Tab lazyTab(String id, String key, Lazy<? extends javafx.scene.Node> content) {
        StackPane placeholder = new StackPane();
        Tab t = tab(id, key, placeholder);
        inSceneWhileSelected(t, content::get, placeholder);
        toPrebuild.add(() -> {
            if (!content.isMade() && !t.isSelected()) {
                // made, skinned and styled now in the tab, then taken out: the first opening only restyles it
                t.setContent(content.get());
                content.get().applyCss();
                t.setContent(placeholder);
            }
        });
        return t;
    }

    /**
     * Keeps {@code content} in the scene graph only while {@code t} is selected, {@code placeholder} in its place
     * otherwise. A hidden tab's nodes stayed in the scene, and JavaFX walks every node's bounds in each pulse in which
     * anything changed: the workspaces made ahead were 1,512 of the ~3,200 nodes each live frame's pulse visited
     * (issue #23). Taken out, a workspace keeps its nodes and state; back in, it is restyled and laid out in that
     * pulse (its skins stay): 15-48 ms of FX CPU under load, Train's the most (PERFORMANCE.md, part 9).
     */
    private static void inSceneWhileSelected(Tab t, java.util.function.Supplier<? extends javafx.scene.Node> content,
            javafx.scene.Node placeholder) {
        javafx.scene.Node[] focused = new javafx.scene.Node[1]; // what had the keys when the tab was left
        t.selectedProperty().addListener((o, was, selected) -> {
            javafx.scene.Node body = content.get();
            if (!selected) {
                focused[0] = focusOwnerWithin(body);
            }
            javafx.scene.Node shown = selected ? body : placeholder;
            if (t.getContent() != shown) {
                t.setContent(shown);
            }
            javafx.scene.Node back = focused[0];
            if (selected && back != null) {
                focused[0] = null;
                // back to the node that had the keys (a shortcut or menu switched tabs); not while the tab headers
                // have them, where the arrow keys move between tabs
                javafx.application.Platform.runLater(() -> {
                    javafx.scene.Scene scene = back.getScene();
                    if (scene != null && !(scene.getFocusOwner() instanceof TabPane)) {
                        back.requestFocus();
                    }
                });
            }
        });
    }

    /** The scene's focus owner when it lies inside {@code root}, else null. */
    private static javafx.scene.Node focusOwnerWithin(javafx.scene.Node root) {
        javafx.scene.Scene scene = root.getScene();
        for (javafx.scene.Node n = scene == null ? null : scene.getFocusOwner(); n != null; n = n.getParent()) {
            if (n == root) {
                return scene.getFocusOwner();
            }
        }
        return null;
    }

    /**
     * Once a run has finished, the workspaces not opened yet are made one at a time, each after {@link #PREBUILD_IDLE}
     * with no run going on: opening one later costs no construction or CSS pass (a few hundred ms each), and
     * building them never competes with a run or the start-up.
     */
    private void prebuildWhenIdle() {
        javafx.animation.PauseTransition idle = new javafx.animation.PauseTransition(PREBUILD_IDLE);
        idle.setOnFinished(e -> {
            if (session.busyProperty().get()) {
                idle.playFromStart();
                return;
            }
            Runnable next = toPrebuild.poll();
            if (next != null) {
                next.run();
                idle.playFromStart();
            }
        });
        session.runsShownProperty().addListener((o, a, b) -> idle.playFromStart());
    }

    private WalkthroughWorkspace newWalkthrough() {
        return withModel(new WalkthroughWorkspace(analysis, this::showError, this::analysisText,
                () -> session.sampling().settings(0)));
    }

    private <W extends WorkspacePane> W withModel(W w) {
        LoadedModel m = session.modelProperty().get();
        if (m != null) {
            w.setModel(m);
        }
        return w;
    }

    private HeadsWorkspace newHeads() {
        HeadsWorkspace w = withModel(new HeadsWorkspace(analysis, this::showError, this::analysisText, ablation));
        w.ablationMode.setValue(ablation.get().mode()); // as if it had followed the set's changes since the model loaded
        session.attach(w.controller());
        return w;
    }

    private TrainWorkspace newTrain() {
        TrainWorkspace w = new TrainWorkspace(this::showError, (dir, promptText) -> {
            selectWorkspace(0); // first: loading stops what the shown workspace runs
            prompt.prompt.setText(promptText);
            openModel(dir);
        });
        w.presenting.bind(presenting);
        session.attach(w.controller());
        session.trainingPart().attach(w::sessionOptions, o -> {
            try {
                w.restoreSession(o);
            } catch (IllegalArgumentException e) {
                showError(I18n.text("walkthrough.session.trainingRefused", e.getMessage()));
            }
        });
        return w;
    }

    private SearchWorkspace newSearch() {
        return new SearchWorkspace(this::showError, dir -> {
            selectWorkspace(0); // as Train's "Open in explorer"
            openModel(dir);
        });
    }

    private ContextWorkspace newContext() {
        ContextWorkspace w = withModel(new ContextWorkspace(analysis, this::showError, this::analysisText));
        session.contextPart().attach(w::sessionState, w::restore);
        return w;
    }

    private RoutingWorkspace newRouting() {
        RoutingWorkspace w = withModel(new RoutingWorkspace(analysis, this::showError, this::analysisText));
        session.routingPart().attach(w::sessionState, w::restore);
        ExploreSession.Routes last = session.routesProperty().get();
        if (last != null) {
            w.showLive(last.model(), last.tokens(), last.hops());
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

    /** The state and work the window shows. */
    public ExploreSession session() { return session; }

    /** Shows workspace {@code index} (0 Explore, 1 Heads, 2 Context lab, 3 Routing, 4 Train, 5 Walkthrough, 6 Search). */
    public void selectWorkspace(int index) {
        if (index >= 0 && index < workspaces.getTabs().size()) {
            workspaces.getSelectionModel().select(index);
        }
    }

    public ReadOnlyObjectProperty<LoadedModel> modelProperty() { return session.modelProperty(); }

    public ReadOnlyObjectProperty<RunOutcome> lastRunProperty() { return session.lastRunProperty(); }

    /** Incremented each time a finished run's views (grid, lens) are on screen. */
    public ReadOnlyIntegerProperty runsShownProperty() { return session.runsShownProperty(); }

    private void showEmpty(String text) {
        emptyState.setText(text);
        emptyState.setVisible(true);
        explorer.setVisible(false);
    }

    private void showModel(LoadedModel m) {
        var c = m.config();
        StringBinding layers = m.isSeq2Seq() ? I18n.bind("main.seq2seqLayers", m.seq2seq().encoderLayers(), c.layers())
                : I18n.bind("main.layers", c.layers());
        String params = String.format(Locale.ROOT, "%,d", m.model().parameterCount());
        modelInfo.textProperty().bind(Bindings.createStringBinding(() -> I18n.text("main.modelInfo",
                m.name(), m.format(), layers.get(), c.heads(), params), layers));
        Texts.bind(generate, m.isDecoder() || m.isSeq2Seq() ? "main.generate" : "main.encode");
        explorer.setLensNote(isEncoder(m) ? I18n.text("teach.lens.encoder") : null);
        emptyState.setVisible(false);
        explorer.setVisible(true);
        refreshPromptChips();
    }

    private void showRun(ExploreSession.ShownRun r) {
        Tokenizer tok = r.model().tokenizer();
        explorer.show(r.grid());
        explorer.showLensReading(); // the lens follows the grid (ExploreSession.shownLensProperty)
        explorer.showAblation(tok, r.outcome().ablation());
        prompt.showTokens(tok, r.outcome().tokens(), r.userPromptLength());
        prompt.showSurprisal(r.surprisal(), r.expected());
        explorer.showSurprisal(r.surprisal());
    }

    private void showSeq2Seq(Seq2SeqRuns.Shown r) {
        Seq2SeqModel.Decoded d = r.decoded();
        Tokenizer tok = r.model().tokenizer();
        int[] all = new int[d.source().length + d.output().length];
        System.arraycopy(d.source(), 0, all, 0, d.source().length);
        System.arraycopy(d.output(), 0, all, d.source().length, d.output().length);
        prompt.showTokens(tok, all, d.source().length);
        prompt.output.setText(tok.decode(d.output()));
        explorer.show(r.grid());
    }

    /** Opens a model file or folder from disk, remembers it and selects it. */
    public void openModel(Path path) {
        session.openModel(path);
    }

    /** File ▸ Get model…: downloads a model by name from the Hugging Face Hub, then opens it. */
    GetModelDialog showGetModel() {
        GetModelDialog d = new GetModelDialog(getScene().getWindow(), hub, session::openModel);
        d.show();
        return d;
    }

    void chooseFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle(I18n.text("main.openFileTitle"));
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(I18n.text("main.filterModels"), "*.bin", "*.gguf",
                        "*.safetensors", "*.onnx"),
                new FileChooser.ExtensionFilter(I18n.text("session.filter"), "*" + SessionFiles.EXTENSION),
                new FileChooser.ExtensionFilter(I18n.text("main.filterAll"), "*"));
        File f = fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            open(f.toPath());
        }
    }

    /**
     * Opens a session ({@code .glassbox}) or a model file or folder; anything else is a message saying why not. The
     * future completes once what {@code path} is has been told.
     */
    public java.util.concurrent.CompletableFuture<OpenTarget> open(Path path) {
        return openWhenTold(() -> OpenTarget.of(path));
    }

    /** Tells what {@code target} is on the file thread (that reads a folder's config or marker files), then opens it. */
    private java.util.concurrent.CompletableFuture<OpenTarget> openWhenTold(java.util.function.Supplier<OpenTarget> target) {
        return FileWrites.submit(target::get, this::open, e -> showError(ErrorMessages.describe(I18n.locale(), e)));
    }

    /** Opens what File > Open picked, a drop brought or the command line named. */
    public void open(OpenTarget target) {
        switch (target) {
            case OpenTarget.Session s -> openSession(s.file());
            case OpenTarget.Model m -> openModel(m.path());
            case OpenTarget.Refused r -> showError(r.reason());
        }
    }

    /**
     * Restores the session saved in {@code file} (and shows its lesson, if it is one); a bad file is an error shown.
     * The file is read on the file thread, after any save asked before; the session opens on the FX thread. The
     * future completes when the file is read (or failed).
     */
    public java.util.concurrent.CompletableFuture<SessionFile> openSession(Path file) {
        session.statusText(I18n.text("session.opening", file.getFileName()));
        return FileWrites.submit(() -> SessionFiles.read(file), session::open,
                e -> showError(I18n.text("session.openFailed", e.getMessage())));
    }

    /**
     * Saves this session's state to {@code file} (atomically, off the FX thread: the state is taken here); a failure
     * is an error shown. The future completes when the file is written.
     */
    public java.util.concurrent.CompletableFuture<Path> saveSession(Path file) {
        SessionFile state = SessionFile.of(session.capture());
        session.statusText(I18n.text("session.saving", file.getFileName()));
        return FileWrites.submit(() -> {
            SessionFiles.write(file, state);
            return file;
        }, saved -> session.statusText(I18n.text("session.saved", saved.getFileName())),
                e -> showError(I18n.text("session.saveFailed", file, e.getMessage())));
    }

    /** A head view's export: its progress on the status line, Esc cancels it. */
    private void showExport(javafx.concurrent.Task<?> export, String doneText, String cancelledText) {
        session.showFileTask(export, doneText, cancelledText);
    }

    /** Ctrl+S: asks where to save the session. */
    void chooseSessionToSave() {
        FileChooser fc = new FileChooser();
        fc.setTitle(I18n.text("session.save"));
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(I18n.text("session.filter"), "*" + SessionFiles.EXTENSION));
        File f = fc.showSaveDialog(getScene().getWindow());
        if (f != null) {
            Path p = f.toPath();
            saveSession(SessionFiles.isSession(p) ? p : p.resolveSibling(p.getFileName() + SessionFiles.EXTENSION));
        }
    }

    private void chooseFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(I18n.text("main.openFolderTitle"));
        File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            openModel(f.toPath());
        }
    }

    private void showGuide() {
        var guide = ModelGuide.of(session.selectedProperty().get());
        modelGuide.setText(guide.map(ModelGuide::line).orElse(""));
        modelGuide.setVisible(guide.isPresent() && !presenting.get());
    }

    /** The prompt's chips follow each keystroke, tokenised off the FX thread (only the newest text is). */
    private void refreshPromptChips() {
        LoadedModel m = session.modelProperty().get();
        String text = prompt.prompt.getText();
        if (m == null) {
            prompt.showUnknownWarning(null);
            return;
        }
        promptTokeniser.submit(() -> {
            int[] ids = m.tokenizer().encode(text);
            String warning = UnknownTokens.warning(m, text);
            javafx.application.Platform.runLater(() -> {
                if (session.modelProperty().get() == m && prompt.prompt.getText().equals(text)) {
                    prompt.showTokens(m.tokenizer(), ids, ids.length);
                    prompt.showUnknownWarning(warning);
                }
            });
        });
    }

    /** The text workspaces analyse: the last generated text when it continues the current prompt, else the prompt. */
    String analysisText() {
        return session.analysisText(prompt.output.getText());
    }

    /** Ctrl+Enter: generate in Explore, or start the shown workspace's run. */
    public void runShown() {
        if (trainShown()) {
            train.get().start();
        } else if (workspaces.getSelectionModel().getSelectedItem() == searchTab) {
            search.get().start();
        } else if (workspaces.getSelectionModel().getSelectedItem().getContent() instanceof WorkspacePane w) {
            if (!w.run.isDisabled()) {
                w.runNow();
            }
        } else {
            generate();
        }
    }

    public void generate() {
        session.generate();
    }

    /** One more token after the last run (or after the prompt when it changed). */
    public void step() {
        session.step();
    }

    /** Restores every ablated head (Clear, Ctrl+Shift+A). */
    public void clearAblation() {
        ablation.clear();
    }

    /** Stops the explorer's run and any workspace computation (Esc). */
    public void stop() {
        session.stop();
    }

    private boolean trainShown() {
        return workspaces.getSelectionModel().getSelectedItem() == trainTab;
    }

    /** F1: shows or hides the "What am I seeing?" panel of the shown workspace. */
    public void toggleExplanation() {
        javafx.scene.Node shown = workspaces.getSelectionModel().getSelectedItem().getContent();
        if (workspaces.getSelectionModel().getSelectedIndex() == 0) {
            explorer.explanation().flip();
        } else if (shown instanceof Explanation.Explained e) {
            e.explanation().flip();
        }
    }

    /** Ctrl+P: pauses or resumes training when the Train workspace is shown. */
    public void togglePauseTraining() {
        if (trainShown()) {
            train.get().togglePause();
        }
    }

    private void updateEnabled() {
        LoadedModel m = session.modelProperty().get();
        boolean busy = session.busyProperty().get();
        generate.setDisable(m == null || busy);
        step.setDisable(m == null || busy || !m.isDecoder());
        stop.setDisable(!busy);
        sampling.setDisable(m != null && isEncoder(m)); // an encoder samples nothing: it reads the text once
    }

    /** An encoder-only model (MiniLM, bge): no next-token head, so no sampling and no logit lens. */
    static boolean isEncoder(LoadedModel m) {
        return !m.isDecoder() && !m.isSeq2Seq();
    }

    public void showError(String message) {
        session.showError(message);
    }

    /** Scales every font, the views' canvas text included (Ctrl+plus / Ctrl+minus). */
    void zoom(double factor) {
        fontSize = Math.max(8, Math.min(32, fontSize * factor));
        applyZoom();
    }

    private void applyZoom() {
        double px = fontSize * (presenting.get() ? PRESENTATION_SCALE : 1);
        setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", px));
        Theme.textScaleProperty().set(px / BASE_FONT_PX);
    }

    private void applyTheme(Theme t) {
        getStylesheets().setAll(AppStyle.url(t));
    }

    /** The View menu and the theme and prompt toggles beside it, all remembered. */
    private void buildViewControls() {
        viewMenu.setId("viewMenu");
        Texts.bind(viewMenu, "view.menu");
        ToggleGroup themes = new ToggleGroup();
        RadioMenuItem dark = new RadioMenuItem();
        dark.textProperty().bind(I18n.bind("view.themeDark"));
        RadioMenuItem light = new RadioMenuItem();
        light.textProperty().bind(I18n.bind("view.themeLight"));
        dark.setToggleGroup(themes);
        light.setToggleGroup(themes);
        lightTheme.setId("themeToggle");
        Texts.bind(lightTheme, "view.light");
        HoverTips.installText(lightTheme, "view.lightTip");
        lightTheme.setSelected(Theme.current() == Theme.LIGHT);
        light.selectedProperty().bindBidirectional(lightTheme.selectedProperty());
        dark.setSelected(!light.isSelected());
        lightTheme.selectedProperty().addListener((o, a, on) -> {
            dark.setSelected(!on);
            display.chooseTheme(on ? Theme.LIGHT : Theme.DARK);
        });
        promptShown.setId("promptToggle");
        Texts.bind(promptShown, "view.prompt");
        HoverTips.installText(promptShown, "view.promptTip");
        promptShown.setSelected(!display.promptCollapsed());
        promptShown.selectedProperty().addListener((o, a, on) -> display.setPromptCollapsed(!on));
        CheckMenuItem showPrompt = new CheckMenuItem();
        showPrompt.textProperty().bind(I18n.bind("view.showPrompt"));
        showPrompt.selectedProperty().bindBidirectional(promptShown.selectedProperty());
        MenuItem zoomIn = new MenuItem();
        zoomIn.textProperty().bind(I18n.bind("view.zoomIn"));
        zoomIn.setOnAction(e -> zoom(1.1));
        MenuItem zoomOut = new MenuItem();
        zoomOut.textProperty().bind(I18n.bind("view.zoomOut"));
        zoomOut.setOnAction(e -> zoom(1 / 1.1));
        MenuItem present = new MenuItem();
        present.setId("presentItem");
        present.textProperty().bind(I18n.bind("view.present"));
        present.setOnAction(e -> togglePresentation());
        viewMenu.getItems().addAll(dark, light, new javafx.scene.control.SeparatorMenuItem(), showPrompt,
                new javafx.scene.control.SeparatorMenuItem(), zoomIn, zoomOut, present);
    }

    private void hideWhilePresenting(javafx.scene.Node n) {
        n.managedProperty().bind(n.visibleProperty());
        n.visibleProperty().bind(presenting.not());
    }

    /** Whether presentation mode is on (F5). */
    boolean presenting() {
        return presenting.get();
    }

    /** F5: presentation mode on or off. */
    void togglePresentation() {
        if (presenting.get()) {
            endPresentation();
        } else {
            startPresentation();
        }
    }

    /**
     * Presentation mode: the editing controls hidden, the window full screen and its text {@link #PRESENTATION_SCALE}
     * times larger; {@link #endPresentation} restores all of it.
     */
    void startPresentation() {
        if (presenting.get() || getScene() == null || !(getScene().getWindow() instanceof Stage stage)) {
            return;
        }
        wasFullScreen = stage.isFullScreen();
        savedExitHint = stage.getFullScreenExitHint();
        savedExitKey = stage.getFullScreenExitKeyCombination();
        presenting.set(true);
        applyZoom();
        stage.setFullScreenExitHint(I18n.text("view.presentHint"));
        stage.setFullScreenExitKeyCombination(KeyCombination.NO_MATCH); // Esc is ours: it ends the presentation
        stage.setFullScreen(true);
        stage.fullScreenProperty().addListener(fullScreenWatch);
    }

    /** Esc in presentation mode: the controls, full-screen state and text size as they were before it. */
    void endPresentation() {
        if (!presenting.get()) {
            return;
        }
        presenting.set(false);
        applyZoom();
        if (getScene() != null && getScene().getWindow() instanceof Stage stage) {
            stage.fullScreenProperty().removeListener(fullScreenWatch);
            stage.setFullScreen(wasFullScreen);
            stage.setFullScreenExitHint(savedExitHint);
            stage.setFullScreenExitKeyCombination(savedExitKey);
        }
    }
}
