package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javafx.scene.Scene;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.AttentionRows;
import dev.glassbox.app.service.GridContent;
import dev.glassbox.app.service.TraceViews;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.testing.TestStage;
import dev.glassbox.testing.TinyLlama;

/** Past 256 positions the grid shows tiles; a head opened from it is shown with its exact pattern once recomputed. */
@ExtendWith(ApplicationExtension.class)
class ExactHeadViewTest {
    private static final int N = 300;
    private ExplorerPane pane;

    @Start
    void start(Stage stage) {
        pane = new ExplorerPane(e -> { throw new AssertionError(e); }, (export, done, cancelled) -> { });
        TestStage.show(stage, new Scene(pane, 900, 600));
    }

    @Test
    void aHeadOpenedFromATiledGridShowsItsExactRows(FxRobot robot) throws Exception {
        LlamaModel model = TinyLlama.model(4, 16, 24, 2, 4, 2, TinyLlama.VOCAB, N + 8);
        int layers = model.config().layers();
        int heads = model.config().heads();
        int[] tokens = new int[N];
        Random r = new Random(2);
        for (int i = 0; i < N; i++) tokens[i] = 3 + r.nextInt(TinyLlama.VOCAB - 3);
        Trace stored = run(model, tokens, true);
        Trace rows = run(model, tokens, false); // the rows each step used to keep: the reference
        AttentionRows attention = new AttentionRows(layers);
        attention.update(stored);
        GridContent content = TraceViews.build(attention, tokens, null, layers, heads, true);
        assertNotNull(content.exact(), "a stored run past 256 positions is tiled");
        int layer = 1;
        int head = 2;
        assertTrue(content.rows().get(layer).cells().get(head).rows() < N, "the grid's cell is a tile map");

        robot.interact(() -> pane.show(content));
        robot.clickOn(pane.grid.cell(layer, head));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> pane.head.heatmap.matrix() != null
                && pane.head.heatmap.matrix().rows() == N);
        var shown = pane.head.heatmap.matrix();
        float[][] expected = rows.attentionPattern(layer).orElseThrow()[head];
        assertEquals(N, shown.cols());
        assertEquals(Integer.toString(tokens[N - 1]), shown.queryLabels().get(N - 1));
        for (int q = 0; q < N; q++) {
            for (int k = 0; k < N; k++) {
                float want = k < expected[q].length ? expected[q][k] : 0f;
                int qq = q, kk = k;
                assertEquals(want, shown.get(q, k), 1e-5, () -> "row " + qq + ", key " + kk);
            }
        }
        // the mean column stays the tiles' mean
        robot.clickOn(pane.grid.cell(layer, heads));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> pane.head.heatmap.matrix().rows() < N);
    }

    private static Trace run(LlamaModel model, int[] tokens, boolean storing) {
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), model.config().layers());
        if (storing) cap.storingPatterns();
        List<TraceStep> steps = new ArrayList<>();
        model.newSession(cap).prefill(tokens, 0, (p, t, captured) -> steps.add(new TraceStep(p, t, false, captured)));
        return storing ? Trace.of(steps, cap.attention().orElseThrow()) : Trace.of(steps);
    }
}
