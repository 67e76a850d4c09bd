package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.analysis.LogitLens;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.LensTable;

/** The Explore workspace's logit-lens panel shows the engine's {@link LogitLens} numbers, for the run's last positions. */
class LensPanelTest extends WindowTestBase {
    private static final String PROMPT = "the cat sat on the mat and then the dog ran to the big red house by the sea";
    private static final int STEPS = 4;
    private static TinyModelFolder tiny;

    @BeforeAll
    static void writeModel() throws Exception {
        tiny = TinyModelFolder.write("glassbox-lens", 11);
    }

    LensPanelTest() {
        super(1200, 800, () -> tiny.catalog());
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void lensCellsAreTheEnginesTopTokenAndProbability(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        RunOutcome out = d.generate(PROMPT, STEPS);
        LensTable shown = window.explorer.lens.table();

        LoadedModel m = ModelLoader.load(tiny.model(), null);
        TraceRun.Result ref = TraceRun.run(new TraceRun.Request(m, PROMPT, HookSelection.of("blocks.*.resid_post"),
                new Generation.Settings(STEPS, 0f, 0.9f, 0, 42, true)), TraceListener.NONE, () -> false);
        List<LogitLens.Row> rows = LogitLens.apply(LogitLens.unembedding(m.decoder()), ref.trace(), 1, false);
        int n = out.trace().length();
        assertTrue(n > ExplorerPane.LENS_POSITIONS, "the run is longer than the panel shows: " + n);
        assertEquals(TinyLlama2c.LAYERS, shown.layerLabels().size());
        assertEquals(ExplorerPane.LENS_POSITIONS, shown.positionLabels().size(), "the last positions only");
        for (int c = 0; c < ExplorerPane.LENS_POSITIONS; c++) {
            String label = shown.positionLabels().get(c);
            int p = Integer.parseInt(label.substring(0, label.indexOf('\n')));
            assertEquals(n - ExplorerPane.LENS_POSITIONS + c, p, label);
            for (int l = 0; l < rows.size(); l++) {
                TokenProbability best = rows.get(l).at(p)[0];
                String where = "layer " + l + ", position " + p;
                assertEquals(m.tokenizer().display(best.token()), shown.topTokens()[l][c], where);
                // two runs of one float forward in one JVM differ by ~1e-5 once the Vector API code is compiled
                // (its reductions and exp round differently from the interpreted fallback)
                assertEquals(best.probability(), shown.probabilities()[l][c], 1e-4, where);
            }
        }
    }
}
