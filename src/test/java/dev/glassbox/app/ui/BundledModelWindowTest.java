package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Trace;

/** What a new user sees: the window opens on the bundled default model, generates, and the views hold the trace. */
class BundledModelWindowTest extends WindowTestBase {
    BundledModelWindowTest() {
        super(ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void opensOnTheBundledStoryModelAndExplainsItsAttention(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        LoadedModel m = window.modelProperty().get();
        assertEquals("tiny-stories-grammar", m.name());
        RunOutcome out = d.generate("Once upon a time", 24);
        int[] refTokens = new int[out.tokens().length];
        Trace ref = WindowDriver.referenceTrace(Path.of("sample-models/tiny-stories-grammar"), "Once upon a time", 24, refTokens);
        assertArrayEquals(refTokens, out.tokens(), "the window generates what the engine generates");
        assertEquals(m.config().layers() + 1, window.explorer.grid.rows().size(), "layers plus rollout");
        d.openHead(2, 1);
        float[][] pattern = ref.attentionPattern(2).orElseThrow()[1];
        Tokenizer tok = m.tokenizer();
        int q = ref.length() - 1;
        for (int k : new int[] {0, q / 3, q}) {
            WindowDriver.assertHover(q, k, tok.display(refTokens[q]), tok.display(refTokens[k]), pattern[q][k], d.hover(q, k));
        }
    }
}
