package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.IdleText;
import dev.glassbox.app.service.KnowledgeSettings;
import dev.glassbox.app.service.TrainingController;
import dev.glassbox.app.service.TrainingRun;
import dev.glassbox.app.service.TrainingSettings;
import dev.glassbox.app.service.TrainingSource;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.EncoderObjective;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.visuals.AttentionGrid;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.chart.LinePlot;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Train a tiny transformer live (after TensorFlow Playground): pick a task or a text file and a shape, press
 * Start, and watch the train and validation loss fall while the attention grid of the model being trained, read
 * on a fixed probe row of the task, changes every few steps. The form is laid out and read here; the run (start,
 * Pause and Stop after the step in progress, saving, "Open in explorer") belongs to a {@link TrainingController}.
 */
final class TrainWorkspace extends BorderPane implements Explanation.Explained {
    static final String TEXT_FILE = "text-file";
    static final String CAUSAL = "causal";

    final ComboBox<String> task = new ComboBox<>();
    /** causal (the decoder trainer) or an encoder objective, spelt as train --objective. */
    final ChoiceBox<String> objective = new ChoiceBox<>(); // a ChoiceBox redraws its label when the language changes
    final MaskedPredictionsView masked = new MaskedPredictionsView();
    final Button chooseFile = Texts.bind(new Button(), "train.choose");
    final Label dataError = new Label();
    final SettingField layers = new SettingField("trainLayers", "train.layers", "2", "train.layersTip");
    final SettingField heads = new SettingField("trainHeads", "train.heads", "4", "train.headsTip");
    final SettingField kvHeads = new SettingField("trainKvHeads", "train.kvHeads", "4", "train.kvHeadsTip");
    final SettingField dim = new SettingField("trainDim", "train.dim", "64", "train.dimTip");
    final SettingField hidden = new SettingField("trainHidden", "train.hidden", "0", "train.hiddenTip");
    final CheckBox attentionOnly = Texts.bind(new CheckBox(), "train.attentionOnly");
    final CheckBox tied = Texts.bind(new CheckBox(), "train.tied");
    final SettingField seq = new SettingField("trainSeq", "train.seq", "32", "train.seqTip");
    final SettingField batch = new SettingField("trainBatch", "train.batch", "32", "train.batchTip");
    final SettingField lr = new SettingField("trainLr", "train.lr", "3e-3", "train.lrTip");
    final SettingField weightDecay = new SettingField("trainWeightDecay", "train.weightDecay", "0", "train.weightDecayTip");
    final SettingField steps = new SettingField("trainSteps", "train.steps", "800", "train.stepsTip");
    final SettingField seed = new SettingField("trainSeed", "train.seed", "1", "train.seedTip");
    final Label formError = new Label();
    final TrainOptionsPane options = new TrainOptionsPane();
    /** MLM only: the knowledge base, injection and held-out facts (train --knowledge). */
    final KnowledgePane knowledge = new KnowledgePane(this::setTextFile);
    /** A knowledge run's held-out fact score at its latest evaluation step, above the loss curve. */
    final Label facts = new Label();

    final Button start = Texts.bind(new Button(), "train.start");
    final Button pause = Texts.bind(new Button(), "train.pause");
    final Button resume = Texts.bind(new Button(), "train.resume");
    final Button stop = Texts.bind(new Button(), "train.stop");
    final Button openInExplorer = Texts.bind(new Button(), "train.openInExplorer");
    final Button saveAs = Texts.bind(new Button(), "train.save");
    final ProgressBar progress = new ProgressBar(0);
    final Label status = new Label(I18n.text("train.pick"));
    final Label lossLabel = new Label(I18n.text("train.lossNone"));
    final LinePlot plot = new LinePlot();
    final Explanation explanation = new Explanation("train", "loss", "heads", "options");
    final AttentionGrid grid = new AttentionGrid();
    final AttentionHeatmap heatmap = new AttentionHeatmap();
    final Label headTitle = new Label();
    final Label probeLabel = new Label();
    /** The settings form's scroll pane (vertical only: it is as wide as the form's widest row). */
    final ScrollPane formScroll = new ScrollPane();
    /** The settings form | the views. */
    private final SplitPane formSplit = new SplitPane();
    /** The form's divider before a larger text pushed it out ({@link #fitFormWidth}); NaN when not pushed. */
    private double dividerBeforeWidening = Double.NaN;
    /** The form's vertical scroll bar once its skin exists ({@link #formBar}). */
    private javafx.scene.control.ScrollBar formVerticalBar;
    /** The loss plot | the attention views. */
    private final SplitPane viewSplit = new SplitPane();
    private ScrollPane gridScroll;
    /** The least share of the views' column the loss plot keeps while presenting ({@link #fitGridRows}). */
    static final double LEAST_PLOT_SHARE = 0.25;
    /** Presentation mode is on (bound to the window's): the grid's rows are fitted ({@link #fitGridRows}). */
    final javafx.beans.property.BooleanProperty presenting = new javafx.beans.property.SimpleBooleanProperty(this,
            "presenting", false);
    /** The plot's divider before presentation mode moved it; NaN when not moved. */
    private double plotDividerBeforePresenting = Double.NaN;

