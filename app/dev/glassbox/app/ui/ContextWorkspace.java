package dev.glassbox.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Optional;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.Countdown;
import dev.glassbox.app.service.SessionFile;
import dev.glassbox.engine.context.ContextLab;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.ContextSweep;
import dev.glassbox.engine.context.LearnedCompression;
import dev.glassbox.engine.context.NativeContext;
import dev.glassbox.engine.context.Passkey;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.visuals.chart.LinePlot;
import dev.glassbox.visuals.i18n.I18n;
import dev.glassbox.visuals.chart.Series;
import dev.glassbox.visuals.context.CoverageMapView;
import dev.glassbox.visuals.context.PasskeyGridView;

/**
 * Context lab: 2-4 context-window methods on one text, side by side with shared axes (coverage, perplexity by
 * position, attention mass by distance, passkey retrieval, cost) plus the RoPE frequencies of scaling methods.
 * The numbers come from {@link ContextLab} (the same call as the {@code context-compare} command).
 */
final class ContextWorkspace extends WorkspacePane {
    static final List<String> PRESETS = List.of("full", "sliding:W=64", "streaming:sinks=4,W=60", "yarn:s=4", "ntk:s=4",
            "self-extend:G=4,w=128", "rosa:B=16", "xl:segment=64,memory=64", "compressive:memory=64,compressed=32,rate=4",
            "longformer:w=32,dilation=1");
    final List<ComboBox<String>> methods = new ArrayList<>();
    final Spinner<Integer> maxLen = new Spinner<>(8, 8192, 256, 32);
    final TextField passkeyLengths = new TextField("128,256");
    final Spinner<Integer> passkeyDepths = new Spinner<>(1, 9, 3);
    final Button openText = Texts.bind(new Button(), "context.openText");
    final Label source = Texts.label("teach.context.text.prompt");
    final Slider layer = new Slider(1, 1, 1);
    final Label layerLabel = Texts.label("context.layersN", 1);
    final HBox coverage = new HBox(6);
    final LinePlot perplexity = new LinePlot();
    final ToggleButton perplexityToggle = Texts.bind(new ToggleButton(), "context.showPerplexity");
    final LinePlot distance = new LinePlot();
    final ChoiceBox<String> passkeyMethod = new ChoiceBox<>();
    final PasskeyGridView passkey = new PasskeyGridView();
    final ListView<String> needleHeads = new ListView<>();
    final TableView<ContextLab.MethodResult> cost = new TableView<>();
    final LinePlot rope = new LinePlot();
    final TextField sweepTemplate = new TextField("sliding:W=8|16|32|64|128");
    final Button sweep = Texts.bind(new Button(), "context.sweep");
    final LinePlot pareto = new LinePlot();
    final Label notice = new Label();
    final Label hover = new Label(" ");
    private final List<CoverageMapView> coverageViews = new ArrayList<>();
    private Path textFile;
    /** Whether {@link #textFile} is the loaded model's lab text (replaced when another model loads). */
    private boolean textIsLab;
    private List<ContextLab.MethodResult> results = List.of();

