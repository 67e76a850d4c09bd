package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javafx.geometry.Point2D;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import dev.glassbox.app.service.RecentModels;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.AttentionMatrix;
import dev.glassbox.visuals.ColorScale;

import javax.imageio.ImageIO;

/** The real main window on a tiny random llama2.c checkpoint written by the test, driven through TestFX. */
class MainWindowTest extends WindowTestBase {
    private static final String PROMPT = "the cat sat on the mat";
    private static final int STEPS = 6;
    private static TinyModelFolder tiny;

    @BeforeAll
    static void writeModel() throws Exception {
        tiny = TinyModelFolder.write("glassbox-window", 7);
    }

    MainWindowTest() {
        super(1400, 900, () -> tiny.catalog());
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void generatesAndShowsExactWeightsOfTheEngineRun(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        RunOutcome out = d.generate(PROMPT, STEPS);
        int[] refTokens = new int[out.tokens().length];
        Trace ref = WindowDriver.referenceTrace(tiny.model(), PROMPT, STEPS, refTokens);
        assertArrayEquals(refTokens, out.tokens(), "the window generated what the engine generates");
        Tokenizer tok = window.modelProperty().get().tokenizer();
        assertEquals(tok.decode(out.tokens()), window.prompt.output.getText());

        var lens = window.explorer.lens.table();
        assertEquals(TinyLlama2c.LAYERS, lens.layerLabels().size(), "logit lens filled from resid_post");
        assertEquals(tok.display(out.tokens()[out.tokens().length - 1]),
                lens.topTokens()[TinyLlama2c.LAYERS - 1][lens.positionLabels().size() - 1],
                "the last layer's lens is the model's own greedy prediction");
        assertNull(window.explorer.lens.getScene(), "the lens joins the scene only when its tab opens");
        robot.interact(() -> window.explorer.tabs.getSelectionModel().select(2));
        assertNotNull(window.explorer.lens.getScene(), "the Logit lens tab shows it");
        assertEquals(lens, window.explorer.lens.table(), "with the run's table");
        robot.interact(() -> window.explorer.tabs.getSelectionModel().select(0));

        var grid = window.explorer.grid;
        assertEquals(TinyLlama2c.LAYERS + 1, grid.rows().size(), "one row per layer plus rollout");
        for (int l = 0; l < TinyLlama2c.LAYERS; l++) {
            for (int c = 0; c <= TinyLlama2c.HEADS; c++) {
                assertNotNull(((ImageView) grid.cell(l, c).getChildren().getFirst()).getImage(), "thumbnail " + l + "," + c);
            }
        }

        d.openHead(1, 2);
        float[][] pattern = ref.attentionPattern(1).orElseThrow()[2];
        int n = ref.length();
        int[][] probes = {{n - 1, 1}, {n - 1, n - 1}, {2, 0}, {n / 2, n / 3}};
        for (int[] p : probes) {
            int q = p[0];
            int k = p[1];
            WindowDriver.assertHover(q, k, tok.display(refTokens[q]), tok.display(refTokens[k]), pattern[q][k], d.hover(q, k));
        }
        robot.clickOn();
        assertEquals(n / 2, window.explorer.head.heatmap.selectedRowProperty().get(), "click selects the query row");

        Path csv = tiny.dir().resolve("head.csv");
        Path png = tiny.dir().resolve("head.png");
        Path svg = tiny.dir().resolve("head.svg");
        robot.interact(() -> {
            try {
                window.explorer.head.exportCsv(csv);
                window.explorer.head.exportPng(png);
                window.explorer.head.exportSvg(svg);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        checkCsv(csv, pattern);
        checkPng(png, pattern);
        String svgText = Files.readString(svg);
        long nonZero = Arrays.stream(pattern).flatMapToDouble(r -> {
            double[] v = new double[r.length];
            for (int i = 0; i < r.length; i++) v[i] = r[i];
            return Arrays.stream(v);
        }).filter(v -> v != 0).count();
        assertEquals(nonZero, svgText.split("<rect ", -1).length - 2, "one SVG rect per non-zero weight (plus background)");
        java.util.regex.Matcher title = java.util.regex.Pattern.compile("<title>q=" + (n - 1) + " k=1 ([^<]+)</title>")
                .matcher(svgText);
        assertTrue(title.find(), "the SVG titles each cell with its weight");
        assertEquals(pattern[n - 1][1], Float.parseFloat(title.group(1)), 1e-5f * Math.abs(pattern[n - 1][1]));
    }

    private void checkCsv(Path csv, float[][] pattern) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(pattern.length + 1, lines.size());
        for (int q = 0; q < pattern.length; q++) {
            String[] cells = lines.get(q + 1).split(",");
            assertEquals(pattern[q].length + 1, cells.length, "row " + q);
            for (int k = 0; k < pattern[q].length; k++) {
                // the file carries the shown run's float exactly; the reference run may round apart (JIT vs
                // interpreter: vector reductions sum in another order, and a weight's relative error is about twice
                // its scores' absolute error: 1.1e-5 seen on 16-lane vectors); a wrong row or head is off by far more
                assertEquals(pattern[q][k], Float.parseFloat(cells[k + 1]), 1e-4f * Math.abs(pattern[q][k]) + 1e-9f,
                        "csv q=" + q + " k=" + k);
            }
        }
    }

    /** The exported picture shows, at each cell's centre, the palette colour of sqrt(weight / map maximum). */
    private void checkPng(Path png, float[][] pattern) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        var hm = window.explorer.head.heatmap;
        assertEquals((int) hm.getWidth(), img.getWidth());
        assertEquals((int) hm.getHeight(), img.getHeight());
        AttentionMatrix m = hm.matrix();
        float max = 0;
        for (float[] r : pattern) for (float v : r) max = Math.max(max, v);
        assertEquals(ColorScale.SQRT, hm.colorScale());
        for (int q = 0; q < pattern.length; q++) {
            for (int k = 0; k <= q; k += Math.max(1, q / 3)) {
                if (q == hm.selectedRowProperty().get()) {
                    continue; // the selection outline is drawn over that row
                }
                Point2D c = hm.cellCenter(q, k).orElseThrow();
                int expected = hm.palette().argb(Math.sqrt(pattern[q][k] / (double) max)) & 0xFFFFFF;
                assertEquals(Integer.toHexString(expected), Integer.toHexString(img.getRGB((int) c.getX(), (int) c.getY()) & 0xFFFFFF),
                        "pixel of q=" + q + " k=" + k + " (" + m.get(q, k) + ")");
            }
        }
    }

    @Test
    void tooltipsAreMadeWhenTheMouseFirstEntersTheirControl(FxRobot robot) throws Exception {
        loaded(robot);
        assertNull(window.generate.getTooltip(), "no tooltip is built with the window");
        assertNull(window.workspaces.getTabs().get(1).getTooltip());
        robot.moveTo(window.generate);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Run the prompt and generate (Ctrl+Enter)", window.generate.getTooltip().getText());
        robot.moveTo("#workspaces");
        WaitForAsyncUtils.waitForFxEvents();
        List<String> tips = window.workspaces.getTabs().stream().map(t -> t.getTooltip().getText()).toList();
        assertEquals(List.of("Explore (Ctrl+1)", "Heads (Ctrl+2)", "Context lab (Ctrl+3)", "Routing (Ctrl+4)", "Train (Ctrl+5)",
                "Walkthrough (Ctrl+6)", "Search (Ctrl+7)"), tips);
    }

    @Test
    void tooltipsAreLargerThanTheTextTheyExplainAndFollowTheZoom(FxRobot robot) throws Exception {
        loaded(robot);
        robot.moveTo(window.generate);
        WaitForAsyncUtils.waitForFxEvents();
        Tooltip tip = window.generate.getTooltip();
        robot.interact(() -> tip.show(window.getScene().getWindow()));
        WaitForAsyncUtils.waitForFxEvents();
        double before = tip.getFont().getSize();
        assertTrue(before > window.generate.getFont().getSize(), "tooltip " + before + " px, button "
                + window.generate.getFont().getSize() + " px (JavaFX's default makes tooltips 0.85 of the text)");
        robot.interact(() -> {
            tip.hide();
            window.zoom(1.5);
        });
        robot.interact(() -> tip.show(window.getScene().getWindow()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(tip.getFont().getSize() > before * 1.4, "tooltip shown after a zoom " + tip.getFont().getSize() + " px");
        robot.interact(tip::hide);
    }

    @Test
    void arrowsAndEnterOpenTheNeighbouringHead(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        d.generate("the cat", 3);
        d.openHead(0, 0);
        robot.type(KeyCode.RIGHT).type(KeyCode.DOWN).type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.explorer.head.title.getText().startsWith("layer 1 \u00b7 head 1"), window.explorer.head.title.getText());

        int before = window.runsShownProperty().get();
        robot.clickOn("#promptField").write(" sat");
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        d.waitFor("the Ctrl+Enter run", () -> window.runsShownProperty().get() > before);
        assertEquals("the cat sat", window.prompt.prompt.getText(), "Ctrl+Enter runs without typing a newline");
        assertEquals(window.modelProperty().get().tokenizer().encode("the cat sat").length + 3,
                window.lastRunProperty().get().tokens().length);
    }

    @Test
    void stepContinuesTheSequenceOneTokenAtATime(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        RunOutcome first = d.generate("the cat", 2);
        for (int i = 1; i <= 2; i++) {
            int before = window.runsShownProperty().get();
            robot.clickOn("#stepButton");
            d.waitFor("step " + i, () -> window.runsShownProperty().get() > before);
        }
        RunOutcome stepped = window.lastRunProperty().get();
        int[] ref = new int[first.tokens().length + 2];
        WindowDriver.referenceTrace(tiny.model(), "the cat", 4, ref);
        assertArrayEquals(ref, stepped.tokens(), "two Steps after 2 greedy tokens = 4 greedy tokens");
        long generatedChips = window.prompt.chips.getChildren().stream()
                .filter(n -> n.getStyleClass().contains("chip-generated")).count();
        assertEquals(4, generatedChips, "chips mark everything after the typed prompt as generated");
    }

    @Test
    void aBrokenModelFileGivesAClearMessage(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        Path broken = tiny.dir().resolve("broken.bin");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});
        robot.interact(() -> window.openModel(broken));
        d.waitFor("the error banner", () -> window.errorBanner.isVisible());
        String msg = window.errorBanner.getText();
        assertTrue(msg.contains("broken.bin") && msg.contains("llama2.c"), msg);
        assertFalse(msg.contains("Exception") || msg.contains("\tat "), "no stack trace or exception class: " + msg);
        assertTrue(window.generate.isDisabled());
        assertFalse(new RecentModels(prefs).list().contains(broken.toAbsolutePath().normalize()), "broken models are not remembered");
        Path other = TinyLlama2c.write(tiny.dir().resolve("other"), 11);
        robot.interact(() -> window.openModel(other));
        d.waitForModel();
        assertFalse(window.errorBanner.isVisible(), "a good model clears the message");
        assertEquals(List.of(other.toAbsolutePath().normalize()), new RecentModels(prefs).list(), "opened models are remembered");
    }
}
