package dev.glassbox.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

import dev.glassbox.app.service.AblationState;
import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.FileWrites;
import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.app.service.HeadsAnalysisController;
import dev.glassbox.app.service.IdleText;
import dev.glassbox.app.service.LatestOnlyExecutor;
import dev.glassbox.engine.analysis.cluster.HierarchicalClustering;
import dev.glassbox.engine.analysis.heads.CapturedRun;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.AttentionHeatmap;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.heads.ScoreGridView;
import dev.glassbox.visuals.i18n.I18n;

/**
 * Head analysis: per layer a heads x heads similarity (clustered, with dendrogram), a layers x heads map of
 * one role score, and for a clicked head its pattern, scores and an ablation toggle. On a decoder the ablation
 * shows the diff of the next-token top 5; on an encoder (no next token) the change of the last hidden states,
 * of the sentence embedding and of the next layer's attention. The numbers and texts come from
 * {@link HeadsAnalysis} (the same engine call as the {@code heads} command); this view lays them out.
 */
final class HeadsWorkspace extends WorkspacePane {
    final ChoiceBox<String> metric = new ChoiceBox<>();
    final Spinner<Integer> layer = new Spinner<>(0, 0, 0);
    /** Columns' layer: the row layer shows the within-layer table; another layer computes the cross-layer weight table. */
    final Spinner<Integer> columnLayer = new Spinner<>(0, 0, 0);
    final ChoiceBox<String> role = new ChoiceBox<>();
    final ScoreGridView similarity = new ScoreGridView();
    final ScoreGridView overview = new ScoreGridView();
    final AttentionHeatmap pattern = new AttentionHeatmap();
    final Label headTitle = new Label();
    final Label scores = new Label();
    final ToggleButton ablate = new ToggleButton();
    final ChoiceBox<HeadAblation.Mode> ablationMode = new ChoiceBox<>();
    final Label ablation = new Label();
    final Label hover = new Label(" ");
    final Button export = Texts.bind(new Button(), "heads.export");
    private final AblationState ablated;
    private final HeadsAnalysisController controller;
    /** Builds the clicked head's pattern; only the newest click's is shown ({@link #patternRequest}, FX thread). */
    private final LatestOnlyExecutor patternBuilder = new LatestOnlyExecutor("glassbox-head-pattern",
            e -> javafx.application.Platform.runLater(() -> hover.setText(I18n.text("heads.patternFailed", String.valueOf(e.getMessage())))));
    private long patternRequest;
    /** Counts analyses started, so a stopped one's late partial results are not shown. */
    private int analyses;