    ContextWorkspace(AnalysisService service, Consumer<String> onError, Supplier<String> prompt) {
        super("context", service, onError, prompt);
        Texts.bind(run, "context.run");
        String[] defaults = {"full", "sliding:W=64", "streaming:sinks=4,W=60", "yarn:s=4"};
        for (int i = 0; i < 4; i++) {
            ComboBox<String> c = new ComboBox<>();
            c.setEditable(true);
            c.getItems().addAll(PRESETS);
            c.setValue(defaults[i]);
            c.setPromptText(I18n.text("context.unused"));
            c.setStyle("-fx-pref-width: 17em;"); // in em: 190 px cut "streaming:sinks=4,W=60" at every text size
            c.setId("contextMethod" + i);
            c.setTooltip(Texts.tooltip("context.methodTip"));
            methods.add(c);
        }
        maxLen.setId("contextMaxLen");
        maxLen.setEditable(true);
        passkeyLengths.setId("contextPasskeyLengths");
        passkeyLengths.setPrefColumnCount(8);
        passkeyLengths.setTooltip(Texts.tooltip("context.passkeyLengthsTip"));
        openText.setOnAction(e -> chooseText());
        layer.setId("contextLayer");
        layer.setMajorTickUnit(1);
        layer.setSnapToTicks(true);
        layer.setShowTickMarks(true);
        layer.setPrefWidth(260);
        layer.valueProperty().addListener((o, a, b) -> showCoverage());
        coverage.setId("contextCoverage");
        perplexity.setId("contextPerplexity");
        distance.setId("contextDistance");
        passkey.setId("contextPasskey");
        needleHeads.setId("contextNeedleHeads");
        cost.setId("contextCost");
        cost.setPlaceholder(Texts.label("context.costPlaceholder"));
        rope.setId("contextRope");
        notice.setId("contextNotice");
        notice.setWrapText(true);
        showNllOrPerplexity(false);
        perplexityToggle.setId("contextPerplexityToggle");
        perplexityToggle.selectedProperty().addListener((o, a, on) -> showNllOrPerplexity(on));
        Texts.onLocale(() -> {
            showNllOrPerplexity(perplexityToggle.isSelected());
            distance.setAxisLabels(I18n.text("context.distanceAxis"), I18n.text("context.massAxis"));
            rope.setAxisLabels(I18n.text("context.ropeAxis"), "");
            pareto.setAxisLabels(I18n.text("context.paretoAxis"), I18n.text("context.perplexity"));
        });
        for (LinePlot p : List.of(perplexity, distance, rope)) p.setPrefHeight(240);
        passkeyMethod.valueProperty().addListener((o, a, b) -> showPasskey());
        passkey.setOnCell(this::showNeedleHeads);
        cost.getColumns().addAll(List.of(
                col("context.col.method", r -> r.policy().label()),
                MetricTexts.header(col("context.col.kv", r -> String.format(Locale.ROOT, "%.3f", r.cost().kvBytes() / 1e6)), "kv_mb"),
                MetricTexts.header(col("context.col.flops", r -> String.format(Locale.ROOT, "%.4f", r.cost().attentionFlops() / 1e9)),
                        "attention_gflops"),
                MetricTexts.header(col("context.col.peak", r -> Integer.toString(r.cost().peakEntries())), "peak_kv"),
                MetricTexts.header(col("context.col.speed", r -> String.format(Locale.ROOT, "%.1f", r.tokensPerSecond())), "tokens_per_s"),
                MetricTexts.header(col("context.col.ppl", r -> String.format(Locale.ROOT, "%.3f", r.perplexity(0, Integer.MAX_VALUE))), "ppl")));
        cost.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        cost.setPrefHeight(150);
        var bar = ToolRow.of(explained("coverage", "perplexity", "distance", "passkey", "rope", "cost", "sweep"),
                run, cancel, progress, message, new Separator(), Texts.label("context.maxTokens"), maxLen,
                Texts.label("context.passkeyLengths"), passkeyLengths, Texts.label("context.depths"), passkeyDepths);
        var methodBar = ToolRow.of(Texts.label("context.methods")); // wraps rather than cutting the method names
        methodBar.getChildren().addAll(methods);
        methodBar.getChildren().addAll(new Separator(javafx.geometry.Orientation.VERTICAL), openText, source);
        GridPane grid = new GridPane(8, 8);
        grid.setPadding(new Insets(4));
        grid.add(panel("context.coverageTitle", new VBox(4, new HBox(6, layerLabel, layer), coverage)), 0, 0, 2, 1);
        VBox.setVgrow(perplexity, Priority.ALWAYS);
        grid.add(panel("context.perplexityTitle", new VBox(4, perplexityToggle, perplexity)), 0, 1);
        grid.add(panel("context.distanceTitle", distance), 1, 1);
        HBox pk = new HBox(6, passkey, needleHeads);
        HBox.setHgrow(passkey, Priority.ALWAYS);
        needleHeads.setPrefWidth(220);
        grid.add(panel("context.passkeyTitle", new VBox(4, passkeyMethod, pk)), 0, 2);
        grid.add(panel("context.ropeTitle", rope), 1, 2);
        grid.add(panel("context.costTitle", cost), 0, 3, 2, 1);
        sweepTemplate.setId("contextSweepTemplate");
        sweepTemplate.setPrefColumnCount(28);
        sweepTemplate.setTooltip(Texts.tooltip("context.sweepTip"));
        sweep.setId("contextSweep");
        sweep.setOnAction(e -> runSweep());
        pareto.setId("contextPareto");
        pareto.setPrefHeight(240);
        grid.add(panel("context.paretoTitle",
                new VBox(4, new HBox(6, Texts.label("context.sweepLabel"), sweepTemplate, sweep), pareto)), 0, 4, 2, 1);
        javafx.scene.layout.ColumnConstraints half = new javafx.scene.layout.ColumnConstraints();
        half.setPercentWidth(50);
        grid.getColumnConstraints().addAll(half, half);
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        setTop(new VBox(bar, methodBar, notice));
        setCenter(scroll);
        hover.setId("contextHover");
        setBottom(hover);
    }

