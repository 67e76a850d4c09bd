package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javafx.geometry.Point2D;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.engine.analysis.heads.EncoderHeads;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * The Heads workspace on the bundled all-MiniLM-L6-v2 encoder: 12 x 12 similarity matrices per layer, the 6 x 12
 * role overview and the ablation toggle's hidden-state / embedding / next-layer-attention change, each compared
 * with the engine run independently in the test.
 */
class HeadsMiniLmTest extends WindowTestBase {
    private static final String PROMPT = "The cat sat on the mat because the cat was tired, and the dog sat on the rug.";

    HeadsMiniLmTest() {
        super(1500, 950, WindowTestBase::miniLm);
    }

    @Start
    void start(Stage stage) { show(stage); }

    /** Float noise between two runs of the same forward (lane order after JIT), far below any real difference. */
    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 + 1e-4 * Math.abs(expected), what);
    }

    @Test
    void analysesMiniLmAndShowsTheEngineNumbers(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.prompt.prompt.setText(PROMPT));
        robot.clickOn("#promptField");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        HeadsWorkspace ws = window.heads();
        assertTrue(!ws.run.isDisabled(), "the encoder can be analysed: " + ws.message.getText());
        int before = ws.runsDoneProperty().get();
        robot.clickOn(ws.run);
        d.waitFor("the head analysis", () -> ws.runsDoneProperty().get() > before);

        // the engine, independently: the bundled encoder, the prompt's WordPiece ids, the command's defaults
        LoadedModel ref = OnnxModels.loadBundledMiniLm();
        BertModel bert = (BertModel) ref.model();
        Tokenizer tok = ref.tokenizer();
        int[] ids = tok.encode(PROMPT);
        assertEquals(tok.bos(), ids[0], "[CLS] first");
        HeadReport r = HeadAnalysis.analyse(bert, ids, HeadAnalysis.Settings.defaults(tok.bos(), tok.eos(), 63),
                Parallel.SERIAL);
        assertArrayEquals(ids, ws.report().tokens());

        for (String metric : List.of("wq", "ov_cosine", "js", "output_cosine")) {
            for (int l = 0; l < 6; l++) {
                int layer = l;
                robot.interact(() -> {
                    ws.metric.setValue(metric);
                    ws.layer.getValueFactory().setValue(layer);
                });
                double[][] shown = ws.similarity.values();
                HeadTable t = r.table(metric, l, l);
                assertEquals(12, shown.length, metric + " layer " + l + " rows");
                for (int i = 0; i < 12; i++) {
                    assertEquals(12, shown[i].length, metric + " layer " + l + " columns");
                    for (int j = 0; j < 12; j++) {
                        assertClose(t.get(i, j), shown[i][j], metric + " L" + l + " H" + i + " x H" + j);
                    }
                }
            }
        }
        // the hover read-out of one cell names it and shows the number
        robot.interact(() -> {
            ws.metric.setValue("js");
            ws.layer.getValueFactory().setValue(3);
        });
        Point2D cell = ws.similarity.cellCenter(2, 9).orElseThrow();
        robot.moveTo(ws.similarity.localToScreen(cell));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(ws.hover.getText().startsWith("L3H2 \u00b7 L3H9: js = "), ws.hover.getText());
        assertClose(r.table("js", 3, 3).get(2, 9), Double.parseDouble(ws.hover.getText().substring("L3H2 \u00b7 L3H9: js = ".length())), "hover");

        for (String role : List.of("previous-token", "prefix matching", "entropy", "importance")) {
            robot.interact(() -> ws.role.setValue(role));
            double[][] shown = ws.overview.values();
            assertEquals(6, shown.length, role + " layers");
            for (int l = 0; l < 6; l++) {
                assertEquals(12, shown[l].length, role + " heads");
                for (int h = 0; h < 12; h++) {
                    HeadReport.Row row = r.row(l, h);
                    double expected = switch (role) {
                        case "previous-token" -> row.roles().previousToken();
                        case "prefix matching" -> row.prefixMatching();
                        case "entropy" -> row.entropy();
                        default -> row.importance();
                    };
                    assertClose(expected, shown[l][h], role + " L" + l + "H" + h);
                }
            }
        }
        assertTrue(r.row(0, 0).importance() > 0, "an encoder head's importance is its hidden-state change");

        robot.clickOn(ws.overview.localToScreen(ws.overview.cellCenter(2, 5).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("layer 2 \u00b7 head 5", ws.headTitle.getText());
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> ws.pattern.matrix() != null); // built off the FX thread
        assertEquals(ids.length, ws.pattern.matrix().rows());
        assertEquals(ids.length, ws.pattern.matrix().cols(), "bidirectional: every key");
        int ablations = ws.runsDoneProperty().get();
        robot.clickOn(ws.ablate);
        d.waitFor("the ablation", () -> ws.runsDoneProperty().get() > ablations);

        EncoderHeads.Change c = EncoderHeads.change(bert, EncoderHeads.capture(bert, ids), 2, 5, new float[ref.config().headDim()]);
        String text = ws.ablation.getText();
        assertClose(c.effect().lossIncrease(), number(text, "mean squared change ([0-9.eE-]+)"), "hidden-state change");
        assertClose(c.embeddingCosine(), number(text, "cosine ([0-9.eE-]+)"), "embedding cosine");
        assertTrue(c.embeddingCosine() < 1, "ablating a MiniLM head moves the sentence embedding");
        int most = 0;
        for (int h = 1; h < 12; h++) {
            if (c.nextLayerJs()[h] > c.nextLayerJs()[most]) most = h;
        }
        Matcher m = Pattern.compile("L3H" + most + "\\s+([0-9.]+)").matcher(text);
        assertTrue(m.find(), "the next layer's most moved head L3H" + most + " is listed: " + text);
        assertClose(c.nextLayerJs()[most], Double.parseDouble(m.group(1)), "next-layer JS");
        assertTrue(c.nextLayerJs()[most] > 0);
        System.out.printf(Locale.ROOT, "MiniLM L2H5 ablated: hidden mse %.3g, embedding cosine %.6f, max next-layer JS %.4g%n",
                c.effect().lossIncrease(), c.embeddingCosine(), c.nextLayerJs()[most]);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "'" + regex + "' in " + text);
        return Double.parseDouble(m.group(1));
    }
}