    private final TrainingController controller;
    private Path textFile;
    private GridContent attention;
    private int openRow = -1;
    private int openCol = -1;

    /** @param openModel opens a saved checkpoint in the explorer with a prompt from the task */
    TrainWorkspace(Consumer<String> onError, BiConsumer<Path, String> openModel) {
        this.controller = new TrainingController(onError, openModel);
        setId("train");
        setPadding(new Insets(4));
        ids();
        tooltips();
        for (SyntheticTask t : SyntheticTask.values()) {
            task.getItems().add(t.name().toLowerCase(Locale.ROOT));
        }
        task.getItems().add(TEXT_FILE);
        Texts.names(task.converterProperty(), t -> TEXT_FILE.equals(t) ? I18n.text("train.textFile") : t);
        task.setValue("induction");
        task.valueProperty().addListener((o, a, b) -> {
            dataError.setText("");
            if (TEXT_FILE.equals(b) && textFile == null) {
                Platform.runLater(this::chooseTextFile);
            }
        });
        chooseFile.setOnAction(e -> chooseTextFile());
        objective.getItems().add(CAUSAL);
        for (EncoderObjective o : EncoderObjective.values()) objective.getItems().add(o.spelling());
        Texts.names(objective.converterProperty(), o -> I18n.text("train.objective." + o));
        objective.setValue(CAUSAL);
        objective.setId("trainObjective");
        objective.setTooltip(Texts.tooltip("train.objectiveTip"));
        attentionOnly.setSelected(true);
        tied.setSelected(false);
        options.preset.valueProperty().addListener((o, a, b) -> {
            if (TrainOptionsPane.GPT2.equals(b)) {
                fitGpt2();
            }
        });
        start.setOnAction(e -> start());
        pause.setOnAction(e -> pause());
        resume.setOnAction(e -> resume());
        stop.setOnAction(e -> stop());
        openInExplorer.setOnAction(e -> controller.openInExplorer());
        saveAs.setOnAction(e -> saveAs());
        bindToController();
        progress.setPrefWidth(180);
        Texts.onLocale(() -> plot.setAxisLabels(I18n.text("train.stepAxis"), I18n.text("train.lossAxis")));
        plot.setMinSize(300, 140); // at 1280 x 720 under the prompt, 180 pushed the grid's key under the status bar
        heatmap.setPrefSize(300, 300);
        grid.setOnOpen((r, c, m) -> openHead(r, c, m));

        var bar = ToolRow.of(explanation.toggle(), start, pause, resume, stop, new Separator(), progress, status,
                new Separator(),
                lossLabel, new Separator(), openInExplorer, saveAs);
        VBox top = new VBox(bar, formError);
        SettingField.styleAsError(formError);
        formError.setWrapText(true);
        formError.managedProperty().bind(formError.textProperty().isNotEmpty());
        setTop(top);
        ScrollPane form = formScroll;
        form.setContent(form());
        form.setFitToWidth(true);
        form.setPrefWidth(420);
        form.setMinWidth(300); // then as wide as the form's rows (fitFormWidth)
        form.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);