    private static <S> TableColumn<S, String> col(String key, java.util.function.Function<S, String> f) {
        TableColumn<S, String> c = new TableColumn<>();
        c.textProperty().bind(I18n.bind(key));
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        return c;
    }

    private static Node panel(String key, Node content) {
        Label l = Texts.label(key);
        l.getStyleClass().add("view-title");
        BorderPane p = new BorderPane(content);
        p.setTop(l);
        return p;
    }

    List<ContextLab.MethodResult> results() { return results; }

    @Override
    boolean supports(LoadedModel m) {
        return m.model() instanceof LlamaModel && m.config().ropeStyle() != RopeStyle.NONE;
    }

    @Override
    void modelChanged(LoadedModel m) {
        results = List.of();
        coverage.getChildren().clear();
        coverageViews.clear();
        perplexity.setSeries(List.of());
        distance.setSeries(List.of());
        cost.getItems().clear();
        if (m != null && !supports(m)) {
            notice.setText(I18n.text("context.unsupported", m.name()));
        } else {
            notice.setText("");
        }
        Optional<Path> lab = m == null ? Optional.empty() : labText(m.source());
        if (lab.isPresent()) {
            useText(lab.get(), true);
        } else if (textIsLab) {
            useText(null, false); // the previous model's lab text is out of distribution for this one
        }
        if (m != null) {
            layer.setMax(Math.max(1, m.config().layers()));
            layer.setValue(1);
            NativeContext.of(m.source()).ifPresent(spec -> {
                // a model trained with a context method: compare its own method with full attention
                methods.get(0).setValue("full");
                methods.get(1).setValue(spec);
                notice.setText(I18n.text("context.native", m.name(), spec));
            });
        }
    }

