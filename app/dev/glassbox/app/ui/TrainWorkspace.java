package dev.glassbox.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.TrainingRun;
import dev.glassbox.app.service.TrainingSource;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.TrainingMemory;
import dev.glassbox.engine.train.TrainingData;
import dev.glassbox.engine.train.TrainingProgress;
import dev.glassbox.visuals.AttentionGrid;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.chart.LinePlot;
import dev.glassbox.visuals.chart.Series;

/**
 * Train a tiny transformer live (after TensorFlow Playground): pick a task or a text file and a shape, press
 * Start, and watch the train and validation loss fall while the attention grid of the model being trained, read
 * on a fixed probe row of the task, changes every few steps. Training runs on its own thread ({@link TrainingRun});
 * Pause and Stop act after the step in progress. "Open in explorer" saves the current weights and opens them.
 */
final class TrainWorkspace extends BorderPane {
    static final String TEXT_FILE = "text file\u2026";

    final ComboBox<String> task = new ComboBox<>();
    final Button chooseFile = new Button("Choose\u2026");
    final Label dataError = new Label();
    final SettingField layers = new SettingField("trainLayers", "layers", "2", "Transformer blocks, 1 to 12.");
    final SettingField heads = new SettingField("trainHeads", "heads", "4",
            "Attention heads per block, 1 to 16; dim must be a multiple of it and dim / heads even (rotary positions).");
    final SettingField kvHeads = new SettingField("trainKvHeads", "kv heads", "4",
            "Key/value heads (grouped-query attention), 1 to 16; must divide heads. Equal to heads = ordinary multi-head attention.");
    final SettingField dim = new SettingField("trainDim", "dim", "64", "Model width (residual stream size), 8 to 512.");
    final SettingField hidden = new SettingField("trainHidden", "hidden", "0",
            "MLP width, 0 to 4096; 0 = about 8/3 \u00d7 dim rounded to 16 for SwiGLU (Llama's choice), 4 \u00d7 dim for GELU (GPT-2's). "
                    + "Unused when attention-only.");
    final CheckBox attentionOnly = new CheckBox("attention-only");
    final CheckBox tied = new CheckBox("tied embedding");
    final SettingField seq = new SettingField("trainSeq", "seq", "32", "Context length in tokens (characters), 2 to 256.");
    final SettingField batch = new SettingField("trainBatch", "batch", "32", "Sequences per step, 1 to 256.");
    final SettingField lr = new SettingField("trainLr", "learning rate", "3e-3",
            "Peak AdamW learning rate, 0.000001 to 1: linear warm-up over 5% of the steps, then cosine decay to a tenth.");
    final SettingField weightDecay = new SettingField("trainWeightDecay", "weight decay", "0",
            "AdamW decoupled weight decay, 0 to 1 (0 helps induction heads form).");
    final SettingField steps = new SettingField("trainSteps", "steps", "800", "Optimizer steps, 1 to 1,000,000.");
    final SettingField seed = new SettingField("trainSeed", "seed", "1",
            "Seed of the initial weights and the batches, 0 or more: the same seed and settings train the same model.");
    final Label formError = new Label();
    final TrainOptionsPane options = new TrainOptionsPane();

    final Button start = new Button("_Start");
    final Button pause = new Button("_Pause");
    final Button resume = new Button("_Resume");
    final Button stop = new Button("S_top");
    final Button openInExplorer = new Button("Open in explorer");
    final Button saveAs = new Button("Save\u2026");
    final ProgressBar progress = new ProgressBar(0);
    final Label status = new Label("Pick a task and a shape, then Start (Ctrl+Enter)");
    final Label lossLabel = new Label("loss \u2013");
    final LinePlot plot = new LinePlot();
    final AttentionGrid grid = new AttentionGrid();
    final AttentionHeatmap heatmap = new AttentionHeatmap();
    final Label headTitle = new Label("Click a head to enlarge it");
    final Label probeLabel = new Label();

    private final Consumer<String> onError;
    private final BiConsumer<Path, String> openModel;
    private final ReadOnlyIntegerWrapper framesShown = new ReadOnlyIntegerWrapper(this, "framesShown", 0);
    private final List<double[]> trainPoints = new ArrayList<>();
    private final List<double[]> validationPoints = new ArrayList<>();
    private Path textFile;
    private Path lastSaved;
    private TrainingRun run;
    private boolean running;
    private boolean pauseRequested;
    private boolean anyStep;
    private GridContent attention;
    private int openRow = -1;
    private int openCol = -1;

