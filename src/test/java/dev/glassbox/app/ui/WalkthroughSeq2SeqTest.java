package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.ModelCatalog;
import dev.glassbox.engine.analysis.walkthrough.Seq2SeqWalkthrough;
import dev.glassbox.engine.analysis.walkthrough.Step;
import dev.glassbox.engine.analysis.walkthrough.StepKind;
import dev.glassbox.engine.analysis.walkthrough.Walkthrough;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;

/**
 * The bundled encoder-decoder in the Walkthrough tab: it runs (no "unsupported" message), the text is the source,
 * every step is reachable by keyboard with its own title, and the cross-attention weights shown are the engine's.
 */
class WalkthroughSeq2SeqTest extends WindowTestBase {
    private static final Path MODEL = Path.of("sample-models/reverse-seq2seq");
    private static final String SOURCE = "glassbox";

    WalkthroughSeq2SeqTest() {
        super(ModelCatalog::discover);
    }

    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void walksTheCrossAttentionOfTheBundledEncoderDecoder(FxRobot robot) throws Exception {
        WindowDriver d = loaded(robot);
        robot.interact(() -> window.openModel(MODEL));
        d.waitFor("the encoder-decoder to load", () -> window.modelProperty().get() != null
                && window.modelProperty().get().isSeq2Seq());
        robot.interact(() -> window.prompt.prompt.setText(SOURCE));
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT6).release(KeyCode.CONTROL);
        WalkthroughWorkspace w = window.walkthrough.get();
        LoadedModel m = window.modelProperty().get();
        assertTrue(w.supports(m), "the walkthrough supports the encoder-decoder");
        robot.interact(() -> {
            w.layer.getValueFactory().setValue(1);
            w.head.getValueFactory().setValue(3);
        });
        int before = w.runsDoneProperty().get();
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        d.waitFor("the walkthrough", () -> w.runsDoneProperty().get() > before);
        Walkthrough walk = w.view.walkthrough();
        assertEquals(StepKind.S2S_SOURCE, walk.steps().getFirst().kind());
        assertEquals(StepKind.S2S_OUTPUT, walk.steps().getLast().kind());

        WalkthroughWorkspaceTest.walkEveryStep(robot, w, walk);

        // the cross-attention weights on screen are those of the same decode run straight through the engine
        Seq2SeqWalkthrough.Traced ref = Seq2SeqWalkthrough.trace(m, SOURCE, () -> false);
        int s = ref.source().length;
        float[] pattern = ref.session().hooks(walk.position()).get(Seq2SeqModel.decoderHook(1, "cross_attn.pattern"));
        Step softmax = walk.steps().stream().filter(x -> x.kind() == StepKind.CROSS_SOFTMAX).findFirst().orElseThrow();
        float[] shown = softmax.values().getFirst().values();
        assertEquals(s, shown.length, "one weight per source token");
        for (int k = 0; k < s; k++) {
            assertEquals(pattern[3 * s + k], shown[k], 1e-5, "cross-attention weight of source token " + k);
        }
        robot.interact(() -> w.view.show(walk.steps().indexOf(softmax)));
        Screenshots.save(window, "walkthrough-seq2seq");
    }
}
