package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import javafx.stage.Stage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.testing.SharedData;

/** The window on the real pretrained stories260K, opened through "Open model" (shared reference data). */
@Tag("shared-data")
class Stories260kWindowTest extends WindowTestBase {
    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void opensGeneratesAndShowsTheEnginesAttention(FxRobot robot) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        WindowDriver d = openModel(robot, model);
        String prompt = "Once upon a time";
        RunOutcome out = d.generate(prompt, 24);
        int[] refTokens = new int[out.tokens().length];
        Trace ref = WindowDriver.referenceTrace(model, prompt, 24, refTokens);
        assertArrayEquals(refTokens, out.tokens());
        assertEquals(5 + 1, window.explorer.grid.rows().size(), "5 layers plus rollout");
        assertEquals(8 + 1, window.explorer.grid.rows().getFirst().cells().size(), "8 heads plus the mean");
        d.openHead(3, 5);
        float[][] pattern = ref.attentionPattern(3).orElseThrow()[5];
        Tokenizer tok = window.modelProperty().get().tokenizer();
        int q = ref.length() - 1;
        for (int k : new int[] {0, q / 2, q}) {
            WindowDriver.assertHover(q, k, tok.display(refTokens[q]), tok.display(refTokens[k]), pattern[q][k], d.hover(q, k));
        }
        var lens = window.explorer.lens.table();
        assertEquals(5, lens.layerLabels().size(), "logit lens filled from resid_post");
        // the last layer's lens is the model's own prediction: the next token of a greedy run
        int lastCol = lens.positionLabels().size() - 1;
        assertEquals(tok.display(out.tokens()[out.tokens().length - 1]), lens.topTokens()[4][lastCol]);
    }
}
