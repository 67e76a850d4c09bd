package dev.glassbox.app.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import dev.glassbox.app.service.ErrorMessages;
import dev.glassbox.engine.search.Candidate;
import dev.glassbox.engine.search.Costs;
import dev.glassbox.engine.search.ParetoFront;
import dev.glassbox.engine.search.Search;
import dev.glassbox.engine.search.SearchFolder;
import dev.glassbox.engine.search.SearchSettings;
import dev.glassbox.engine.search.SearchSpace;
import dev.glassbox.engine.search.Strategy;
import dev.glassbox.engine.search.TrainerEvaluator;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TrainingData;
import dev.glassbox.visuals.LatestFrame;
import dev.glassbox.visuals.chart.LinePlot;
import dev.glassbox.visuals.chart.ScatterPlot;
import dev.glassbox.visuals.chart.Series;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Efficient-architecture search: pick a task (or a text file), a strategy and a budget, press Start, and watch each
 * trained candidate land on a scatter of validation loss against the chosen cost with the Pareto front drawn through
 * it; click a point for its configuration, its loss curve and "Open in explorer". The search runs on its own thread
 * (one trainer per core, {@link Search}), cancelled through the task's state; results go to a new folder.
 */
final class SearchWorkspace extends BorderPane implements Explanation.Explained {
    private static final String TEXT_FILE = "text-file";

    final ComboBox<String> task = new ComboBox<>();
    final Button chooseFile = Texts.bind(new Button(), "search.chooseFile");
    final ComboBox<Strategy.Kind> strategy = new ComboBox<>();
    final SettingField candidates = new SettingField("searchCandidates", "search.candidates", "12", "search.candidatesTip");
    final SettingField steps = new SettingField("searchSteps", "search.steps", "120", "search.stepsTip");
    final SettingField minutes = new SettingField("searchMinutes", "search.minutes", "0", "search.minutesTip");
    final SettingField seed = new SettingField("searchSeed", "search.seed", "1", "search.seedTip");
    final ComboBox<Costs.Axis> cost = new ComboBox<>();
    final Button start = Texts.bind(new Button(), "search.start");
    final Button cancel = Texts.bind(new Button(), "search.cancel");
    final ProgressBar progress = new ProgressBar(0);
    final Label status = new Label();
    final ScatterPlot scatter = new ScatterPlot();
    final Label details = new Label();
    final LinePlot curve = new LinePlot();
    final Button openInExplorer = Texts.bind(new Button(), "search.openInExplorer");
    private final Explanation explanation = new Explanation("search", "scatter", "curve");
    private final Consumer<String> onError;
    private final Consumer<Path> openModel;
    private final LatestFrame<List<Candidate>> frames = new LatestFrame<>(this::show);
    /** The candidates shown and, per scatter series, which candidate each point is. */
    private List<Candidate> shown = List.of();
    private final List<List<Integer>> pointIds = new ArrayList<>();
    private Path textFile;
    private SearchFolder folder;
    private Candidate picked;
    private Task<Search.Outcome> running;

