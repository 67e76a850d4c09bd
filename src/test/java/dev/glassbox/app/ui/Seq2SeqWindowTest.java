package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.visuals.AttentionMatrix;

/**
 * The bundled encoder-decoder in the explorer: the prompt is the source, Generate decodes its reversal, and the
 * grid's cross-attention maps (output tokens x source tokens) hold exactly what the engine captures.
 */
class Seq2SeqWindowTest extends WindowTestBase {
    private static final Path MODEL = Path.of("sample-models/reverse-seq2seq");

    Seq2SeqWindowTest() {
        super(ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void generatesTheReversalAndShowsTheEnginesCrossAttention(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.openModel(MODEL));
        d.waitFor("the encoder-decoder to load", () -> window.modelProperty().get() != null
                && window.modelProperty().get().isSeq2Seq());
        assertEquals("Generate", window.generate.getText());
        assertTrue(window.step.isDisabled(), "Step is for decoders only");

        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL);
        robot.type(KeyCode.DELETE);
        robot.write("glassbox");
        int before = window.runsShownProperty().get();
        robot.clickOn("#generateButton");
        d.waitFor("the decode", () -> window.runsShownProperty().get() > before && window.explorer.grid.readyProperty().get());
        assertEquals("xobssalg", window.prompt.output.getText());

        // the reference: the same decode straight through the engine
        LoadedModel ref = ModelLoader.load(MODEL, null);
        Seq2SeqModel s = ref.seq2seq();
        Seq2SeqModel.Decoded expected = s.generate(s.sourceIds(ref.tokenizer().encode("glassbox")), 64, true,
                () -> false, t -> { });
        Seq2SeqModel.Decoded shown = window.seq2seq.lastProperty().get().decoded();
        assertArrayEquals(expected.output(), shown.output());
        int layers = s.config().layers();
        assertEquals(2 * layers + s.encoderLayers(), window.explorer.grid.rows().size(),
                "cross and self-attention rows per decoder layer, one row per encoder layer");

        int layer = layers - 1;
        int head = 1;
        robot.clickOn(window.explorer.grid.cell(layer, head));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.explorer.head.title.getText().startsWith("cross-attention \u00b7 layer " + layer + " \u00b7 head " + head),
                window.explorer.head.title.getText());
        AttentionMatrix m = window.explorer.head.heatmap.matrix();
        assertEquals(List.of("<s>", "g", "l", "a", "s", "s", "b", "o", "x", "\u21b5"), m.keyLabels(), "columns: the source");
        assertEquals(List.of("x", "o", "b", "s", "s", "a", "l", "g", "\u21b5"), m.queryLabels(), "rows: the produced tokens");
        float[][] engine = expected.patterns().get(Seq2SeqModel.crossPattern(layer)).head(head);
        assertEquals(engine.length, m.rows());
        for (int q = 0; q < engine.length; q++) {
            for (int k = 0; k < engine[q].length; k++) {
                assertEquals(engine[q][k], m.get(q, k), 1e-6, "cross-attention weight (" + q + ", " + k + ")");
            }
        }
        int q = 2;
        int k = 6;
        WindowDriver.assertHover(q, k, "b", "b", engine[q][k], d.hover(q, k));
    }
}