    private void chooseText() {
        FileChooser fc = new FileChooser();
        fc.setTitle(I18n.text("context.openTitle"));
        File f = fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            useTextFile(f.toPath());
        }
    }

    void useTextFile(Path file) {
        useText(file, false);
    }

    private void useText(Path file, boolean lab) {
        textFile = file;
        textIsLab = file != null && lab;
        source.textProperty().bind(file == null ? I18n.bind("teach.context.text.prompt")
                : I18n.bind(lab ? "teach.context.text.lab" : "teach.context.text.file", shortName(file)));
    }

    /** "sample-models/stories-lab.txt": the file with its folder. */
    private static String shortName(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return (dir == null || dir.getFileName() == null ? "" : dir.getFileName() + "/") + file.getFileName();
    }

    /**
     * The held-out, in-distribution text of a context-lab sample model, by the sample-models layout: a model folder
     * {@code <task>-ctx-<method>} is scored on {@code <task>-lab.txt} beside it (stories-ctx-xl on stories-lab.txt,
     * induction-ctx-full on induction-lab.txt; sample-models/README.md). Scoring a text the model wrote itself under
     * full attention would favour full attention.
     */
    static Optional<Path> labText(Path modelSource) {
        if (modelSource == null) return Optional.empty();
        Path dir = Files.isDirectory(modelSource) ? modelSource : modelSource.getParent();
        if (dir != null && dir.getParent() == null) dir = dir.toAbsolutePath();
        if (dir == null || dir.getFileName() == null || dir.getParent() == null) return Optional.empty();
        String name = dir.getFileName().toString();
        int ctx = name.indexOf("-ctx-");
        if (ctx <= 0) return Optional.empty();
        Path lab = dir.getParent().resolve(name.substring(0, ctx) + "-lab.txt");
        return Files.isRegularFile(lab) ? Optional.of(lab) : Optional.empty();
    }

    List<ContextPolicy> policies(LoadedModel m) {
        List<ContextPolicy> out = new ArrayList<>();
        for (ComboBox<String> c : methods) {
            String spec = spec(c);
            if (!spec.isBlank()) {
                out.add(ContextPolicy.parse(NativeContext.resolve(spec.strip(), m.source()), m.config().contextLength()));
            }
        }
        return out;
    }

    /** The method a slot names: its edited text, else its picked value, else "". */
    private static String spec(ComboBox<String> c) {
        String typed = c.getEditor().getText();
        String spec = typed == null || typed.isBlank() ? c.getValue() : typed;
        return spec == null ? "" : spec.strip();
    }

    /** The methods, text and length as a session saves them. */
    SessionFile.ContextLab sessionState() {
        return new SessionFile.ContextLab(methods.stream().map(ContextWorkspace::spec).toList(),
                textFile == null ? "" : textFile.toAbsolutePath().normalize().toString(), maxLen.getValue());
    }

    /** Sets what {@code s} names: the method slots in order, the text (a file, or "" for the prompt), the length. */
    void restore(SessionFile.ContextLab s) {
        if (s.methods() != null) {
            for (int i = 0; i < methods.size(); i++) {
                String spec = i < s.methods().size() ? s.methods().get(i) : "";
                methods.get(i).setValue(spec);
                methods.get(i).getEditor().setText(spec);
            }
        }
        if (s.text() != null) {
            Path file = s.text().isEmpty() ? null : Path.of(s.text());
            useText(file, file != null && model() != null && labText(model().source())
                    .map(lab -> lab.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())).orElse(false));
        }
        if (s.maxLength() != null) {
            maxLen.getValueFactory().setValue(s.maxLength());
        }
    }

    int[] passkeyLengthValues() {
        return ContextLab.PasskeySettings.parseLengths(passkeyLengths.getText());
    }

    @Override
    void runNow() {
        LoadedModel m = model();
        if (m == null || !(m.model() instanceof LlamaModel llama)) return;
        List<ContextPolicy> policies;
        ContextLab.PasskeySettings pk;
        try {
            policies = policies(m);
            pk = new ContextLab.PasskeySettings(passkeyLengthValues(), passkeyDepths.getValue());
        } catch (IllegalArgumentException e) {
            error(I18n.text("context.error", e.getMessage()));
            return;
        }
        if (policies.isEmpty()) {
            error(I18n.text("context.noMethod"));
            return;
        }
        int max = maxLen.getValue();
        Path file = textFile;
        String prompt = promptText();
        launch(I18n.text("tab.context"), p -> {
            int[] ids = textIds(m, file, prompt, max);
            return ContextLab.run(llama, LearnedCompression.read(m.source(), m.config().layers()).orElse(null), m.tokenizer(), ids, policies, pk,
                    progress(p), p);
        }, r -> show(m, r));
    }

    /** The lab's progress as the status line shows it: "full: scoring: 21 of 1048, about 40 s left" (every method's positions). */
    static ContextLab.Progress progress(AnalysisService.Progress p) {
        Countdown[] left = {null};
        return (stage, done, total) -> {
            if (left[0] == null || left[0].total() != total) left[0] = new Countdown(stage, (int) total);
            p.update(left[0].text(stage, (int) done), done, total);
        };
    }

    /** Runs the parameter sweep on the same text the lab uses and plots perplexity against attention cost. */
    void runSweep() {
        LoadedModel m = model();
        if (m == null || !(m.model() instanceof LlamaModel llama)) return;
        String template = sweepTemplate.getText().strip();
        int max = maxLen.getValue();
        Path file = textFile;
        String prompt = promptText();
        launch(I18n.text("context.search"), p -> {
            final int[] text = textIds(m, file, prompt, max);
            return ContextSweep.run(llama, text, template, p, s -> p.update(I18n.text("context.sweeping", s), -1, 1));
        }, this::showSweep);
    }

    void showSweep(List<ContextSweep.Point> points) {
        List<ContextSweep.Point> byCost = new ArrayList<>(points);
        byCost.sort(java.util.Comparator.comparingLong(pt -> pt.cost().attentionFlops()));
        List<ContextSweep.Point> front = byCost.stream().filter(ContextSweep.Point::onFlopsFront).toList();
        pareto.setSeries(List.of(sweepSeries(I18n.text("context.allSettings"), byCost, Series.Style.POINTS),
                sweepSeries(I18n.text("context.front"), front, Series.Style.LINE_AND_POINTS)));
    }

    /** Each setting a labelled point; the front also joined by a line. */
    private static Series sweepSeries(String name, List<ContextSweep.Point> pts, Series.Style style) {
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i).cost().attentionFlops() / 1e9;
            y[i] = pts.get(i).perplexity();
        }
        return new Series(name, x, y, style, pts.stream().map(ContextSweep.Point::spec).toList());
    }

    /** The position plot in mean NLL (nats) or as perplexity, e^NLL. */
    private void showNllOrPerplexity(boolean asPerplexity) {
        perplexity.setExponentiated(asPerplexity);
        perplexity.setAxisLabels(I18n.text("context.positionAxis"),
                I18n.text(asPerplexity ? "context.perplexityAxis" : "context.nllAxis"));
    }

    /** Enough of a long text for {@code tokens} tokens (BPE encoding of a whole book would take minutes). */
    static String head(String text, int tokens) {
        long chars = 8L * tokens;
        return text.length() <= chars ? text : text.substring(0, (int) chars);
    }

    /** The text the lab scores: the file (lab text or opened) or else the prompt as typed, at most {@code max} tokens. */
    private static int[] textIds(LoadedModel m, Path file, String prompt, int max) throws java.io.IOException {
        int[] ids = file != null ? m.tokenizer().encode(head(Files.readString(file, StandardCharsets.UTF_8), max))
                : m.tokenizer().encode(prompt);
        if (ids.length > max) ids = Arrays.copyOf(ids, max);
        if (ids.length < 2) throw new IllegalArgumentException(I18n.text("context.tooShort", file != null ? file.toString() : I18n.text("context.thePrompt")));
        return ids;
    }

    private void show(LoadedModel m, List<ContextLab.MethodResult> r) {
        results = r;
        int trained = m.config().contextLength();
        List<Series> ppl = new ArrayList<>(), dist = new ArrayList<>();
        for (ContextLab.MethodResult mr : r) {
            double[] x = new double[mr.nll().length], y = new double[mr.nll().length];
            for (int t = 0; t < x.length; t++) {
                x[t] = t + 1;
                y[t] = mr.nll()[t];
            }
            ppl.add(new Series(mr.policy().label(), x, LinePlot.smooth(y, 16)));
            int buckets = usedBuckets(mr.massByDistance());
            double[] bx = new double[buckets];
            for (int b = 0; b < bx.length; b++) bx[b] = b;
            dist.add(new Series(mr.policy().label(), bx, Arrays.copyOf(mr.massByDistance(), buckets)));
        }
        perplexity.setSeries(ppl);
        perplexity.setMarker(trained, I18n.text("context.trainedLength", trained));
        distance.setSeries(dist);
        cost.getItems().setAll(r);
        passkeyMethod.getItems().setAll(r.stream().map(x -> x.policy().label()).toList());
        if (!r.isEmpty()) passkeyMethod.setValue(r.getFirst().policy().label());
        buildCoverage();
        showPasskey();
        showRope(m, r);
    }

    private void buildCoverage() {
        coverage.getChildren().clear();
        coverageViews.clear();
        for (ContextLab.MethodResult mr : results) {
            CoverageMapView v = new CoverageMapView();
            v.setPrefSize(220, 220);
            v.setOnMouseMoved(e -> {
                String d = v.describeAt(e.getX(), e.getY());
                hover.setText(d == null ? " " : mr.policy().label() + ": " + d);
            });
            v.setMaxWidth(Double.MAX_VALUE); // the maps share the row's width (large text: room for their keys)
            coverageViews.add(v);
            VBox box = new VBox(2, new Label(mr.policy().label()), v);
            HBox.setHgrow(box, javafx.scene.layout.Priority.ALWAYS);
            coverage.getChildren().add(box);
        }
        showCoverage();
    }

    /** Layer 1: each method's direct mask; above: the receptive field composed through that many layers. */
    void showCoverage() {
        int layers = (int) Math.round(layer.getValue());
        Texts.bind(layerLabel, "context.layersN", layers);
        for (int i = 0; i < Math.min(results.size(), coverageViews.size()); i++) {
            BitSet[] direct = results.get(i).direct();
            coverageViews.get(i).setCoverage(ContextLab.receptiveField(direct, layers), ContextLab.receptiveFieldReach(direct, layers));
        }
    }

    private ContextLab.MethodResult passkeyResult() {
        return results.stream().filter(x -> x.policy().label().equals(passkeyMethod.getValue())).findFirst().orElse(null);
    }

    void showPasskey() {
        ContextLab.MethodResult mr = passkeyResult();
        needleHeads.getItems().clear();
        if (mr == null || mr.passkey().isEmpty()) {
            passkey.setResults(new int[0], new double[0], new double[0][0]);
            return;
        }
        int[] lengths = mr.passkey().stream().mapToInt(Passkey.Outcome::length).distinct().toArray();
        double[] depths = mr.passkey().stream().mapToDouble(Passkey.Outcome::depth).distinct().sorted().toArray();
        double[][] acc = new double[depths.length][lengths.length];
        for (Passkey.Outcome o : mr.passkey()) {
            acc[Arrays.binarySearch(depths, o.depth())][indexOf(lengths, o.length())] = o.correct() ? 1 : 0;
        }
        passkey.setResults(lengths, depths, acc);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    void showNeedleHeads(int lengthIndex, int depthIndex) {
        ContextLab.MethodResult mr = passkeyResult();
        if (mr == null) return;
        int[] lengths = mr.passkey().stream().mapToInt(Passkey.Outcome::length).distinct().toArray();
        double[] depths = mr.passkey().stream().mapToDouble(Passkey.Outcome::depth).distinct().sorted().toArray();
        Passkey.Outcome o = mr.passkey().stream()
                .filter(x -> x.length() == lengths[lengthIndex] && x.depth() == depths[depthIndex]).findFirst().orElse(null);
        if (o == null) return;
        List<double[]> heads = new ArrayList<>();
        for (int l = 0; l < o.needleMass().length; l++) {
            for (int h = 0; h < o.needleMass()[l].length; h++) heads.add(new double[] {o.needleMass()[l][h], l, h});
        }
        heads.sort((a, b) -> Double.compare(b[0], a[0]));
        List<String> items = new ArrayList<>();
        items.add(I18n.text("context.passkeyCell", o.length(), o.depth(),
                I18n.text(o.correct() ? "context.found" : "context.missed"), o.answer()));
        for (double[] h : heads.subList(0, Math.min(10, heads.size()))) {
            items.add(I18n.text("context.needleMass", "L" + (int) h[1] + "H" + (int) h[2], h[0]));
        }
        needleHeads.getItems().setAll(items);
    }

    private void showRope(LoadedModel m, List<ContextLab.MethodResult> r) {
        var c = m.config();
        float[] base = Rope.of(c).invFreq();
        List<Series> s = new ArrayList<>();
        s.add(logSeries(I18n.text("context.modelSeries"), base));
        for (ContextLab.MethodResult mr : r) {
            if (mr.policy().rope() instanceof ContextPolicy.RopeChoice.Scaled sc) {
                int len = mr.nll().length + 1;
                s.add(logSeries(mr.policy().label(), sc.scaling().rope(c.ropeStyle(), c.headDim(), c.ropeTheta(), sc.factor(), sc.original(), len).invFreq()));
            }
        }
        // a dimension pair completes one turn over the trained length when its frequency is 2 pi / L
        double[] x = new double[base.length], y = new double[base.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
            y[i] = Math.log10(2 * Math.PI / c.contextLength());
        }
        s.add(new Series(I18n.text("context.wavelength", c.contextLength()), x, y));
        rope.setSeries(s);
    }

    /** Buckets up to the last one holding any mass (distances beyond the text are always empty). */
    private static int usedBuckets(double[] mass) {
        int n = mass.length;
        while (n > 1 && mass[n - 1] == 0) n--;
        return n;
    }

    private static Series logSeries(String name, float[] f) {
        double[] x = new double[f.length], y = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            x[i] = i;
            y[i] = Math.log10(f[i]);
        }
        return new Series(name, x, y);
    }

}