    SearchWorkspace(Consumer<String> onError, Consumer<Path> openModel) {
        this.onError = onError;
        this.openModel = openModel;
        setId("search");
        for (SyntheticTask t : SyntheticTask.values()) {
            task.getItems().add(t.name().toLowerCase(Locale.ROOT));
        }
        task.getItems().add(TEXT_FILE);
        task.setValue("copy");
        task.setConverter(converter(v -> TEXT_FILE.equals(v) ? I18n.text("search.textFile") : v));
        task.setId("searchTask");
        chooseFile.setOnAction(e -> chooseText());
        chooseFile.visibleProperty().bind(task.valueProperty().isEqualTo(TEXT_FILE));
        chooseFile.managedProperty().bind(chooseFile.visibleProperty());
        strategy.getItems().addAll(Strategy.Kind.values());
        strategy.setValue(Strategy.Kind.EVOLUTION);
        strategy.setConverter(converter(k -> I18n.text("search.strategy." + k.name().toLowerCase(Locale.ROOT))));
        strategy.setId("searchStrategy");
        cost.getItems().addAll(Costs.Axis.values());
        cost.setValue(Costs.Axis.PARAMETERS);
        cost.setConverter(converter(SearchWorkspace::axisName));
        cost.setId("searchCost");
        cost.valueProperty().addListener((o, a, b) -> show(shown));
        start.setId("searchStart");
        cancel.setId("searchCancel");
        openInExplorer.setId("searchOpen");
        status.setId("searchStatus");
        start.setOnAction(e -> start());
        cancel.setOnAction(e -> cancelRun());
        cancel.setDisable(true);
        openInExplorer.setDisable(true);
        openInExplorer.setOnAction(e -> {
            if (picked != null && folder != null) openModel.accept(folder.candidateDir(picked));
        });
        progress.setPrefWidth(160);

        // each name wraps with its field (presentation mode put "Minutes" at one row's end, its field on the next)
        FlowPane form = new FlowPane(8, 6, ToolRow.pair(Texts.label("search.task"), task), chooseFile,
                ToolRow.pair(Texts.label("search.strategy"), strategy), ToolRow.pair(candidates.name, candidates.field),
                ToolRow.pair(steps.name, steps.field), ToolRow.pair(minutes.name, minutes.field),
                ToolRow.pair(seed.name, seed.field), ToolRow.pair(Texts.label("search.cost"), cost), start, cancel,
                progress, explanation.toggle());
        form.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, form, status, errors());
        top.setPadding(new Insets(4));
        setTop(top);

