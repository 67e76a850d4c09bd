package dev.glassbox.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import javafx.beans.property.ReadOnlyStringWrapper;

import dev.glassbox.app.service.AnalysisService;
import dev.glassbox.app.service.Countdown;
import dev.glassbox.app.service.SessionFile;
import dev.glassbox.app.service.IdleText;
import dev.glassbox.engine.model.ExpertMlp;
import dev.glassbox.engine.routing.ExpertRoutes;
import dev.glassbox.visuals.routing.ExpertFlowView;
import dev.glassbox.visuals.routing.ExpertLoadView;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.LayerSkipScan;
import dev.glassbox.engine.routing.RouteSampler;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.visuals.i18n.I18n;
import dev.glassbox.visuals.routing.RouteLanesView;

/**
 * Routing explorer: sample per-token paths through the layers under a policy (RouteSampler), show token x layer
 * run probabilities, each token's sampled paths with their predictions and KL to full depth, and the damage of
 * skipping each layer alone. On a mixture-of-experts model the lanes show each token's first-choice expert
 * (hover: router probabilities), with an alluvial view of expert-to-expert flow and the expert load bars; these
 * also follow a generation live. The policy starts as the model's own (its trained random routing, if any).
 */
final class RoutingWorkspace extends WorkspacePane {
    static final int TOP_K = 5;
    static final String LEGEND = "routing.legend";
    static final String EXPERT_LEGEND = "routing.expertLegend";
    final ComboBox<String> policy = new ComboBox<>();
    final Spinner<Integer> samples = new Spinner<>(1, 256, 16);
    final RouteLanesView lanes = new RouteLanesView();
    final ListView<String> paths = new ListView<>();
    final Label tokenTitle = Texts.label("routing.tokenTitle");
    final TableView<LayerSkipScan.Row> skipTable = new TableView<>();
    final Label hover = new Label(" ");
    final TitledPane experts = new TitledPane();
    final ExpertLoadView load = new ExpertLoadView();
    final ExpertFlowView flow = new ExpertFlowView();
    private final Label noExperts = new Label();
    private final VBox flowBox = new VBox(2, Texts.label("routing.flowTitle"), flow);
    private final SplitPane left = new SplitPane();
    private List<RouteSampler.TokenRoutes> routes = List.of();
    private List<ExpertRoutes.Hop[]> hops = List.of();
    private ExpertMlp[] expertLayers = new ExpertMlp[0];

    record Result(List<RouteSampler.TokenRoutes> routes, List<LayerSkipScan.Row> skips, List<ExpertRoutes.Hop[]> hops) {
    }

    RoutingWorkspace(AnalysisService service, Consumer<String> onError, Supplier<String> prompt) {
        super("routing", service, onError, prompt);
        Texts.bind(run, "routing.run");
        policy.setId("routingPolicy");
        samples.setId("routingSamples");
        lanes.setId("routingLanes");
        paths.setId("routingPaths");
        skipTable.setId("routingSkips");
        hover.setId("routingHover");
        IdleText.show(hover.textProperty(), LEGEND);
        experts.setId("routingExperts");
        policy.setEditable(true);
        policy.getItems().addAll("dense", "skip:1", "keep:0;1", "random:p=0.2", "stochastic-depth:p=0.1");
        policy.setValue("stochastic-depth:p=0.1");
        policy.setTooltip(Texts.tooltip("routing.policyTip"));
        samples.setEditable(true);
        samples.setTooltip(Texts.tooltip("routing.samplesTip"));
        lanes.setOnMouseMoved(e -> {
            String s = lanes.describeAt(e.getX(), e.getY());
            hover.setText(s == null ? legend() : s.replace("\n", " \u00b7 "));
        });
        lanes.setOnMouseClicked(e -> showToken(laneAt(e.getY())));
        TableColumn<LayerSkipScan.Row, String> l = column("routing.col.layer", r -> Integer.toString(r.layer()));
        TableColumn<LayerSkipScan.Row, String> kl = MetricTexts.header(column("routing.col.kl", r -> num(r.meanKl())), "kl_skip");
        TableColumn<LayerSkipScan.Row, String> nll = MetricTexts.header(column("routing.col.nllSkip", r -> num(r.meanNll())), "nll_skip");
        TableColumn<LayerSkipScan.Row, String> full = MetricTexts.header(column("routing.col.nllFull", r -> num(r.fullNll())), "nll_full");
        skipTable.getColumns().addAll(List.of(l, kl, nll, full));
        skipTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        skipTable.setPrefHeight(190);
        paths.setPrefHeight(260);
        skipTable.setPlaceholder(Texts.label("routing.skipPlaceholder"));
        Texts.bind(noExperts, "routing.noExperts");
        noExperts.setWrapText(true);
        load.setId("routingLoad");
        Tooltip.install(load, MetricTexts.definitions("cv", "max_mean", "over_capacity", "aux_loss"));
        flow.setId("routingFlow");
        flow.setOnMouseMoved(e -> {
            String s = flow.describeAt(e.getX(), e.getY());
            hover.setText(s == null ? legend() : s);
        });
        Texts.bind(experts, "routing.expertLoad");
        experts.setContent(noExperts);
        experts.setExpanded(true);
        experts.setDisable(true);
        var bar = ToolRow.of(explained("lanes", "paths", "skips", "flow", "load"), run, cancel, progress, message,
                new Separator(), Texts.label("routing.policy"), policy,
                Texts.label("routing.samples"), samples);
        VBox side = new VBox(6, tokenTitle, paths, Texts.label("routing.skipEach"), skipTable, experts);
        side.setPadding(new Insets(4));
        javafx.scene.control.ScrollPane sideScroll = new javafx.scene.control.ScrollPane(side);
        sideScroll.setFitToWidth(true);
        left.setOrientation(javafx.geometry.Orientation.VERTICAL);
        left.getItems().add(lanes);
        VBox.setVgrow(flow, javafx.scene.layout.Priority.ALWAYS);
        SplitPane split = new SplitPane(left, sideScroll);
        split.setDividerPositions(0.55);
        setTop(bar);
        setCenter(split);
        setBottom(hover);
    }