        BorderPane gridPane = GridPanes.withKeyUnder(grid, "trainGridLegend");
        gridScroll = (ScrollPane) gridPane.getCenter();
        // one line (the rest in its tooltip): wrapped, the probe's 32 tokens took four lines of the grid's pane
        // in presentation mode at 1280 x 720
        probeLabel.setWrapText(false);
        Tooltip probeTip = new Tooltip();
        probeTip.textProperty().bind(probeLabel.textProperty());
        probeTip.setWrapText(true);
        probeTip.setMaxWidth(600);
        probeLabel.setTooltip(probeTip);
        probeLabel.setPadding(new Insets(2, 4, 2, 4));
        gridPane.setTop(probeLabel);
        BorderPane headPane = new BorderPane(heatmap);
        IdleText.show(headTitle.textProperty(), "train.clickHead");
        headTitle.getStyleClass().add("view-title");
        headTitle.setPadding(new Insets(2, 4, 2, 4));
        headPane.setTop(headTitle);
        SplitPane attentionSplit = new SplitPane(gridPane, headPane);
        attentionSplit.setDividerPositions(0.55);
        BorderPane plotPane = new BorderPane(plot);
        plotPane.setTop(facts);
        SplitPane right = viewSplit;
        right.getItems().setAll(plotPane, attentionSplit);
        objective.valueProperty().addListener((o, a, b) -> {
            boolean encoder = !CAUSAL.equals(b);
            right.getItems().set(1, encoder ? masked : attentionSplit); // an encoder shows its masked tokens instead
            if (encoder && !TEXT_FILE.equals(task.getValue()) && !"stories".equals(task.getValue())) {
                task.setValue("stories");
            }
            updateEnabled();
        });
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.4);
        formSplit.getItems().setAll(form, right);
        formSplit.setDividerPositions(0.27);
        SplitPane.setResizableWithParent(form, false);
        setCenter(formSplit);
        setRight(explanation);
        updateEnabled();
        presenting.addListener((o, was, on) -> {
            if (!on && !Double.isNaN(plotDividerBeforePresenting)) {
                viewSplit.setDividerPositions(plotDividerBeforePresenting);
                plotDividerBeforePresenting = Double.NaN;
            }
            requestLayout();
        });
    }

    @Override
    public Explanation explanation() { return explanation; }

    @Override
    protected void layoutChildren() {
        fitFormWidth();
        super.layoutChildren();
        fitGridRows();
    }

    /**
     * While presenting, moves the loss plot's divider up until the attention grid shows all its rows (the plot
     * keeps at least {@link #LEAST_PLOT_SHARE} of the column): at 1.5 x text on a 1280 x 720 projector the grid of
     * the defaults' 2-layer model showed ~1.5 rows. Leaving presentation mode puts the divider back.
     */
    private void fitGridRows() {
        if (!presenting.get() || viewSplit.getItems().size() < 2 || viewSplit.getHeight() <= 0
                || !grid.isVisible() || grid.getScene() == null) {
            return;
        }
        double missing = grid.prefHeight(-1) - gridScroll.getViewportBounds().getHeight();
        double at = viewSplit.getDividerPositions()[0];
        double to = Math.max(LEAST_PLOT_SHARE, at - missing / viewSplit.getHeight());
        if (missing > 0.5 && to < at - 0.002) {
            if (Double.isNaN(plotDividerBeforePresenting)) {
                plotDividerBeforePresenting = at;
            }
            viewSplit.setDividerPositions(to);
        }
    }

    /**
     * The form's vertical scroll bar, looked up once its skin has made it (this runs at every layout: during training
     * the plot lays the workspace out several times a second, and the look-up walks the whole form).
     */
    private java.util.Optional<javafx.scene.control.ScrollBar> formBar() {
        if (formVerticalBar == null) {
            for (javafx.scene.Node n : formScroll.lookupAll(".scroll-bar")) {
                if (n instanceof javafx.scene.control.ScrollBar b && b.getOrientation() == Orientation.VERTICAL
                        && b.getParent() == formScroll) { // the pane's own, not one inside the form
                    formVerticalBar = b;
                }
            }
        }
        return java.util.Optional.ofNullable(formVerticalBar);
    }

    /**
     * Keeps the form's pane at least as wide as the form's widest row and its scroll bar (at most half the workspace),
     * so the split's divider moves out rather than the form scrolling sideways: at presentation mode's text size on a
     * 1280 x 720 projector it was cut at "causal (next" and "attention-o…". When the text shrinks again (leaving
     * presentation mode, Ctrl+minus) a divider the wider form had pushed goes back where it was (it stayed out).
     */
    private void fitFormWidth() {
        if (!(formScroll.getContent() instanceof javafx.scene.layout.Region content)) {
            return;
        }
        double bar = formBar().map(b -> b.prefWidth(-1)).orElse(0.0);
        Insets in = formScroll.getInsets();
        double need = Math.ceil(content.prefWidth(-1) + in.getLeft() + in.getRight() + Math.max(bar, 12) + 2);
        double min = Math.max(300, Math.min(need, getWidth() * 0.5));
        double was = formScroll.getMinWidth();
        if (Math.abs(was - min) > 0.5) {
            double shown = formScroll.getWidth();
            if (min > was && shown < min - 0.5 && Double.isNaN(dividerBeforeWidening)) {
                dividerBeforeWidening = formSplit.getDividerPositions()[0];
            } else if (min < was && !Double.isNaN(dividerBeforeWidening)) {
                if (shown <= was + 1) { // still where the wider form pushed it, not dragged further since
                    formSplit.setDividerPositions(dividerBeforeWidening);
                }
                dividerBeforeWidening = Double.NaN;
            }
            formScroll.setMinWidth(min);
        }
    }

    private void bindToController() {
        status.textProperty().bind(controller.statusProperty());
        progress.progressProperty().bind(controller.progressProperty());
        lossLabel.setText(controller.lossTextProperty().get());
        facts.textProperty().bind(controller.factTextProperty());
        controller.lossCurvesProperty().addListener((o, a, curves) -> plot.setSeries(curves));
        controller.attentionProperty().addListener((o, a, g) -> {
            if (g != null) {
                showAttention(g);
            }
        });
        controller.dataErrorProperty().addListener((o, a, text) -> {
            if (!text.isEmpty()) {
                dataError.setText(text);
            }
        });
        controller.maskedProperty().addListener((o, a, v) -> masked.show(v));
        controller.encoderMetricsProperty().addListener((o, a, m) -> updateMetrics());
        controller.lossTextProperty().addListener((o, a, m) -> updateMetrics());
        controller.runningProperty().addListener((o, a, b) -> updateEnabled());
        controller.pauseRequestedProperty().addListener((o, a, b) -> updateEnabled());
        controller.framesShownProperty().addListener((o, a, b) -> updateEnabled());
    }

    /** The loss label: the losses, and an encoder run's accuracies after them. */
    private void updateMetrics() {
        String m = controller.encoderMetricsProperty().get();
        lossLabel.setText(controller.lossTextProperty().get() + (m.isEmpty() ? "" : "  " + m));
    }

    /** True when the objective picker asks for an encoder (MLM, NSP or RTD). */
    boolean encoderObjective() {
        return !CAUSAL.equals(objective.getValue());
    }

    private void ids() {
        task.setId("trainTask");
        chooseFile.setId("trainChooseFile");
        dataError.setId("trainTaskError");
        SettingField.styleAsError(dataError);
        dataError.setWrapText(true);
        attentionOnly.setId("trainAttentionOnly");
        tied.setId("trainTied");
        formError.setId("trainFormError");
        start.setId("trainStart");
        pause.setId("trainPause");
        resume.setId("trainResume");
        stop.setId("trainStop");
        openInExplorer.setId("trainOpenInExplorer");
        saveAs.setId("trainSaveAs");
        progress.setId("trainProgress");
        status.setId("trainStatus");
        lossLabel.setId("trainLoss");
        plot.setId("trainLossPlot");
        grid.setId("trainAttentionGrid");
        heatmap.setId("trainHeatmap");
        facts.setId("trainFacts");
        facts.setWrapText(true);
        facts.setPadding(new Insets(2, 4, 2, 4));
        facts.managedProperty().bind(facts.textProperty().isNotEmpty());
        facts.setTooltip(Texts.tooltip("train.factsTip"));
    }

    private void tooltips() {
        task.setTooltip(Texts.tooltip("train.taskTip"));
        chooseFile.setTooltip(Texts.tooltip("train.chooseTip"));
        attentionOnly.setTooltip(Texts.tooltip("train.attentionOnlyTip"));
        tied.setTooltip(Texts.tooltip("train.tiedTip"));
        start.setTooltip(Texts.tooltip("train.startTip"));
        pause.setTooltip(Texts.tooltip("train.pauseTip"));
        resume.setTooltip(Texts.tooltip("train.resumeTip"));
        stop.setTooltip(Texts.tooltip("train.stopTip"));
        openInExplorer.setTooltip(Texts.tooltip("train.openTip"));
        saveAs.setTooltip(Texts.tooltip("train.saveTip"));
        progress.setTooltip(Texts.tooltip("train.progressTip"));
        lossLabel.setTooltip(MetricTexts.definitions("train_loss", "val_loss", "balance", "orth"));
    }

    private VBox form() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        g.setPadding(new Insets(6));
        int r = 0;
        g.add(section("train.data"), 0, r++, 3, 1);
        Label dataName = Texts.label("train.task");
        dataName.setLabelFor(task);
        g.addRow(r++, dataName, new HBox(4, task, chooseFile), dataError);
        Label objectiveName = Texts.label("train.objective");
        objectiveName.setLabelFor(objective);
        g.addRow(r++, objectiveName, objective);
        knowledge.visibleProperty().bind(objective.valueProperty().isEqualTo(EncoderObjective.MLM.spelling()));
        knowledge.managedProperty().bind(knowledge.visibleProperty());
        g.add(knowledge, 0, r++, 3, 1);
        g.add(section("train.architecture"), 0, r++, 3, 1);
        for (SettingField f : List.of(layers, heads, kvHeads, dim, hidden)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        g.add(attentionOnly, 1, r++, 2, 1);
        g.add(tied, 1, r++, 2, 1);
        g.add(section("train.training"), 0, r++, 3, 1);
        for (SettingField f : List.of(seq, batch, lr, weightDecay, steps, seed)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        Label keys = Texts.label("train.keys");
        keys.getStyleClass().add("grid-header");
        keys.setPadding(new Insets(0, 6, 6, 6));
        VBox column = new VBox(4, g, options, keys); // the options take the column's full width
        column.setFillWidth(true);
        return column;
    }

    /** A section title with the text of bundle key {@code key}. */
    private static Label section(String key) {
        Label l = Texts.label(key);
        l.getStyleClass().add("view-title");
        l.setPadding(new Insets(6, 0, 0, 0));
        return l;
    }

    /** Incremented each time a frame of progress is on screen. */
    ReadOnlyIntegerProperty framesShownProperty() { return controller.framesShownProperty(); }

    /** The run and its saving, which this view shows. */
    TrainingController controller() { return controller; }

    TrainingRun run() { return controller.run(); }

    boolean running() { return controller.running(); }

    private List<SettingField> fields() {
        return List.of(layers, heads, kvHeads, dim, hidden, seq, batch, lr, weightDecay, steps, seed);
    }

    /** Reads and checks the form; null (with a message next to each bad control) when something is not allowed. */
    TrainingSettings readSettings() {
        fields().forEach(SettingField::clear);
        dataError.setText("");
        formError.setText("");
        Integer l = layers.readInt(1, 12);
        Integer h = heads.readInt(1, 16);
        Integer kv = kvHeads.readInt(1, 16);
        Integer d = dim.readInt(8, 512);
        Integer hid = hidden.readInt(0, 4096);
        Integer s = seq.readInt(2, 256);
        Integer b = batch.readInt(1, 256);
        Float rate = lr.readFloat(1e-6f, 1f);
        Float wd = weightDecay.readFloat(0f, 1f);
        Integer n = steps.readInt(1, 1_000_000);
        Long sd = seed.readSeed();
        boolean encoder = encoderObjective();
        // an encoder has learned positions and one key/value head per head: no rotary or grouped-query rule applies
        TrainingSettings.shapeProblems(h, encoder ? h : kv, d, encoder ? BlockDesign.Positions.LEARNED
                : options.design().positions()).forEach(this::show);
        if (TEXT_FILE.equals(task.getValue()) && textFile == null) {
            dataError.setText(I18n.text("train.chooseFirst"));
        } else if (encoder && !TEXT_FILE.equals(task.getValue()) && !"stories".equals(task.getValue())) {
            dataError.setText(I18n.text("train.encoderText"));
        } else if (knowledgeSettings() != null && !TEXT_FILE.equals(task.getValue())) {
            dataError.setText(I18n.text("train.knowledgeText"));
        }
        TrainingSettings.Extras extras = options.read(s, l);
        if (fields().stream().anyMatch(SettingField::failed) || !dataError.getText().isEmpty() || extras == null) {
            return refused();
        }
        TrainingSettings settings = new TrainingSettings(l, h, kv, d, hid, attentionOnly.isSelected(), tied.isSelected(),
                s, b, rate, wd, n, sd, extras);
        var engine = encoder ? java.util.Optional.<TrainingSettings.Problem>empty() : settings.engineProblem();
        if (engine.isPresent()) {
            show(engine.get());
            return refused();
        }
        var memory = settings.memoryProblem(Runtime.getRuntime().maxMemory());
        if (memory.isPresent()) {
            show(memory.get());
            return null;
        }
        return settings;
    }

    /** The form was refused: the options open when one of their values was. */
    private TrainingSettings refused() {
        if (options.failed()) {
            options.setExpanded(true);
        }
        return null;
    }

    /** Shows a refusal next to the control it concerns. */
    private void show(TrainingSettings.Problem p) {
        switch (p.place()) {
            case DIM -> dim.fail(p.message());
            case KV_HEADS -> kvHeads.fail(p.message());
            case BATCH -> batch.fail(p.message());
            case EXPERTS -> options.experts.error.setText(p.message());
            case DESIGN -> options.designError.setText(p.message());
            case FORM -> formError.setText(p.message());
        }
    }

    /** GPT-2 blocks always have an MLP, a tied output head and one key/value head per head. */
    /** The form as a session saves it: each option's text by name. */
    Map<String, String> sessionOptions() {
        Map<String, String> m = new TreeMap<>();
        m.put("task", task.getValue());
        m.put("objective", objective.getValue());
        m.put("attentionOnly", Boolean.toString(attentionOnly.isSelected()));
        m.put("tied", Boolean.toString(tied.isSelected()));
        fields().forEach(f -> m.put(TrainOptionsPane.sessionName(f), f.field.getText()));
        options.saveTo(m);
        knowledge.saveTo(m);
        return m;
    }

    /**
     * Sets every option {@code o} names (the others stay as they are): a synthetic task, the design, then the fields.
     *
     * @throws IllegalArgumentException naming an unknown option or a value it cannot take, before anything changed
     */
    void restoreSession(Map<String, String> o) {
        Map<String, Function<String, Runnable>> setters = new LinkedHashMap<>();
        options.sessionSetters(setters); // first: a GPT-2 preset resets the shape fields named after it
        knowledge.sessionSetters(setters);
        setters.put("task", v -> {
            if (TEXT_FILE.equals(v) || !task.getItems().contains(v)) {
                throw new IllegalArgumentException("task " + v + " is not one of the synthetic tasks "
                        + task.getItems().subList(0, task.getItems().size() - 1));
            }
            return () -> task.setValue(v);
        });
        setters.put("objective", v -> {
            if (!objective.getItems().contains(v)) {
                throw new IllegalArgumentException("objective " + v + " is not one of " + objective.getItems());
            }
            return () -> objective.setValue(v);
        });
        setters.put("attentionOnly", TrainOptionsPane.flag("attentionOnly", attentionOnly));
        setters.put("tied", TrainOptionsPane.flag("tied", tied));
        fields().forEach(f -> setters.put(TrainOptionsPane.sessionName(f), v -> () -> f.field.setText(v)));
        List<String> unknown = o.keySet().stream().filter(k -> !setters.containsKey(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option " + String.join(", ", unknown) + " (known: "
                    + String.join(", ", new TreeMap<>(setters).keySet()) + ")");
        }
        List<Runnable> actions = new ArrayList<>();
        setters.forEach((name, setter) -> {
            if (o.containsKey(name)) {
                actions.add(setter.apply(o.get(name)));
            }
        });
        actions.forEach(Runnable::run);
    }

    private void fitGpt2() {
        attentionOnly.setSelected(false);
        tied.setSelected(true);
        kvHeads.field.setText(heads.field.getText());
    }

    private TrainingSource source() {
        return TEXT_FILE.equals(task.getValue()) ? new TrainingSource.Text(textFile) : new TrainingSource.Task(SyntheticTask.parse(task.getValue()));
    }

    void chooseTextFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle(I18n.text("train.fileTitle"));
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(I18n.text("train.filterText"), "*.txt", "*.md", "*.csv"),
                new FileChooser.ExtensionFilter(I18n.text("main.filterAll"), "*"));
        File f = getScene() == null ? null : fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            setTextFile(f.toPath());
        } else if (textFile == null) {
            task.setValue("induction");
        }
    }

    /** Trains on {@code file} from the next Start. */
    void setTextFile(Path file) {
        textFile = file;
        task.setValue(TEXT_FILE);
        chooseFile.textProperty().unbind(); // the chosen file names itself in every language
        chooseFile.setText(file.getFileName().toString());
        dataError.setText("");
    }

    /** Starts a new run with the form's settings (Start, Ctrl+Enter). */
    void start() {
        if (controller.running()) {
            return;
        }
        TrainingSettings s = readSettings();
        if (s == null) {
            controller.say(I18n.text("train.fixSettings"));
            return;
        }
        attention = null;
        openRow = -1;
        openCol = -1;
        heatmap.setMatrix(null);
        headTitle.setText(I18n.text("train.clickHead"));
        grid.setRows(List.of(), List.of());
        masked.show(null);
        KnowledgeSettings k = knowledgeSettings();
        if (k != null) {
            controller.startKnowledge(new TrainingSource.Text(textFile), s, k);
        } else if (encoderObjective()) {
            controller.startEncoder(source(), s, EncoderObjective.parse("objective", objective.getValue()));
        } else {
            controller.start(source(), s);
        }
    }

    /** The knowledge of the next run: chosen, with the MLM objective (null otherwise). */
    private KnowledgeSettings knowledgeSettings() {
        return EncoderObjective.MLM.spelling().equals(objective.getValue()) ? knowledge.settings() : null;
    }

    void pause() {
        controller.pause();
    }

    void resume() {
        controller.resume();
    }

    /** Ctrl+P. */
    void togglePause() {
        controller.togglePause();
    }

    /** Ends the run after the step in progress (Stop, Esc). */
    void stop() {
        if (controller.running()) {
            controller.stop();
            stop.setDisable(true);
        }
    }

    private void showAttention(GridContent g) {
        attention = g;
        grid.setRows(g.columns(), g.rows());
        probeLabel.setText(I18n.text("train.probe", g.tokenLabels().size(), String.join("", g.tokenLabels())));
        if (openRow < 0 && !g.rows().isEmpty()) {
            openRow = g.rows().size() - 1; // the last layer's first head, where induction heads appear
            openCol = 0;
            grid.select(openRow, openCol);
        }
        if (openRow >= 0 && openRow < g.rows().size() && openCol < g.rows().get(openRow).cells().size()) {
            AttentionMatrix m = g.rows().get(openRow).cells().get(openCol);
            heatmap.setMatrix(m);
            headTitle.setText(m.title());
        }
    }

    private void openHead(int row, int col, AttentionMatrix m) {
        openRow = row;
        openCol = col;
        heatmap.setMatrix(m);
        headTitle.setText(m.title());
    }

    GridContent attention() { return attention; }

    /** The folder of the latest saved checkpoint (null before the first save). */
    Path lastSaved() { return controller.lastSaved(); }

    private void saveAs() {
        if (!controller.canSave() || getScene() == null) {
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(I18n.text("train.saveTitle"));
        File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            save(f.toPath(), false);
        }
    }

    /** Saves the current weights to {@code dir}, then opens them in the explorer when asked. */
    void save(Path dir, boolean open) {
        controller.save(dir, open);
    }

    private void updateEnabled() {
        boolean running = controller.running();
        boolean pauseRequested = controller.pauseRequestedProperty().get();
        boolean anyStep = controller.anyStepProperty().get();
        start.setDisable(running);
        pause.setDisable(!running || pauseRequested);
        resume.setDisable(!running || !pauseRequested);
        stop.setDisable(!running);
        openInExplorer.setDisable(!anyStep);
        saveAs.setDisable(!anyStep);
        boolean encoder = encoderObjective();
        task.setDisable(running);
        objective.setDisable(running);
        chooseFile.setDisable(running);
        attentionOnly.setDisable(running || encoder); // decoder-only choices: an encoder is a fixed BERT block
        tied.setDisable(running || encoder);
        options.setLocked(running);
        knowledge.setLocked(running);
        options.setDisable(encoder);
        for (SettingField f : fields()) {
            f.field.setDisable(running || (encoder && f == kvHeads));
        }
    }
}