    HeadsWorkspace(AnalysisService service, Consumer<String> onError, Supplier<String> prompt, AblationState ablated) {
        super("heads", service, onError, prompt);
        this.ablated = ablated;
        this.controller = new HeadsAnalysisController(ablated);
        Texts.bind(run, "heads.run");
        run.setTooltip(Texts.tooltip("heads.runTip"));
        metric.setId("headsMetric");
        layer.setId("headsLayer");
        role.setId("headsRole");
        similarity.setId("headsSimilarity");
        overview.setId("headsOverview");
        ablate.setId("headsAblate");
        ablation.setId("headsAblation");
        hover.setId("headsHover");
        export.setId("headsExport");
        metric.getItems().addAll(HeadsAnalysis.METRICS);
        metric.setValue("js");
        role.getItems().addAll(HeadsAnalysis.ROLES.keySet());
        role.setValue("previous-token");
        MetricTexts.named(metric);
        MetricTexts.named(role);
        scores.setTooltip(MetricTexts.definitions(HeadsAnalysis.ROLES.keySet().toArray(String[]::new)));
        metric.valueProperty().addListener((o, a, b) -> showSimilarity());
        columnLayer.setId("headsColumnLayer");
        columnLayer.setStyle("-fx-pref-width: 5.5em;"); // in em: at 70 px presentation mode's text cut "0" to "C"
        columnLayer.setEditable(true);
        columnLayer.setTooltip(Texts.tooltip("heads.columnLayerTip"));
        layer.valueProperty().addListener((o, a, b) -> {
            columnLayer.getValueFactory().setValue(b);
            showSimilarity();
        });
        columnLayer.valueProperty().addListener((o, a, b) -> showSimilarity());
        role.valueProperty().addListener((o, a, b) -> showOverview());
        similarity.setOnCell((r, c) -> select(layer.getValue(), r));
        overview.setOnCell(this::select);
        similarity.hoverTextProperty().addListener((o, a, s) -> hover.setText(s));
        overview.hoverTextProperty().addListener((o, a, s) -> hover.setText(s));
        pattern.hoverTextProperty().addListener((o, a, s) -> hover.setText(s));
        ablate.setTooltip(Texts.tooltip("heads.ablateTip"));
        IdleText.show(headTitle.textProperty(), "heads.clickHead");
        ablationMode.setId("headsAblationMode");
        ablationMode.getItems().addAll(HeadAblation.Mode.values());
        ablationMode.setValue(HeadAblation.Mode.ZERO);
        Texts.names(ablationMode.converterProperty(), AblationBar::modeName);
        ablationMode.valueProperty().addListener((o, a, b) -> {
            controller.setMode(b);
        });
        ablate.setOnAction(e -> toggleSelected());
        ablate.textProperty().bind(javafx.beans.binding.Bindings.when(ablate.selectedProperty())
                .then(I18n.bind("heads.ablated")).otherwise(I18n.bind("heads.ablate")));
        ablated.setProperty().addListener((o, a, b) -> ablationChanged(a, b));
        export.setOnAction(e -> chooseExport());
        scores.setWrapText(true);
        ablation.setWrapText(true);
        ablation.setStyle("-fx-font-family: monospace;");
        var bar = ToolRow.of(explained("similarity", "overview", "pattern", "ablation"), run, cancel, progress, message,
                new Separator(), Texts.label("heads.similarity"), metric,
                Texts.label("heads.layer"), layer, Texts.label("heads.vs"), columnLayer, new Separator(),
                Texts.label("heads.overview"), role, new Separator(), export);
        // the pattern takes what is left above the texts, down to PATTERN_MIN; then the texts scroll, never the pattern
        VBox texts = new VBox(6, scores, new javafx.scene.layout.HBox(6, ablate, ablationMode), ablation);
        javafx.scene.control.ScrollPane textScroll = new javafx.scene.control.ScrollPane(texts);
        textScroll.setFitToWidth(true);
        textScroll.setMinHeight(PATTERN_MIN / 2);
        VBox detail = new VBox(6, headTitle, pattern, textScroll);
        detail.setPadding(new Insets(4));
        pattern.setPrefSize(300, 300);
        pattern.setMinSize(PATTERN_MIN, PATTERN_MIN);
        VBox.setVgrow(pattern, javafx.scene.layout.Priority.ALWAYS);
        VBox.setVgrow(textScroll, javafx.scene.layout.Priority.SOMETIMES);
        scores.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        ablation.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        layer.setStyle("-fx-pref-width: 5.5em;"); // in em: at 70 px presentation mode's text cut "0" to "C"
        layer.setEditable(true);
        SplitPane split = new SplitPane(titled("heads.similarityTitle", similarity),
                titled("heads.overviewTitle", overview), detail);
        split.setDividerPositions(0.38, 0.68);
        setTop(bar);
        setCenter(split);
        setBottom(hover);
    }

    /** The smallest the clicked head's pattern gets, in pixels: below it a classroom cannot read its rows. */
    static final double PATTERN_MIN = 160;

    private static BorderPane titled(String key, javafx.scene.Node n) {
        BorderPane p = new BorderPane(n);
        Label l = Texts.label(key);
        l.getStyleClass().add("view-title");
        p.setTop(l);
        return p;
    }

    HeadReport report() { return controller.report(); }

    /** What the workspace shows and where the user is in it. */
    HeadsAnalysisController controller() { return controller; }

    @Override
    boolean supports(LoadedModel m) { return HeadsAnalysis.supports(m); }

    @Override
    void modelChanged(LoadedModel m) {
        controller.clear();
        headTitle.setText(I18n.text("heads.clickHead"));
        scores.setText("");
        pattern.setMatrix(null);
        ablate.setSelected(false);
        ablation.setText("");
        hover.setText(" ");
        similarity.setScores("", new double[0][0], List.of(), List.of(), 0, 1, null);
        overview.setScores("", new double[0][0], List.of(), List.of(), 0, 1, null);
        if (m != null && !supports(m)) {
            message.setText(I18n.text("heads.unsupported", m.name()));
        } else if (m != null) {
            layer.getValueFactory().setValue(0);
            columnLayer.getValueFactory().setValue(0);
            ((javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory) layer.getValueFactory()).setMax(m.config().layers() - 1);
            ((javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory) columnLayer.getValueFactory()).setMax(m.config().layers() - 1);
            message.setText(I18n.text("heads.pressAnalyse", m.config().layers() * m.config().heads()));
        }
    }

    @Override
    void runNow() {
        LoadedModel m = model();
        if (m == null || !supports(m)) return;
        String text = promptText();
        analyseOn(() -> HeadsAnalysis.inputTokens(m, text)); // tokenised on the engine thread
    }

