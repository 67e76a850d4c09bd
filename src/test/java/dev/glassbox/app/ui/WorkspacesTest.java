package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.Coverage;
import dev.glassbox.engine.context.PolicyRunner;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.RouteSampler;
import dev.glassbox.engine.routing.RoutingPolicy;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.heads.ScoreGridView;

/** The Heads, Context lab and Routing workspaces on a tiny random llama2.c model, checked against the engine. */
class WorkspacesTest extends WindowTestBase {
    static final String PROMPT = "the cat sat on the mat the cat sat on the mat";
    private static TinyModelFolder tiny;

    @BeforeAll
    static void writeModel() throws Exception {
        tiny = TinyModelFolder.write("glassbox-ws", 5);
    }

    WorkspacesTest() {
        super(1500, 950, () -> tiny.catalog());
    }

    @Start
    void start(Stage stage) { show(stage); }

    private void setPrompt(FxRobot robot, String text) {
        robot.interact(() -> window.prompt.prompt.setText(text));
    }

    private void workspace(FxRobot robot, KeyCode digit, int index) {
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(digit).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(index, window.workspaces.getSelectionModel().getSelectedIndex(), "Ctrl+" + (index + 1));
    }

    private String hoverOn(FxRobot robot, Node view, Point2D local, javafx.scene.control.Label label) {
        robot.moveTo(view.localToScreen(local));
        WaitForAsyncUtils.waitForFxEvents();
        return label.getText();
    }

    private void runAndWait(FxRobot robot, WindowDriver d, WorkspacePane ws, String what) throws Exception {
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        d.waitFor(what, () -> ws.runsDoneProperty().get() > before);
    }

    @Test
    void hiddenWorkspacesAreMadeWhenTheirTabOpensWithTheCurrentModel(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.clickOn("#promptField");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        robot.press(KeyCode.CONTROL).type(KeyCode.P).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        List<Lazy<? extends Node>> hidden = List.of(window.heads, window.context, window.routing, window.train);
        assertTrue(hidden.stream().noneMatch(Lazy::isMade), "Esc and Ctrl+P leave unopened workspaces unmade");

        KeyCode[] digits = {KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5};
        for (int i = 0; i < digits.length; i++) {
            workspace(robot, digits[i], i + 1);
            assertTrue(hidden.get(i).isMade(), "Ctrl+" + (i + 2) + " makes its workspace");
            assertTrue(window.workspaces.getTabs().get(i + 1).getContent() == hidden.get(i).get(), "and shows it");
            if (hidden.get(i).get() instanceof WorkspacePane w) {
                assertTrue(w.model() == window.modelProperty().get(), w.getId() + " has the loaded model");
                assertFalse(w.run.isDisabled(), w.getId() + " can run on it");
            }
        }
    }

