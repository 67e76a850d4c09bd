package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;

import javafx.scene.control.Label;
import javafx.stage.Stage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import dev.glassbox.app.service.RunOutcome;
import dev.glassbox.engine.analysis.TokenSurprisal;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.testing.SharedData;

/** After a run on stories260K the chips carry each token's probability and surprisal, as TokenSurprisal scores them. */
@Tag("shared-data")
class SurprisalWindowTest extends WindowTestBase {
    @Start
    void start(Stage stage) { show(stage); }

    @Test
    void chipTooltipsGiveTheSurprisalOfEachActualNextToken(FxRobot robot) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        WindowDriver d = openModel(robot, model);
        RunOutcome out = d.generate("The little dog saw a", 12);
        int[] tokens = out.tokens();
        // independently: a fresh model, one forward per token
        TokenSurprisal.Result ref = TokenSurprisal.score(ModelLoader.load(model, null).decoder(), tokens);
        var chips = window.prompt.chips.getChildren();
        assertEquals(tokens.length, chips.size());
        assertTrue(window.prompt.legend.isVisible(), "legend shown after a run");
        assertEquals("id " + tokens[0] + " \u00b7 position 0", ((Label) chips.get(0)).getTooltip().getText(), "BOS is not scored");
        for (TokenSurprisal.Scored s : ref.tokens()) {
            double p = s.probability();
            String prob = p < 1e-3 ? String.format(Locale.ROOT, "%.3e", p) : String.format(Locale.ROOT, "%.4f", p);
            String expected = String.format(Locale.ROOT, "id %d \u00b7 position %d\np = %s, %.2f bits",
                    s.token(), s.position(), prob, s.bits());
            assertEquals(expected, ((Label) chips.get(s.position())).getTooltip().getText(), "chip " + s.position());
        }
        String seq = window.explorer.sequenceLogProb.getText();
        assertTrue(seq.contains(String.format(Locale.ROOT, "= %.3f nats", ref.logProb())), seq);
    }
}