    /**
     * Analyses {@code tokens} (made on the engine thread) with the heads ablated now (the same tokens again when
     * only the set changed); the tables fill as the analysis reports partial results.
     */
    private void analyseOn(Supplier<int[]> tokens) {
        LoadedModel m = model();
        HeadSet set = ablated.get();
        int run = ++analyses;
        launch(HeadsAnalysis.label(set), p -> HeadsAnalysis.analyse(m, tokens.get(), set, p,
                partial -> javafx.application.Platform.runLater(() -> {
                    if (run == analyses && busy() && model() == m) show(partial);
                })), a -> {
            show(a);
            showAblation();
        });
    }

    /** Every view of an analysis (partial: importance NaN for heads not yet ablated). */
    private void show(HeadsAnalysis.Result a) {
        controller.show(a);
        showSimilarity();
        showOverview();
        HeadsAnalysisController.Head h = controller.selected();
        if (h == null) {
            select(0, 0);
        } else {
            select(h.layer(), h.head());
        }
    }

    private List<String> headLabels(int layerIndex, int heads) {
        List<String> l = new ArrayList<>();
        for (int h = 0; h < heads; h++) l.add("L" + layerIndex + "H" + h);
        return l;
    }

    void showSimilarity() {
        HeadReport report = controller.report();
        if (report == null) return;
        int l = layer.getValue();
        int lc = columnLayer.getValue();
        if (l != lc) {
            showCrossLayer(l, lc);
            return;
        }
        HeadTable t = report.table(metric.getValue(), l, l);
        if (t == null) {
            similarity.setScores("", new double[0][0], List.of(), List.of(), 0, 1, null);
            return;
        }
        // a distance (JS divergence, in [0, 1] with log base 2): cluster on 1 - distance as its similarity
        boolean divergence = t.sense() == HeadTable.Sense.DISTANCE;
        double[][] sim = new double[t.rows()][t.columns()];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < t.columns(); j++) {
                sim[i][j] = divergence ? 1 - t.get(i, j) : t.get(i, j);
                if (!Double.isNaN(t.get(i, j))) {
                    lo = Math.min(lo, t.get(i, j));
                    hi = Math.max(hi, t.get(i, j));
                }
            }
        }
        HierarchicalClustering.Tree tree = HierarchicalClustering.ofSimilarity(sim);
        List<String> labels = headLabels(l, t.rows());
        similarity.setScores(t.metric(), t.values(), labels, labels, Math.min(0, lo), Math.max(1e-9, hi), tree, t.sense());
        if (model().config().kvHeads() < model().config().heads()) {
            // grouped-query attention: dot the pairs of distinct heads that read one key/value head
            boolean[][] shared = report.sharedKv();
            boolean[][] marks = new boolean[shared.length][];
            for (int i = 0; i < marks.length; i++) {
                marks[i] = shared[i].clone();
                marks[i][i] = false;
            }
            similarity.setMarks(marks, I18n.text("heads.sameKv"));
        }
    }

    /** Weight metrics between two layers, computed on the engine thread on first request and kept per model run. */
    private void showCrossLayer(int a, int b) {
        HeadTable t = controller.crossLayer(metric.getValue(), a, b);
        if (t != null) {
            List<String> rows = headLabels(a, t.rows()), cols = headLabels(b, t.columns());
            similarity.setScores(I18n.text("heads.crossTitle", t.metric(), a, b), t.values(), rows, cols,
                    t.metric().endsWith("cosine") ? -1 : 0, 1, null, t.sense());
            return;
        }
        similarity.setScores("", new double[0][0], List.of(), List.of(), 0, 1, null);
        if (metric.getValue().equals("js") || metric.getValue().equals("output_cosine")) {
            message.setText(I18n.text("heads.oneLayerMetric", metric.getValue()));
            return;
        }
        LoadedModel m = model();
        launch(I18n.text("heads.weightsOf", a, b), p -> HeadsAnalysis.weightTables(m, a, b),
                tables -> {
                    controller.keepCrossLayer(tables, a, b);
                    if (layer.getValue() == a && columnLayer.getValue() == b) showSimilarity();
                });
    }

    void showOverview() {
        HeadReport report = controller.report();
        if (report == null) return;
        int layers = model().config().layers(), heads = model().config().heads();
        ToDoubleFunction<HeadReport.Row> f = HeadsAnalysis.ROLES.get(role.getValue());
        double[][] v = new double[layers][heads];
        double lo = 0, hi = 1e-9;
        for (HeadReport.Row r : report.rows()) {
            v[r.layer()][r.head()] = f.applyAsDouble(r);
            if (!Double.isNaN(v[r.layer()][r.head()])) {
                lo = Math.min(lo, v[r.layer()][r.head()]);
                hi = Math.max(hi, v[r.layer()][r.head()]);
            }
        }
        List<String> rows = new ArrayList<>(), cols = new ArrayList<>();
        for (int l = 0; l < layers; l++) rows.add(I18n.text("heads.layerN", l));
        for (int h = 0; h < heads; h++) cols.add("H" + h);
        overview.setScores(roleName(role.getValue()), v, rows, cols, lo, hi, null);
        markAblated();
    }

    /** Dots the ablated heads in the overview. */
    private void markAblated() {
        if (controller.report() == null) return;
        HeadSet set = ablated.get();
        boolean[][] marks = new boolean[model().config().layers()][model().config().heads()];
        set.heads().forEach(h -> marks[h.layer()][h.head()] = true);
        overview.setMarks(set.isEmpty() ? null : marks, I18n.text("heads.ablatedMark"));
    }

    void select(int l, int h) {
        HeadReport report = controller.report();
        if (report == null) return;
        controller.select(l, h);
        overview.select(l, h);
        if (layer.getValue() != l) {
            layer.getValueFactory().setValue(l); // the matrix follows the clicked head's layer
        }
        similarity.select(h, h);
        HeadReport.Row r = report.row(l, h);
        headTitle.setText(I18n.text("heads.headTitle", l, h));
        scores.setText(I18n.text("heads.scores",
                f(r.roles().previousToken()), f(r.roles().duplicateToken()), f(r.roles().induction()), f(r.prefixMatching()),
                r.roles().bestOffset(), f(r.roles().offsetScore()), f(r.entropy()), f(r.sinkMass()),
                I18n.text(model().model() instanceof BertModel ? "heads.hiddenChange" : "heads.lossIncrease"), f(r.importance())));
        Tokenizer tok = model().tokenizer();
        List<String> labels = new ArrayList<>();
        HeadsAnalysis.Result analysis = controller.result();
        CapturedRun shown = analysis.shown();
        for (int id : shown.tokens()) labels.add(tok.display(id));
        String title = "L" + l + "H" + h + (analysis.set().isEmpty() ? "" : I18n.text("heads.withAblated", analysis.set().label()));
        // the pattern is recomputed from the kept queries and keys: up to a second at thousands of tokens, so off the FX thread
        pattern.setMatrix(null);
        long request = ++patternRequest;
        patternBuilder.submit(() -> {
            float[][] weights = shown.patterns().head(l, h);
            javafx.application.Platform.runLater(() -> {
                if (request == patternRequest) pattern.setMatrix(new AttentionMatrix(title, weights, labels, labels));
            });
        });
        ablate.setSelected(ablated.get().contains(l, h));
    }

    private static String f(double v) { return ScoreGridView.format(v); }

    /** A role of {@link HeadsAnalysis#ROLES} in the current language. */
    private static String roleName(String role) { return MetricTexts.name(role); }

    /** Ablate: the selected head joins the shared set (or leaves it); every view re-runs on the change. */
    private void toggleSelected() {
        if (!controller.toggleSelected(ablationMode.getValue())) {
            ablate.setSelected(false);
        }
    }

    private void ablationChanged(HeadSet before, HeadSet now) {
        if (!controller.follows(model())) {
            return; // a model change resets the set; modelChanged clears this workspace
        }
        HeadsAnalysisController.Head h = controller.selected();
        if (h != null) {
            ablate.setSelected(now.contains(h.layer(), h.head()));
        }
        ablationMode.setValue(now.mode());
        markAblated();
        if (controller.needsReanalysis(before, now)) {
            reanalyse();
        }
    }

    /** Stops the analysis in progress and analyses the same tokens under the current set. */
    private void reanalyse() {
        cancelRun();
        if (busy()) {
            // it finished before the cancel reached it and is still reporting: start after that
            javafx.application.Platform.runLater(this::reanalyse);
            return;
        }
        if (controller.report() != null) {
            int[] tokens = controller.report().tokens();
            analyseOn(() -> tokens);
        }
    }

    /** The diff of the whole ablated set against the clean model (empty text when nothing is ablated). */
    private void showAblation() {
        ablation.setText(HeadsAnalysis.outcomeText(model().tokenizer(), controller.result()));
    }

    private void chooseExport() {
        if (controller.report() == null) return;
        javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
        dc.setTitle(I18n.text("heads.exportTitle"));
        File dir = dc.showDialog(getScene().getWindow());
        if (dir != null) {
            exportTo(dir.toPath());
        }
    }

    /**
     * Writes every score table as the {@code heads} command does (CSV and NPY per table, roles, manifest), off the FX
     * thread (the result shown is taken here); the future completes with the files written.
     */
    CompletableFuture<List<String>> exportTo(Path dir) {
        HeadsAnalysis.Result result = controller.result();
        LoadedModel m = model();
        message.setText(I18n.text("heads.exporting", dir));
        return FileWrites.submit(() -> HeadsAnalysis.exportTo(dir, m, result),
                files -> message.setText(I18n.text("heads.wrote", files.size(), dir)),
                ex -> error(I18n.text("heads.exportFailed", dir, ex.getMessage())));
    }
}
