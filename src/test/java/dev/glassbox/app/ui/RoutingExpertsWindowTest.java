package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.ModelEntry;
import dev.glassbox.app.service.ModelSource;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.ExpertRoutes;
import dev.glassbox.visuals.routing.ExpertLoadView;
import dev.glassbox.visuals.routing.RouteLanesView;

/**
 * The Routing workspace on the bundled sample models: expert lanes, router probabilities on hover, load bars and
 * the expert flow of moe-stories equal the engine's; they follow a generation live; random-routing-stories opens
 * with its trained policy.
 */
class RoutingExpertsWindowTest extends WindowTestBase {
    static final Path MOE = Path.of("sample-models/moe-stories");
    static final Path RANDOM = Path.of("sample-models/random-routing-stories");
    static final String PROMPT = "Once upon a time, Tom";

    RoutingExpertsWindowTest() {
        super(1500, 950, () -> new ModelCatalog(List.of(
                new ModelEntry("moe-stories", new ModelSource.OnDisk(MOE, null), true, true),
                new ModelEntry("random-routing-stories", new ModelSource.OnDisk(RANDOM, null), true, true))));
    }

    @Start
    void start(Stage stage) { show(stage); }

    /** The Routing workspace, made on the FX thread when no tab opened it yet. */
    private RoutingWorkspace routing() throws Exception {
        return WaitForAsyncUtils.asyncFx(window::routing).get();
    }

    private void runRouting(FxRobot robot, WindowDriver d) throws Exception {
        robot.interact(() -> {
            window.prompt.prompt.setText(PROMPT);
            window.selectWorkspace(3);
        });
        RoutingWorkspace ws = routing();
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        d.waitFor("the routing run", () -> ws.runsDoneProperty().get() > before);
    }

    @Test
    void expertLanesLoadBarsAndFlowEqualTheEngines(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        RoutingWorkspace ws = routing();
        assertEquals("dense", ws.policy.getValue(), "an expert model's own layer policy");
        runRouting(robot, d);

        LoadedModel ref = ModelLoader.load(MOE, null);
        int[] ids = ref.tokenizer().encode(PROMPT);
        List<ExpertRoutes.Hop[]> hops = ExpertRoutes.trace(ref.decoder(), ids, () -> false);
        List<RouteLanesView.Lane> lanes = ws.lanes.lanes();
        assertEquals(ids.length, lanes.size());
        for (int t = 0; t < ids.length; t++) {
            for (int l = 0; l < 2; l++) assertEquals(hops.get(t)[l].first(), lanes.get(t).expert()[l], "token " + t + " layer " + l);
        }
        assertFalse(ws.experts.isDisabled());

        var loads = ExpertRoutes.load(ExpertRoutes.expertLayers(ref.decoder()), hops, RoutingWorkspace.CAPACITY_FACTOR);
        List<ExpertLoadView.LayerBars> bars = ws.load.bars();
        assertEquals(2, bars.size());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(loads.get(l).balance().tokensPerExpert(), bars.get(l).tokens());
            assertEquals(2 * ids.length, bars.get(l).total(), "top-2: two assignments per token");
            assertTrue(bars.get(l).summary().contains(String.format(Locale.ROOT, "CV %.3f", loads.get(l).balance().coefficientOfVariation())),
                    bars.get(l).summary());
            assertTrue(bars.get(l).summary().contains(RoutingWorkspace.num(loads.get(l).balance().auxLoss())));
        }
        var flow = ws.flow.flow();
        assertEquals(List.of(0, 1), flow.layers());
        int moved = 0;
        for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) moved += flow.link(0, a, b);
        assertEquals(ids.length, moved, "every token flows from layer 0 to layer 1");

        // hover: exact router probabilities of the last token in layer 1
        int t = ids.length - 1;
        robot.interact(() -> ws.lanes.scrollTo(t));
        robot.moveTo(ws.lanes.localToScreen(ws.lanes.cellCenter(t, 1).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        String h = ws.hover.getText();
        ExpertRoutes.Hop hop = hops.get(t)[1];
        for (int e = 0; e < 4; e++) {
            assertTrue(h.contains(String.format(Locale.ROOT, "E%d %.4f", e, hop.probs()[e])), h);
        }
        assertTrue(h.contains(String.format(Locale.ROOT, "E%d (weight %.4f)", hop.first(), hop.weights()[0])), h);
    }

    @Test
    void expertLanesFollowAGenerationLive(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        RunOutcome out = d.generate("Once upon a time", 20);
        WaitForAsyncUtils.waitForFxEvents();
        RoutingWorkspace ws = routing();
        int n = out.trace().length();
        assertEquals(n, ws.lanes.lanes().size(), "one lane per forwarded token");
        LoadedModel ref = ModelLoader.load(MOE, null);
        int[] forwarded = java.util.Arrays.copyOf(out.tokens(), n);
        List<ExpertRoutes.Hop[]> hops = ExpertRoutes.trace(ref.decoder(), forwarded, () -> false);
        for (int t = 0; t < n; t++) {
            assertEquals(hops.get(t)[1].first(), ws.lanes.lanes().get(t).expert()[1], "token " + t);
        }
        assertEquals(2 * n, ws.load.bars().getFirst().total());
    }

    @Test
    void anOpenRoutingWorkspaceFollowsAGenerationLive(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.selectWorkspace(3));
        RoutingWorkspace ws = routing();
        robot.interact(() -> window.selectWorkspace(0));
        RunOutcome out = d.generate("Once upon a time", 20);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(out.trace().length(), ws.lanes.lanes().size(), "one lane per forwarded token");
        assertEquals(2 * out.trace().length(), ws.load.bars().getFirst().total());
    }

    @Test
    void randomRoutingModelOpensWithItsTrainedPolicy(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.models.getSelectionModel().select(1));
        d.waitFor("the random-routing model", () -> window.modelProperty().get() != null
                && window.modelProperty().get().name().equals("random-routing-stories"));
        RoutingWorkspace ws = routing();
        assertEquals("random:p=0.2", ws.policy.getValue());
        runRouting(robot, d);
        assertTrue(ws.experts.isDisabled(), "no experts in a dense model");
        assertEquals(4, ws.skipTable.getItems().size());
        assertTrue(ws.lanes.lanes().stream().allMatch(l -> l.expert() == null));
    }
}