    /** A validated form: everything a run needs besides the data. */
    record Settings(int layers, int heads, int kvHeads, int dim, int hidden, boolean attentionOnly, boolean tied, int seq,
                    int batch, float lr, float weightDecay, int steps, long seed, TrainOptionsPane.Choice extras) {
        TrainOptions options(TrainingData data) {
            return new TrainOptions(data, layers, heads, kvHeads, dim, hidden, attentionOnly, tied, seq, batch, lr, steps, -1,
                    seed, weightDecay, 1f, evalEvery(steps), 0, false, null, "Glassbox Train workspace")
                    .withDesign(extras.design()).withRegime(extras.regime()).withRouting(extras.routing())
                    .withContext(extras.context());
        }
    }

    /** Steps between validation passes: about 40 points per run (4 held-out batches each, a few % of the time). */
    static int evalEvery(int steps) {
        return Math.max(1, steps / 40);
    }

    /** @param openModel opens a saved checkpoint in the explorer with a prompt from the task */
    TrainWorkspace(Consumer<String> onError, BiConsumer<Path, String> openModel) {
        this.onError = onError;
        this.openModel = openModel;
        setId("train");
        setPadding(new Insets(4));
        ids();
        tooltips();
        for (SyntheticTask t : SyntheticTask.values()) {
            task.getItems().add(t.name().toLowerCase(Locale.ROOT));
        }
        task.getItems().add(TEXT_FILE);
        task.setValue("induction");
        task.valueProperty().addListener((o, a, b) -> {
            dataError.setText("");
            if (TEXT_FILE.equals(b) && textFile == null) {
                Platform.runLater(this::chooseTextFile);
            }
        });
        chooseFile.setOnAction(e -> chooseTextFile());
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
        openInExplorer.setOnAction(e -> openInExplorer());
        saveAs.setOnAction(e -> saveAs());
        progress.setPrefWidth(180);
        plot.setAxisLabels("step", "");
        plot.setMinSize(300, 180);
        heatmap.setPrefSize(300, 300);
        grid.setOnOpen((r, c, m) -> openHead(r, c, m));

        ToolBar bar = new ToolBar(start, pause, resume, stop, new Separator(), progress, status, new Separator(),
                lossLabel, new Separator(), openInExplorer, saveAs);
        VBox top = new VBox(bar, formError);
        SettingField.styleAsError(formError);
        formError.setWrapText(true);
        formError.managedProperty().bind(formError.textProperty().isNotEmpty());
        setTop(top);
        ScrollPane form = new ScrollPane(form());
        form.setFitToWidth(true);
        form.setPrefWidth(420);
        form.setMinWidth(300);

        ScrollPane gridScroll = new ScrollPane(grid);
        BorderPane gridPane = new BorderPane(gridScroll);
        probeLabel.setWrapText(true);
        probeLabel.setPadding(new Insets(2, 4, 2, 4));
        gridPane.setTop(probeLabel);
        BorderPane headPane = new BorderPane(heatmap);
        headTitle.getStyleClass().add("view-title");
        headTitle.setPadding(new Insets(2, 4, 2, 4));
        headPane.setTop(headTitle);
        SplitPane attentionSplit = new SplitPane(gridPane, headPane);
        attentionSplit.setDividerPositions(0.55);
        SplitPane right = new SplitPane(plot, attentionSplit);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.4);
        SplitPane split = new SplitPane(form, right);
        split.setDividerPositions(0.27);
        SplitPane.setResizableWithParent(form, false);
        setCenter(split);
        updateEnabled();
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
    }

    private void tooltips() {
        task.setTooltip(new Tooltip("""
                Training data. Built-in tasks are generated in code:
                copy \u201cabc=abc\u201d, reverse \u201cabc=cba\u201d, sort \u201ccab=abc\u201d (only the answer after '=' is scored),
                induction: random letters repeated (an induction head forms), passkey: recall a 4-digit number,
                brackets: balanced ()[]{}, stories: a toy story grammar.
                text file: any UTF-8 text, one token per character, the last 10% held out."""));
        chooseFile.setTooltip(new Tooltip("Choose a UTF-8 text file to train on (at least 10 \u00d7 (seq + 1) characters)"));
        attentionOnly.setTooltip(new Tooltip("Blocks without the MLP (and its norm): only attention, as in the induction-head papers"));
        tied.setTooltip(new Tooltip("The unembedding reuses the token-embedding matrix instead of a separate lm_head"));
        start.setTooltip(new Tooltip("Start training a new model with these settings (Ctrl+Enter)"));
        pause.setTooltip(new Tooltip("Pause after the step in progress (Ctrl+P)"));
        resume.setTooltip(new Tooltip("Continue the paused run (Ctrl+P)"));
        stop.setTooltip(new Tooltip("End the run after the step in progress; the model trained so far stays (Esc)"));
        openInExplorer.setTooltip(new Tooltip("Save the current weights to a temporary folder and open them in the Explore workspace"));
        saveAs.setTooltip(new Tooltip("Save the current weights as a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json)"));
        progress.setTooltip(new Tooltip("Steps done of the run's total"));
        lossLabel.setTooltip(new Tooltip("Cross-entropy of the latest step's batch and of the held-out batches, in nats per token"));
    }

    private VBox form() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        g.setPadding(new Insets(6));
        int r = 0;
        g.add(section("Data"), 0, r++, 3, 1);
        Label dataName = new Label("task");
        dataName.setLabelFor(task);
        g.addRow(r++, dataName, new HBox(4, task, chooseFile), dataError);
        g.add(section("Architecture"), 0, r++, 3, 1);
        for (SettingField f : List.of(layers, heads, kvHeads, dim, hidden)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        g.add(attentionOnly, 1, r++, 2, 1);
        g.add(tied, 1, r++, 2, 1);
        g.add(section("Training"), 0, r++, 3, 1);
        for (SettingField f : List.of(seq, batch, lr, weightDecay, steps, seed)) {
            g.addRow(r++, f.name, f.field, f.error);
        }
        Label keys = new Label("Ctrl+Enter start \u00b7 Ctrl+P pause/resume \u00b7 Esc stop");
        keys.getStyleClass().add("grid-header");
        keys.setPadding(new Insets(0, 6, 6, 6));
        VBox column = new VBox(4, g, options, keys); // the options take the column's full width
        column.setFillWidth(true);
        return column;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("view-title");
        l.setPadding(new Insets(6, 0, 0, 0));
        return l;
    }

    /** Incremented each time a frame of progress is on screen. */
    ReadOnlyIntegerProperty framesShownProperty() { return framesShown.getReadOnlyProperty(); }

    TrainingRun run() { return run; }

    boolean running() { return running; }

    private List<SettingField> fields() {
        return List.of(layers, heads, kvHeads, dim, hidden, seq, batch, lr, weightDecay, steps, seed);
    }

    /** Reads and checks the form; null (with a message next to each bad control) when something is not allowed. */
    Settings readSettings() {
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
        boolean rope = options.design().positions() == BlockDesign.Positions.ROPE;
        if (h != null && d != null) {
            if (d % h != 0) {
                dim.fail("must be a multiple of heads (" + h + ")");
            } else if (rope && (d / h) % 2 != 0) {
                dim.fail("dim / heads = " + d / h + " must be even (rotary positions rotate pairs)");
            }
        }
        if (h != null && kv != null && h % kv != 0) {
            kvHeads.fail("must divide heads (" + h + "): " + divisors(h));
        }
        if (TEXT_FILE.equals(task.getValue()) && textFile == null) {
            dataError.setText("choose a text file (Choose\u2026)");
        }
        TrainOptionsPane.Choice extras = options.read(s, l);
        if (fields().stream().anyMatch(SettingField::failed) || !dataError.getText().isEmpty() || extras == null
                || !engineAccepts(l, h, kv, d, hid, s, extras)) {
            if (options.failed()) {
                options.setExpanded(true);
            }
            return null;
        }
        TrainingMemory memory = TrainingMemory.estimate(b, s, l, h, d, hid, 2); // the vocabulary is not read yet
        if (!memory.fits()) {
            batch.fail("training " + memory.problem() + ": lower batch, seq, width or layers");
            return null;
        }
        return new Settings(l, h, kv, d, hid, attentionOnly.isSelected(), tied.isSelected(), s, b, rate, wd, n, sd, extras);
    }

    /**
     * The engine's own checks of the whole combination, before any data is read (the vocabulary does not matter to
     * them): the model shape (e.g. experts need MLP blocks) and whether a checkpoint can hold it, since this
     * workspace always offers saving. A refusal shows the engine's message next to the control it concerns.
     */
    private boolean engineAccepts(int l, int h, int kv, int d, int hid, int s, TrainOptionsPane.Choice extras) {
        ModelShape shape;
        try {
            shape = new ModelShape(2, d, Math.max(1, hid), l, h, kv, s, attentionOnly.isSelected(), tied.isSelected(),
                    ModelShape.DEFAULT_EPS, ModelShape.DEFAULT_THETA, extras.design(), extras.routing(), extras.context());
        } catch (IllegalArgumentException e) {
            (extras.routing().moe() ? options.experts.error : formError).setText(e.getMessage());
            return false;
        }
        try {
            Checkpoint.requireSavable(shape);
            return true;
        } catch (IllegalArgumentException e) {
            options.designError.setText(e.getMessage());
            return false;
        }
    }

    /** GPT-2 blocks always have an MLP, a tied output head and one key/value head per head. */
    private void fitGpt2() {
        attentionOnly.setSelected(false);
        tied.setSelected(true);
        kvHeads.field.setText(heads.field.getText());
    }

    private static String divisors(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (n % i == 0) {
                out.add(Integer.toString(i));
            }
        }
        return String.join(", ", out);
    }

    private TrainingSource source() {
        return TEXT_FILE.equals(task.getValue()) ? new TrainingSource.Text(textFile) : new TrainingSource.Task(SyntheticTask.parse(task.getValue()));
    }

    void chooseTextFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Train on a UTF-8 text file");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Text", "*.txt", "*.md", "*.csv"),
                new FileChooser.ExtensionFilter("All files", "*"));
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
        chooseFile.setText(file.getFileName().toString());
        dataError.setText("");
    }

    /** Starts a new run with the form's settings (Start, Ctrl+Enter). */
    void start() {
        if (running) {
            return;
        }
        Settings s = readSettings();
        if (s == null) {
            status.setText("Fix the settings marked in red");
            return;
        }
        trainPoints.clear();
        validationPoints.clear();
        plot.setSeries(List.of());
        attention = null;
        anyStep = false;
        openRow = -1;
        openCol = -1;
        heatmap.setMatrix(null);
        headTitle.setText("Click a head to enlarge it");
        grid.setRows(List.of(), List.of());
        progress.setProgress(-1);
        lossLabel.setText("loss \u2013");
        status.setText("Preparing " + source().label() + "\u2026");
        running = true;
        pauseRequested = false;
        run = TrainingRun.start(source(), s.seq(), s::options, this::showFrame, this::ended);
        updateEnabled();
    }

    void pause() {
        if (running && !pauseRequested) {
            pauseRequested = true;
            run.pause();
            status.setText(status.getText() + " \u00b7 pausing after this step");
            updateEnabled();
        }
    }

    void resume() {
        if (running && pauseRequested) {
            pauseRequested = false;
            run.resume();
            updateEnabled();
        }
    }

    /** Ctrl+P. */
    void togglePause() {
        if (pauseRequested) {
            resume();
        } else {
            pause();
        }
    }

    /** Ends the run after the step in progress (Stop, Esc). */
    void stop() {
        if (running) {
            run.stop();
            status.setText("Stopping after this step\u2026");
            stop.setDisable(true);
        }
    }

    private void showFrame(TrainingRun.Frame f) {
        if (!f.steps().isEmpty()) {
            anyStep = true;
            for (TrainingProgress p : f.steps()) {
                trainPoints.add(new double[] {p.step(), p.trainLoss()});
                p.validationLoss().ifPresent(v -> validationPoints.add(new double[] {p.step(), v}));
            }
            TrainingProgress p = f.steps().getLast();
            plot.setSeries(List.of(series("train loss (nats/token)", trainPoints), series("validation loss", validationPoints)));
            lossLabel.setText(lossText(p));
            progress.setProgress((double) p.step() / p.steps());
            status.setText(String.format(Locale.ROOT, "step %,d / %,d \u00b7 %,.0f tok/s \u00b7 ETA %s \u00b7 lr %.2e \u00b7 |g| %.3f%s%s",
                    p.step(), p.steps(), p.tokensPerSecond(), eta(p.etaSeconds()), p.lr(), p.gradNorm(), penalties(p),
                    pauseRequested ? " \u00b7 paused" : ""));
        }
        if (f.attention() != null) {
            showAttention(f.attention());
        }
        updateEnabled();
        framesShown.set(framesShown.get() + 1);
    }

    /** The step's balance loss and orthogonality penalty, when the run trains them. */
    static String penalties(TrainingProgress p) {
        StringBuilder sb = new StringBuilder();
        p.balanceLoss().ifPresent(v -> sb.append(String.format(Locale.ROOT, " \u00b7 balance %.4f", v)));
        p.orthogonality().ifPresent(v -> sb.append(String.format(Locale.ROOT, " \u00b7 orth %.4f", v)));
        return sb.toString();
    }

    private String lossText(TrainingProgress p) {
        String val = validationPoints.isEmpty() ? "\u2013"
                : String.format(Locale.ROOT, "%.4f (step %d)", validationPoints.getLast()[1], (int) validationPoints.getLast()[0]);
        return String.format(Locale.ROOT, "loss %.4f \u00b7 val %s", p.trainLoss(), val);
    }

    /** The number the loss label shows for a train loss (the test compares it with the trainer's). */
    static String formatLoss(double loss) { return String.format(Locale.ROOT, "%.4f", loss); }

    /** Long runs are drawn from every k-th point (and the latest), so a frame stays cheap at any step count. */
    static final int MAX_PLOTTED = 4000;

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

    static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void showAttention(GridContent g) {
        attention = g;
        grid.setRows(g.columns(), g.rows());
        probeLabel.setText("Attention on a fixed probe row (" + g.tokenLabels().size() + " tokens): "
                + String.join("", g.tokenLabels()));
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
    Path lastSaved() { return lastSaved; }

    private void ended(TrainingRun.End end) {
        running = false;
        pauseRequested = false;
        switch (end) {
            case TrainingRun.End.Finished f -> {
                showAttention(f.attention());
                progress.setProgress((double) f.result().steps() / Math.max(1, run.lastProgress().map(TrainingProgress::steps).orElse(1)));
                status.setText(String.format(Locale.ROOT, "%s after %,d steps in %.1f s \u00b7 %,.0f tok/s \u00b7 final val %.4f",
                        f.stopped() ? "Stopped" : "Done", f.result().steps(), f.result().seconds(),
                        f.result().tokensPerSecond(), f.result().valLoss()));
            }
            case TrainingRun.End.Failed x when x.dataError() -> {
                progress.setProgress(0);
                status.setText("Could not read the data");
                dataError.setText(ErrorMessages.describe("Reading " + source().label(), x.error()));
            }
            case TrainingRun.End.Failed x -> {
                progress.setProgress(0);
                status.setText("Training failed");
                onError.accept(ErrorMessages.describe("Training", x.error()));
            }
        }
        updateEnabled();
    }

    private void openInExplorer() {
        if (run == null || !anyStep) {
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("glassbox-train-").resolve(source().label().replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-step" + run.lastProgress().map(TrainingProgress::step).orElse(0));
        } catch (IOException e) {
            onError.accept(ErrorMessages.describe("Saving the checkpoint", e));
            return;
        }
        save(dir, true);
    }

    private void saveAs() {
        if (run == null || !anyStep || getScene() == null) {
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Save the checkpoint into a new or empty folder");
        File f = dc.showDialog(getScene().getWindow());
        if (f != null) {
            save(f.toPath(), false);
        }
    }

    /** Saves the current weights to {@code dir}, then opens them in the explorer when asked. */
    void save(Path dir, boolean open) {
        status.setText("Saving the checkpoint to " + dir + "\u2026");
        run.saveCheckpoint(dir).whenComplete((path, error) -> Platform.runLater(() -> {
            if (error != null) {
                onError.accept(ErrorMessages.describe("Saving the checkpoint", error));
                return;
            }
            lastSaved = path;
            status.setText("Saved " + path);
            if (open) {
                openModel.accept(path, run.probeText());
            }
        }));
    }

    private void updateEnabled() {
        start.setDisable(running);
        pause.setDisable(!running || pauseRequested);
        resume.setDisable(!running || !pauseRequested);
        stop.setDisable(!running);
        openInExplorer.setDisable(!anyStep);
        saveAs.setDisable(!anyStep);
        task.setDisable(running);
        chooseFile.setDisable(running);
        attentionOnly.setDisable(running);
        tied.setDisable(running);
        options.setLocked(running);
        for (SettingField f : fields()) {
            f.field.setDisable(running);
        }
    }
}
