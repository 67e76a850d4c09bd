package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadSlices;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.export.NpyReader;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.testing.SharedData;

/**
 * The Heads workspace on stories260K (8 query heads on 4 key/value heads): heads sharing K/V are marked, a
 * cross-layer weight table is computed on request, the ablation toggle diffs the top predictions, and the
 * export writes CSV + NPY + manifest, all checked against the engine.
 */
@Tag("shared-data")
class HeadsStories260kTest extends WindowTestBase {
    private static final String PROMPT = "Once upon a time, there was a little girl named Lily. She liked to play with her ball.";

    HeadsStories260kTest() {
        super(1500, 950);
    }

    @Start
    void start(Stage stage) { show(stage); }

    private static void waitRun(WindowDriver d, WorkspacePane ws, int before, String what) throws Exception {
        d.waitFor(what, () -> ws.runsDoneProperty().get() > before);
    }

    @Test
    void sharedKeyValueCrossLayerAblationAndExport(FxRobot robot) throws Exception {
        Path file = SharedData.require("models/stories260K/stories260K.bin");
        WindowDriver d = openModel(robot, file);
        robot.interact(() -> window.prompt.prompt.setText(PROMPT));
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        HeadsWorkspace ws = window.heads();
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        waitRun(d, ws, before, "the head analysis");

        LoadedModel ref = ModelLoader.load(file, null);
        LlamaModel model = (LlamaModel) ref.model();
        ModelConfig c = ref.config();
        assertTrue(c.kvHeads() < c.heads(), "stories260K uses grouped-query attention");

        robot.interact(() -> {
            ws.metric.setValue("wk");
            ws.layer.getValueFactory().setValue(2);
        });
        double[][] wk = ws.similarity.values();
        for (int i = 0; i < c.heads(); i++) {
            for (int j = 0; j < c.heads(); j++) {
                boolean shared = i != j && c.kvHeadOf(i) == c.kvHeadOf(j);
                assertEquals(shared, ws.similarity.marked(i, j), "H" + i + " x H" + j + " marked as sharing K/V");
                if (shared) {
                    assertEquals(1.0, wk[i][j], 1e-9, "heads reading one K matrix have the same K space");
                    assertTrue(ws.similarity.describe(i, j).endsWith("(same K/V head)"), ws.similarity.describe(i, j));
                }
            }
        }

        // layer 0 against layer 3: computed on request, equal to the engine's table
        before = ws.runsDoneProperty().get();
        robot.interact(() -> {
            ws.metric.setValue("wo");
            ws.layer.getValueFactory().setValue(0);
            ws.columnLayer.getValueFactory().setValue(3);
        });
        waitRun(d, ws, before, "the cross-layer table");
        HeadTable cross = HeadAnalysis.weightTables(HeadSlices.of(model, 0), HeadSlices.of(model, 3)).stream()
                .filter(t -> t.metric().equals("wo")).findFirst().orElseThrow();
        double[][] shown = ws.similarity.values();
        for (int i = 0; i < c.heads(); i++) {
            for (int j = 0; j < c.heads(); j++) {
                assertEquals(cross.get(i, j), shown[i][j], 1e-12, "wo L0H" + i + " x L3H" + j);
            }
        }
        assertTrue(ws.similarity.describe(1, 2).startsWith("L0H1 \u00b7 L3H2: wo (layer 0 vs 3)"), ws.similarity.describe(1, 2));

        robot.interact(() -> ws.columnLayer.getValueFactory().setValue(0));
        robot.clickOn(ws.overview.localToScreen(ws.overview.cellCenter(1, 3).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("layer 1 \u00b7 head 3", ws.headTitle.getText());
        before = ws.runsDoneProperty().get();
        robot.clickOn(ws.ablate);
        waitRun(d, ws, before, "the ablation");
        int[] tokens = ws.report().tokens();
        // the report now describes the model with L1H3 removed: compare with the clean model's outcome
        HeadAblation.Effect e = HeadAblation.ablate(ref.decoder(), tokens,
                dev.glassbox.engine.analysis.heads.RunOutcome.of(ref.decoder(), tokens,
                        dev.glassbox.engine.model.Intervention.NONE), 1, 3, new float[c.headDim()], 5);
        String text = ws.ablation.getText();
        assertTrue(text.contains(String.format(Locale.ROOT, "KL(last) %.4f nats", e.klLast())), text);
        List<String> lines = text.lines().toList();
        for (int i = 0; i < 5; i++) {
            String line = lines.get(3 + i);
            String before1 = ref.tokenizer().display(e.topBefore()[i]);
            String after1 = ref.tokenizer().display(e.topAfter()[i]);
            assertTrue(line.startsWith((i + 1) + ". " + before1), line);
            assertTrue(line.endsWith(after1), line);
            assertEquals(e.topBefore()[i] != e.topAfter()[i], line.contains("\u2260"), line);
        }

        Path out = Files.createTempDirectory("glassbox-heads-export");
        List<String> files = org.testfx.util.WaitForAsyncUtils.asyncFx(() -> ws.exportTo(out))
                .get(10, java.util.concurrent.TimeUnit.SECONDS).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(files.contains("js.layer4.npy") && files.contains("roles.csv") && files.contains("manifest.json"), files.toString());
        HeadTable js = ws.report().table("js", 4, 4);
        var npy = NpyReader.read(out.resolve("js.layer4.npy"));
        for (int i = 0; i < c.heads(); i++) {
            for (int j = 0; j < c.heads(); j++) {
                assertEquals(js.get(i, j), npy.get(i, j), 1e-6);
            }
        }
    }
}