    private static <S> TableColumn<S, String> column(String key, java.util.function.Function<S, String> f) {
        TableColumn<S, String> c = new TableColumn<>();
        c.textProperty().bind(I18n.bind(key));
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        return c;
    }

    static String num(double v) { return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v); }

    List<RouteSampler.TokenRoutes> routes() { return routes; }

    @Override
    boolean supports(LoadedModel m) { return m.isDecoder(); }

    @Override
    void modelChanged(LoadedModel m) {
        routes = List.of();
        hops = List.of();
        lanes.setLanes(List.of(), 0);
        paths.getItems().clear();
        skipTable.getItems().clear();
        expertLayers = m != null && m.isDecoder() ? ExpertRoutes.expertLayers(m.decoder()) : new ExpertMlp[0];
        experts.setContent(expertLayers.length > 0 ? load : noExperts);
        if (expertLayers.length > 0 && !left.getItems().contains(flowBox)) {
            left.getItems().add(flowBox);
            left.setDividerPositions(0.6);
        } else if (expertLayers.length == 0) {
            left.getItems().remove(flowBox);
        }
        paths.setPrefHeight(expertLayers.length > 0 ? 170 : 260);
        skipTable.setPrefHeight(expertLayers.length > 0 ? 120 : 190);
        hover.setText(legend());
        experts.setDisable(expertLayers.length == 0);
        load.setBars(List.of());
        flow.setFlow(new ExpertFlowView.Flow(List.of(), 0, new int[0][]));
        if (m != null && m.isDecoder()) {
            policy.setValue(ExpertRoutes.ownPolicy(m.decoder(), "stochastic-depth:p=0.1"));
        }
        if (m != null && !supports(m)) {
            message.setText(I18n.text("routing.encoder", m.name()));
        } else if (m != null) {
            message.setText(I18n.text("routing.press", m.config().layers()));
        }
    }

    /** The policy typed, else the one picked. */
    private String policySpec() {
        return policy.getEditor().getText().isBlank() ? policy.getValue() : policy.getEditor().getText();
    }

    /** The policy and route count as a session saves them. */
    SessionFile.Routing sessionState() { return new SessionFile.Routing(policySpec(), samples.getValue()); }

    /** Sets what {@code s} names: the policy, the route count. */
    void restore(SessionFile.Routing s) {
        if (s.policy() != null) {
            policy.setValue(s.policy());
            policy.getEditor().setText(s.policy());
        }
        if (s.samples() != null) {
            samples.getValueFactory().setValue(s.samples());
        }
    }

    @Override
    void runNow() {
        LoadedModel m = model();
        if (m == null) return;
        int layers = m.config().layers();
        RoutingPolicy p;
        try {
            p = RoutingPolicy.parse(policySpec(), layers);
            p.sample(layers, new java.util.Random(0)); // validates layer numbers now, not on the engine thread
        } catch (IllegalArgumentException e) {
            error(I18n.text("routing.policyError", e.getMessage()));
            return;
        }
        String text = promptText();
        int n = samples.getValue();
        boolean experts = expertLayers.length > 0;
        launch(I18n.text("routing.task", p.label()), pr -> route(m, text, p, n, experts, pr), r -> show(m, r));
    }

    /**
     * The sampling run (engine thread): {@code n} paths per token of {@code text}'s first context length, then each
     * layer skipped in turn, then (expert models) the expert routes.
     */
    static Result route(LoadedModel m, String text, RoutingPolicy p, int n, boolean experts, AnalysisService.Progress pr) {
        int layers = m.config().layers();
        int[] all = m.tokenizer().encode(text);
        // the text (prompt plus generated output) may exceed the context: route its first contextLength tokens
        int[] ids = java.util.Arrays.copyOf(all, Math.min(all.length, m.config().contextLength()));
        if (ids.length < 2) {
            throw new IllegalArgumentException(I18n.text("routing.tooShort"));
        }
        // the bar: sampling as one part, then each skipped layer; the text counts positions, then layers, with time left
        Countdown positions = new Countdown(I18n.text("routing.sampling", n), ids.length);
        pr.update(positions.text(0), 0, layers + 1);
        var rs = RouteSampler.sample(m.decoder(), ids, p, n, 42L, TOP_K, pr,
                t -> pr.update(positions.text(t), (double) t / ids.length, layers + 1));
        Countdown skipped = new Countdown(I18n.text("routing.skipping"), layers);
        pr.update(skipped.text(0), 1, layers + 1);
        var skips = LayerSkipScan.run(m.decoder(), ids, 42L, TOP_K, pr,
                l -> pr.update(skipped.text(l + 1), l + 2, layers + 1));
        var hs = experts ? ExpertRoutes.trace(m.decoder(), ids, pr) : List.<ExpertRoutes.Hop[]>of();
        return new Result(rs, skips, hs);
    }

    private void show(LoadedModel m, Result r) {
        routes = r.routes();
        hops = r.hops();
        int layers = m.config().layers();
        Tokenizer tok = m.tokenizer();
        List<RouteLanesView.Lane> ls = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteSampler.TokenRoutes t = routes.get(i);
            ExpertRoutes.Hop[] h = i < hops.size() ? hops.get(i) : null;
            ls.add(new RouteLanesView.Lane(tok.display(t.token()), runProbability(t, layers), firstExperts(h, layers),
                    topPaths(t, 3), cellDetails(h, layers)));
        }
        lanes.setLanes(ls, layers);
        skipTable.getItems().setAll(r.skips());
        showExperts(hops);
        showToken(routes.size() - 1);
    }

    /**
     * A generation's routes as they stream in (expert models only): lanes coloured by expert, flow and load
     * over the tokens so far. Ignored while a sampling run is on screen for the same tokens or running.
     */
    void showLive(LoadedModel m, int[] tokens, List<ExpertRoutes.Hop[]> live) {
        if (m != model() || expertLayers.length == 0 || busy() || live.isEmpty()) return;
        int layers = m.config().layers();
        routes = List.of();
        hops = List.copyOf(live);
        List<RouteLanesView.Lane> ls = new ArrayList<>();
        double[] ran = new double[layers];
        java.util.Arrays.fill(ran, 1);
        for (int i = 0; i < hops.size() && i < tokens.length; i++) {
            ls.add(new RouteLanesView.Lane(m.tokenizer().display(tokens[i]), ran, firstExperts(hops.get(i), layers),
                    I18n.text("routing.live"), cellDetails(hops.get(i), layers)));
        }
        lanes.setLanes(ls, layers);
        showExperts(hops);
    }

    private void showExperts(List<ExpertRoutes.Hop[]> hs) {
        if (expertLayers.length == 0 || hs.isEmpty()) return;
        List<ExpertLoadView.LayerBars> bars = new ArrayList<>();
        for (ExpertRoutes.LayerLoad ll : ExpertRoutes.load(expertLayers, hs, CAPACITY_FACTOR)) {
            var b = ll.balance();
            bars.add(new ExpertLoadView.LayerBars(ll.layer(), b.tokensPerExpert(), I18n.text(
                    "routing.balance", b.coefficientOfVariation(),
                    b.maxOverMean(), 100 * b.overCapacity(), num(b.auxLoss()))));
        }
        load.setBars(bars);
        List<Integer> cols = new ArrayList<>();
        for (int l = 0; l < expertLayers.length; l++) if (expertLayers[l] != null) cols.add(l);
        int[][] first = new int[hs.size()][cols.size()];
        for (int t = 0; t < hs.size(); t++) {
            for (int c = 0; c < cols.size(); c++) first[t][c] = hs.get(t)[cols.get(c)].first();
        }
        flow.setFlow(new ExpertFlowView.Flow(cols, expertLayers[cols.getFirst()].experts(), first));
    }

    private String legend() { return I18n.text(expertLayers.length > 0 ? EXPERT_LEGEND : LEGEND); }

    /** Capacity = factor x assignments / experts (Switch Transformer's capacity factor 1.0). */
    static final double CAPACITY_FACTOR = 1.0;

    private static int[] firstExperts(ExpertRoutes.Hop[] h, int layers) {
        if (h == null) return null;
        int[] e = new int[layers];
        for (int l = 0; l < layers; l++) e[l] = h[l] == null ? -1 : h[l].first();
        return e;
    }

    /** Per MoE layer: the chosen experts with their gate weights and the router's probability of every expert. */
    static String[] cellDetails(ExpertRoutes.Hop[] h, int layers) {
        if (h == null) return null;
        String[] out = new String[layers];
        for (int l = 0; l < layers; l++) {
            if (h[l] == null) continue;
            StringBuilder sb = new StringBuilder(I18n.text("routing.experts"));
            for (int j = 0; j < h[l].experts().length; j++) {
                sb.append(j == 0 ? " " : ", ").append('E').append(h[l].experts()[j])
                        .append(I18n.text("routing.weight", h[l].weights()[j]));
            }
            sb.append(I18n.text("routing.routerP"));
            for (int e = 0; e < h[l].probs().length; e++) {
                sb.append(String.format(Locale.ROOT, " E%d %.4f", e, h[l].probs()[e]));
            }
            out[l] = sb.toString();
        }
        return out;
    }

    /** Per layer, the fraction of this token's sampled paths that ran it. */
    static double[] runProbability(RouteSampler.TokenRoutes t, int layers) {
        double[] p = new double[layers];
        int total = 0;
        for (RouteSampler.PathOutcome o : t.paths()) {
            total += o.count();
            for (int l = 0; l < layers; l++) if (o.path().runs(l)) p[l] += o.count();
        }
        for (int l = 0; l < layers; l++) p[l] /= Math.max(1, total);
        return p;
    }

    private static String topPaths(RouteSampler.TokenRoutes t, int k) {
        StringBuilder sb = new StringBuilder(I18n.text("routing.topPaths"));
        t.paths().stream().sorted((a, b) -> Integer.compare(b.count(), a.count())).limit(k)
                .forEach(o -> sb.append(String.format(Locale.ROOT, " %s \u00d7%d (KL %.3f)", o.path().label(), o.count(), o.klToFull())));
        return sb.toString();
    }

    /** Lane index under y (-1: none). */
    private int laneAt(double y) {
        return lanes.laneAt(y);
    }

    void showToken(int i) {
        if (i < 0 || i >= routes.size()) return;
        Tokenizer tok = model().tokenizer();
        RouteSampler.TokenRoutes t = routes.get(i);
        tokenTitle.textProperty().unbind();
        tokenTitle.setText(I18n.text("routing.token",
                t.position(), tok.display(t.token()), top(tok, t.fullTopIds(), t.fullTopProbs()), t.meanKl(), t.klEnsemble()));
        List<String> items = new ArrayList<>();
        for (RouteSampler.PathOutcome o : t.paths().stream().sorted((a, b) -> Integer.compare(b.count(), a.count())).toList()) {
            items.add(String.format(Locale.ROOT, "%s \u00d7%d \u00b7 KL %.4f \u00b7 %s", o.path().label(), o.count(), o.klToFull(),
                    top(tok, o.topIds(), o.topProbs())));
        }
        if (t.nextToken() >= 0) {
            items.add(I18n.text("routing.next",
                    tok.display(t.nextToken()), t.fullNll(), t.meanPathNll(), t.ensembleNll()));
        }
        paths.getItems().setAll(items);
    }

    private static String top(Tokenizer tok, int[] ids, float[] probs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, ids.length); i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(tok.display(ids[i])).append('\'')
                    .append(String.format(Locale.ROOT, " %.3f", probs[i]));
        }
        return sb.toString();
    }
}
