package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelGuide;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.visuals.TokenChips;
import dev.glassbox.visuals.i18n.I18n;

/** The bundled all-MiniLM-L6-v2 encoder in the explorer: Encode fills 6 x 12 bidirectional maps. */
class MiniLmWindowTest extends WindowTestBase {

    MiniLmWindowTest() {
        super(WindowTestBase::miniLm);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void encodesAndShowsBertsBidirectionalAttention(FxRobot robot) throws Exception {
        WindowDriver d = new WindowDriver(robot, window);
        assertEquals(MINI_LM_LABEL, window.models.getValue().label(), "the only model is picked");
        d.waitForModel();
        ModelGuide guide = ModelGuide.of(window.models.getValue()).orElseThrow();
        assertEquals(guide.prompt(), window.prompt.prompt.getText(), "the untouched first prompt gives way to MiniLM's");
        assertEquals(guide.line(), window.modelGuide.getText());
        assertEquals("Encode", window.generate.getText());
        assertTrue(window.step.isDisabled(), "an encoder has no next token to step to");
        assertTrue(window.sampling.isDisabled(), "an encoder samples nothing: temperature, top-p, ... do not apply");
        assertEquals(I18n.text("teach.lens.encoder"), window.explorer.lensNote.getText());
        assertTrue(window.explorer.lensNote.isVisible(), "the lens tab says why it stays empty");
        String text = "The quick brown fox jumps over the lazy dog.";
        RunOutcome out = d.generate(text, 1);

        LoadedModel ref = OnnxModels.loadBundledMiniLm();
        int[] ids = ref.tokenizer().encode(text);
        assertArrayEquals(ids, out.tokens());
        assertEquals(I18n.text("teach.status.encoded", ids.length), window.status.getText(),
                "an encoder run ends by encoding, not by a stop reason");
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), ref.config().layers());
        ref.encoder().encode(ids, null, cap);
        Trace refTrace = Trace.of(List.of(new TraceStep(0, ids[0], false, cap.drain())));

        var rows = window.explorer.grid.rows();
        assertEquals(6 + 1, rows.size(), "6 layers plus rollout");
        for (int l = 0; l < 6; l++) {
            assertEquals(12 + 1, rows.get(l).cells().size(), "12 heads plus the mean in layer " + l);
            assertEquals(ids.length, rows.get(l).cells().getFirst().rows(), "one row per token");
            assertEquals(ids.length, rows.get(l).cells().getFirst().cols(), "bidirectional: every key");
        }
        d.openHead(4, 7);
        float[][] pattern = refTrace.attentionPattern(4).orElseThrow()[7];
        Tokenizer tok = ref.tokenizer();
        int last = ids.length - 1;
        // below, on and above the diagonal: a causal mask would zero the upper triangle
        for (int[] qk : new int[][] {{last, 0}, {2, 2}, {0, last}, {1, last - 1}}) {
            int q = qk[0];
            int k = qk[1];
            WindowDriver.assertHover(q, k, tok.display(ids[q]), tok.display(ids[k]), pattern[q][k], d.hover(q, k));
        }
        assertTrue(pattern[0][last] > 0, "the first token attends to the last one");
    }

    @Test
    void marksChineseCharactersUnknownToMiniLmAndNamesTheChineseEncoder(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.prompt.prompt.setText("我喜欢在公园里散步。"));
        var warning = window.prompt.unknownWarning;
        // the chips are tokenised off the FX thread
        org.testfx.util.WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, warning::isVisible);
        assertTrue(warning.isVisible(), "the prompt has characters MiniLM does not know");
        assertEquals(I18n.text("teach.unknown.count", 6, 10, "all-MiniLM-L6-v2", "喜 欢 在 园 散 步")
                + I18n.text("teach.unknown.try", "bge-small-zh-v1.5"), warning.getText());
        int unk = window.modelProperty().get().tokenizer().unk();
        var marked = window.prompt.chips.getChildren().stream()
                .filter(n -> n.getStyleClass().contains(TokenChips.UNKNOWN_STYLE)).toList();
        assertEquals(6, marked.size(), "one marked chip per unknown character");
        assertTrue(marked.stream().allMatch(n -> ((TokenChips.Chip) n.getUserData()).id() == unk));

        robot.interact(() -> window.prompt.prompt.setText("a walk in the park"));
        org.testfx.util.WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> !warning.isVisible());
        assertFalse(warning.isVisible(), "English is covered: no warning");
        assertTrue(window.prompt.chips.getChildren().stream()
                .noneMatch(n -> n.getStyleClass().contains(TokenChips.UNKNOWN_STYLE)));
    }
}