        scatter.setId("searchScatter");
        scatter.setEmptyText(I18n.text("search.empty"));
        scatter.setTips(this::tip);
        scatter.setOnPick((k, i) -> pick(shown.get(pointIds.get(k).get(i))));
        curve.setId("searchCurve");
        curve.setAxisLabels(I18n.text("search.curve.x"), I18n.text("search.curve.y"));
        curve.setEmptyText(I18n.text("search.pickPoint"));
        details.setId("searchDetails");
        details.setWrapText(true);
        // whole, the curve gives way: squeezed to its least height, it ended in "…" at 1280 x 720 and presenting
        details.setMinHeight(Region.USE_PREF_SIZE);
        details.setText(I18n.text("search.pickPoint"));
        VBox side = new VBox(6, details, curve, openInExplorer);
        VBox.setVgrow(curve, Priority.ALWAYS);
        side.setPadding(new Insets(4));
        side.setMinWidth(260);
        SplitPane split = new SplitPane(scatter, side);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.64);
        setCenter(split);
        setRight(explanation);
        I18n.localeProperty().addListener((o, a, l) -> {
            curve.setAxisLabels(I18n.text("search.curve.x"), I18n.text("search.curve.y"));
            show(shown);
        });
    }

    private VBox errors() {
        VBox v = new VBox(2, candidates.error, steps.error, minutes.error, seed.error);
        for (var n : v.getChildren()) {
            n.managedProperty().bind(((Label) n).textProperty().isNotEmpty());
        }
        return v;
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) { return t == null ? "" : f.apply(t); }

            @Override
            public T fromString(String s) { throw new UnsupportedOperationException(); }
        };
    }

    static String axisName(Costs.Axis a) {
        return I18n.text("search.axis." + a.spelling());
    }

    @Override
    public Explanation explanation() { return explanation; }

    private void chooseText() {
        FileChooser fc = new FileChooser();
        File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            textFile = f.toPath();
            status.setText(I18n.text("search.textChosen", f.getName()));
        }
    }

    /** A whole number of the field in [min, max], or null with the field's error shown. */
    private static Integer number(SettingField f, int min, int max) {
        try {
            int v = Integer.parseInt(f.field.getText().strip());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // falls through
        }
        f.fail(I18n.text("search.range", min, max));
        return null;
    }

    /** The settings the form gives, or null when a field is refused (its error shown). */
    SearchSettings settings() {
        Integer n = number(candidates, 1, 10_000);
        Integer st = number(steps, 2, 100_000);
        Integer min = number(minutes, 0, 10_000);
        Integer sd = number(seed, 0, Integer.MAX_VALUE);
        if (n == null || st == null || min == null || sd == null) {
            return null;
        }
        boolean text = TEXT_FILE.equals(task.getValue());
        if (text && textFile == null) {
            onError.accept(I18n.text("search.noTextFile"));
            return null;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Strategy s = strategy.getValue() == Strategy.Kind.RANDOM ? Strategy.RANDOM : Strategy.evolution(6, 3);
        return new SearchSettings(text ? null : task.getValue(), text ? textFile.toAbsolutePath().toString() : null, "char",
                SearchSpace.DEFAULT, s, sd, n, Math.max(2, cores), st, Math.max(1, st / 4), 32, 8, 3e-3f, cores, min,
                cost.getValue());
    }

    void start() {
        if (running != null) {
            return;
        }
        SearchSettings s = settings();
        if (s == null) {
            return;
        }
        Task<Search.Outcome> t = new Task<>() {
            @Override
            protected Search.Outcome call() throws Exception {
                TrainingData data = s.data();
                SearchFolder f = SearchFolder.create(Files.createTempDirectory("glassbox-search-"), s);
                javafx.application.Platform.runLater(() -> folder = f);
                updateMessage(I18n.text("search.started", s.candidates(), f.dir()));
                return new Search(s, data, new TrainerEvaluator(data, s, f::candidateDir), f, (all, p) -> {
                    frames.publish(all);
                    updateProgress(p.finished(), p.total());
                    updateMessage(I18n.text("search.progress", p.finished(), p.total(),
                            Double.isNaN(p.secondsLeft()) ? "?" : dev.glassbox.app.service.TrainingController.eta(p.secondsLeft()), f.dir()));
                }).run(List.of(), this::isCancelled);
            }
        };
        running = t;
        shown = List.of();
        show(shown);
        progress.progressProperty().bind(t.progressProperty());
        status.textProperty().bind(t.messageProperty());
        start.setDisable(true);
        cancel.setDisable(false);
        t.stateProperty().addListener((o, a, state) -> {
            if (state != Worker.State.SUCCEEDED && state != Worker.State.FAILED && state != Worker.State.CANCELLED) {
                return;
            }
            running = null;
            progress.progressProperty().unbind();
            status.textProperty().unbind();
            start.setDisable(false);
            cancel.setDisable(true);
            switch (state) {
                case SUCCEEDED -> {
                    show(t.getValue().candidates());
                    status.setText(I18n.text(t.getValue().end() == Search.End.FINISHED ? "search.finished" : "search.timeUp",
                            t.getValue().candidates().size(), folder == null ? "" : folder.dir()));
                }
                case CANCELLED -> status.setText(I18n.text("search.cancelled", folder == null ? "" : folder.dir()));
                default -> {
                    status.setText(I18n.text("search.failed"));
                    onError.accept(ErrorMessages.describe(I18n.text("search.title"), t.getException()));
                }
            }
        });
        Thread th = new Thread(t, "glassbox-search-ui");
        th.setDaemon(true);
        th.start();
    }

    /** Cancels the running search (its trainers stop within a step; the folder keeps what finished). */
    void cancelRun() {
        if (running != null) {
            running.cancel(false);
        }
    }

    boolean busy() { return running != null; }

    /** Draws the candidates: done and halved ones as points, the front as a staircase over the chosen cost. */
    void show(List<Candidate> all) {
        shown = List.copyOf(all);
        Costs.Axis axis = cost.getValue();
        pointIds.clear();
        List<Series> series = new ArrayList<>();
        for (Candidate.Status st : List.of(Candidate.Status.DONE, Candidate.Status.HALVED)) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                Candidate c = shown.get(i);
                if (c.status() == st && Double.isFinite(c.cost(axis)) && Double.isFinite(c.valLoss())) ids.add(i);
            }
            pointIds.add(ids);
            series.add(new Series(I18n.text("search.series." + st.name().toLowerCase(Locale.ROOT), ids.size()),
                    ids.stream().mapToDouble(i -> shown.get(i).cost(axis)).toArray(),
                    ids.stream().mapToDouble(i -> shown.get(i).valLoss()).toArray(), Series.Style.POINTS, List.of()));
        }
        List<Integer> front = ParetoFront.of(shown, axis);
        double[] fx = new double[Math.max(0, 2 * front.size() - 1)];
        double[] fy = new double[fx.length];
        for (int j = 0; j < front.size(); j++) {
            Candidate c = shown.get(front.get(j));
            fx[2 * j] = c.cost(axis);
            fy[2 * j] = c.valLoss();
            if (j + 1 < front.size()) { // the staircase: along the cost to the next point, then down to it
                fx[2 * j + 1] = shown.get(front.get(j + 1)).cost(axis);
                fy[2 * j + 1] = c.valLoss();
            }
        }
        series.add(new Series(I18n.text("search.series.front", front.size()), fx, fy, Series.Style.LINE, List.of()));
        pointIds.add(List.of());
        scatter.setAxisLabels(axisName(axis), I18n.text("search.lossAxis"));
        scatter.setSeries(series);
        if (picked != null) {
            shown.stream().filter(c -> c.id() == picked.id()).findFirst().ifPresent(this::pick);
        }
    }

    private String tip(int k, int i) {
        Candidate c = shown.get(pointIds.get(k).get(i));
        return I18n.text("search.tip", SearchFolder.candidateFolder(c), c.architecture().describe(),
                String.format(Locale.ROOT, "%.4f", c.valLoss()), c.steps(), String.format(Locale.ROOT, "%,d", c.parameters()),
                String.format(Locale.ROOT, "%,.0f", c.flopsPerToken()), String.format(Locale.ROOT, "%.3f", c.latencyMs()));
    }

    /** Shows one candidate: its configuration, loss curve and the button opening its model. */
    void pick(Candidate c) {
        picked = c;
        var a = c.architecture();
        details.setText(I18n.text("search.details", SearchFolder.candidateFolder(c), a.layers(), a.heads(), a.kvHeads(),
                a.dim(), a.hidden() == 0 ? I18n.text("search.defaultHidden") : Integer.toString(a.hidden()), a.attention(),
                a.experts().count() == 0 ? I18n.text("search.dense") : a.experts().spec(),
                dev.glassbox.engine.train.BlockDesign.spelling(a.positions()), c.seed(),
                I18n.text("search.status." + c.status().name().toLowerCase(Locale.ROOT)),
                String.format(Locale.ROOT, "%.4f", c.valLoss()), c.steps()) + "\n" + tip(c));
        double[] x = new double[c.curve().size()];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            y[i] = c.curve().get(i);
        }
        double[] rx = c.rungs().stream().mapToDouble(Candidate.Rung::steps).toArray();
        double[] ry = c.rungs().stream().mapToDouble(Candidate.Rung::valLoss).toArray();
        curve.setSeries(List.of(new Series(I18n.text("search.curve.train"), x, y),
                new Series(I18n.text("search.curve.val"), rx, ry, Series.Style.LINE_AND_POINTS, List.of())));
        openInExplorer.setDisable(!(c.status() == Candidate.Status.DONE || c.status() == Candidate.Status.HALVED));
    }

    private static String tip(Candidate c) {
        return I18n.text("search.costs", String.format(Locale.ROOT, "%,d", c.parameters()),
                String.format(Locale.ROOT, "%,.0f", c.flopsPerToken()), String.format(Locale.ROOT, "%.3f", c.latencyMs()));
    }

    /** The candidates on screen (tests). */
    List<Candidate> shown() { return shown; }
}