    @Test
    void headsWorkspaceShowsTheEngineScores(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        setPrompt(robot, PROMPT);
        workspace(robot, KeyCode.DIGIT2, 1);
        HeadsWorkspace ws = window.heads();
        runAndWait(robot, d, ws, "the head analysis");

        LoadedModel ref = ModelLoader.load(tiny.model(), null);
        int[] tokens = HeadsAnalysis.inputTokens(ref, PROMPT);
        HeadReport r = HeadAnalysis.analyse((LlamaModel) ref.model(), tokens, HeadsAnalysis.settings(ref), Parallel.SERIAL);

        robot.interact(() -> ws.role.setValue("previous-token"));
        double prev = r.row(1, 2).roles().previousToken();
        String text = hoverOn(robot, ws.overview, ws.overview.cellCenter(1, 2).orElseThrow(), ws.hover);
        assertEquals("layer 1 \u00b7 H2: " + MetricTexts.name("previous-token") + " = " + ScoreGridView.format(prev), text);

        robot.interact(() -> {
            ws.metric.setValue("js");
            ws.layer.getValueFactory().setValue(1);
        });
        double js = r.table("js", 1, 1).get(0, 3);
        text = hoverOn(robot, ws.similarity, ws.similarity.cellCenter(0, 3).orElseThrow(), ws.hover);
        assertEquals("L1H0 \u00b7 L1H3: js = " + ScoreGridView.format(js), text);
        int[] order = ws.similarity.rowOrder();
        assertEquals(TinyLlama2c.HEADS, java.util.Arrays.stream(order).distinct().count(), "the clustered order is a permutation");

        robot.clickOn(ws.overview.localToScreen(ws.overview.cellCenter(1, 2).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("layer 1 \u00b7 head 2", ws.headTitle.getText());
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> ws.pattern.matrix() != null); // built off the FX thread
        assertEquals(tokens.length, ws.pattern.matrix().rows(), "the clicked head's pattern is shown");

        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.ablate);
        d.waitFor("the ablation", () -> ws.runsDoneProperty().get() > before);
        HeadAblation.Effect e = HeadAblation.ablate(ref.decoder(), tokens, r.clean(), 1, 2, new float[ref.config().headDim()], 5);
        assertTrue(ws.ablation.getText().contains(String.format(Locale.ROOT, "KL(last) %.4f nats", e.klLast())), ws.ablation.getText());
        assertTrue(ws.ablation.getText().contains(ref.tokenizer().display(e.topAfter()[0])));

        Path export = tiny.dir().resolve("heads-export");
        org.testfx.util.WaitForAsyncUtils.asyncFx(() -> ws.exportTo(export))
                .get(10, java.util.concurrent.TimeUnit.SECONDS).get(60, java.util.concurrent.TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(export.resolve("roles.csv"), StandardCharsets.UTF_8);
        assertEquals(TinyLlama2c.LAYERS * TinyLlama2c.HEADS + 1, lines.size());
        String[] row = lines.get(1 + TinyLlama2c.HEADS + 2).split(",");
        assertEquals("1", row[0]);
        assertEquals("2", row[1]);
        assertEquals(prev, Double.parseDouble(row[3]), 1e-6);
        assertTrue(Files.exists(export.resolve("js.layer1.csv")));
        assertTrue(Files.exists(export.resolve("js.layer1.npy")));
        assertTrue(Files.exists(export.resolve("manifest.json")));
    }

    @Test
    void contextLabComparesMethodsOnATextFile(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        workspace(robot, KeyCode.DIGIT3, 2);
        ContextWorkspace ws = window.context();
        Path text = tiny.dir().resolve("text.txt");
        Files.writeString(text, "the cat sat on the mat. ".repeat(20));
        d.fillContextLab(ws, text, 80, "40", "full", "sliding:W=16", "yarn:s=4", "");
        robot.interact(() -> ws.passkeyDepths.getValueFactory().setValue(2));
        runAndWait(robot, d, ws, "the context lab");
        assertEquals(3, ws.results().size());
        assertEquals(3, ws.cost.getItems().size());
        assertEquals(3, ws.perplexity.series().size());
        assertEquals(3, ws.coverage.getChildren().size());
        assertEquals(3, ws.rope.series().size(), "model, yarn and the trained-length line");

        LoadedModel ref = ModelLoader.load(tiny.model(), null);
        int[] ids = java.util.Arrays.copyOf(ref.tokenizer().encode(Files.readString(text)), 80);
        ContextPolicy sliding = ContextPolicy.parse("sliding:W=16", ref.config().contextLength());
        float[] nll = new PolicyRunner((LlamaModel) ref.model(), sliding).run(ids, null, () -> false, null).nll();
        float[] shown = ws.results().get(1).nll();
        assertEquals(nll.length, shown.length);
        for (int t = 0; t < nll.length; t++) {
            assertEquals(nll[t], shown[t], 1e-4, "nll at " + t + " (float sums may differ in the last bits across thread splits)");
        }

        // hover the sliding window's coverage map at (query 70, key 60): 16 visible positions, reach over 2 layers
        Node box = ws.coverage.getChildren().get(1);
        var view = (dev.glassbox.visuals.context.CoverageMapView) ((javafx.scene.layout.VBox) box).getChildren().get(1);
        robot.interact(() -> view.localToScene(0, 0));
        assertNotNull(view.getScene(), "coverage map in the scene");
        double side = Math.min(view.canvas().getWidth(), view.canvas().getHeight());
        BitSet[] direct = Coverage.direct(sliding, 80);
        String h = hoverOn(robot, view, new Point2D((60 + 0.5) * side / 80, (70 + 0.5) * side / 80), ws.hover);
        assertTrue(h.startsWith("sliding:W=16: query 70, key 60: visible; sees " + direct[70].cardinality() + " positions directly"), h);

        robot.interact(() -> ws.layer.setValue(2));
        h = hoverOn(robot, view, new Point2D((60 + 0.5) * side / 80, (70 + 0.5) * side / 80), ws.hover);
        int reach = Coverage.reach(direct, 2)[70];
        assertTrue(h.endsWith("reaches back " + reach + " tokens through the layers"), h);
        assertTrue(reach > direct[70].cardinality(), "two layers see further than one");

        robot.interact(() -> ws.showNeedleHeads(0, 0));
        assertTrue(ws.needleHeads.getItems().size() > 1);
        assertTrue(ws.needleHeads.getItems().get(1).matches("L\\dH\\d needle mass .*"), ws.needleHeads.getItems().get(1));

        // efficiency search on the same text: the plot holds every setting by cost and the engine's Pareto front
        robot.interact(() -> ws.sweepTemplate.setText("sliding:W=4|16|64"));
        int before = ws.runsDoneProperty().get();
        robot.interact(ws::runSweep);
        d.waitFor("the sweep", () -> ws.runsDoneProperty().get() > before);
        var expected = new java.util.ArrayList<>(dev.glassbox.engine.context.ContextSweep.run((LlamaModel) ref.model(), ids,
                "sliding:W=4|16|64", () -> false, null));
        expected.sort(java.util.Comparator.comparingLong(pt -> pt.cost().attentionFlops()));
        assertEquals(2, ws.pareto.series().size());
        var all = ws.pareto.series().get(0);
        assertEquals(3, all.x().length);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected.get(i).cost().attentionFlops() / 1e9, all.x()[i], 1e-12);
            assertEquals(expected.get(i).perplexity(), all.y()[i], 1e-6 * expected.get(i).perplexity(), "relative: float sums differ in the last bits between runs");
        }
        assertEquals(expected.stream().filter(dev.glassbox.engine.context.ContextSweep.Point::onFlopsFront).count(),
                ws.pareto.series().get(1).x().length);
    }

    @Test
    void contextLabRunCanBeCancelled(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        workspace(robot, KeyCode.DIGIT3, 2);
        ContextWorkspace ws = window.context();
        Path text = tiny.dir().resolve("long.txt");
        Files.writeString(text, "the cat sat on the mat. ".repeat(2000));
        d.fillContextLab(ws, text, 2048, "2000", "full", "full", "full", "full");
        robot.clickOn(ws.run);
        d.waitFor("the run to start", () -> !ws.cancel.isDisabled());
        robot.clickOn(ws.cancel);
        d.waitFor("the cancel", () -> ws.message.getText().equals("Cancelled"));
        assertFalse(ws.run.isDisabled(), "Run is available again");
        assertFalse(window.errorBanner.isVisible(), "cancelling is not an error");
        assertEquals(0, ws.runsDoneProperty().get());
    }

    @Test
    void routingWorkspaceShowsRunProbabilitiesAndLayerSkips(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        setPrompt(robot, "the cat sat");
        workspace(robot, KeyCode.DIGIT4, 3);
        RoutingWorkspace ws = window.routing();
        robot.interact(() -> {
            ws.policy.getEditor().setText("random:p=0.5");
            ws.policy.setValue("random:p=0.5");
            ws.samples.getValueFactory().setValue(8);
        });
        runAndWait(robot, d, ws, "the routing run");
        LoadedModel ref = ModelLoader.load(tiny.model(), null);
        int[] ids = ref.tokenizer().encode("the cat sat");
        List<RouteSampler.TokenRoutes> expected = RouteSampler.sample(ref.decoder(), ids,
                RoutingPolicy.parse("random:p=0.5", TinyLlama2c.LAYERS), 8, 42L, RoutingWorkspace.TOP_K, () -> false);
        assertEquals(ids.length, ws.routes().size());
        int t = ids.length - 1;
        double[] p = RoutingWorkspace.runProbability(expected.get(t), TinyLlama2c.LAYERS);
        String h = hoverOn(robot, ws.lanes, ws.lanes.cellCenter(t, 1).orElseThrow(), ws.hover);
        assertTrue(h.contains(String.format(Locale.ROOT, "layer 1: ran in %.1f%% of routes", p[1] * 100)), h);

        assertEquals(TinyLlama2c.LAYERS, ws.skipTable.getItems().size());
        var full = RouteSampler.sample(ref.decoder(), ids, RoutingPolicy.parse("skip:0", TinyLlama2c.LAYERS), 1, 42L, 5, () -> false);
        double kl = full.stream().mapToDouble(RouteSampler.TokenRoutes::meanKl).sum() / full.size();
        assertEquals(kl, ws.skipTable.getItems().getFirst().meanKl(), 1e-6 * Math.max(1, kl), "float sums may differ in the last bits across thread splits");
        assertTrue(ws.experts.isDisabled(), "no experts in a dense model");
        assertNotNull(ws.paths.getItems().getFirst());
        assertTrue(ws.tokenTitle.getText().startsWith("token " + t));
    }
}
