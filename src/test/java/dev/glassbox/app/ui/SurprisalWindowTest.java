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
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.Capture;
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
        var loaded = ModelLoader.load(model, null);
        var session = loaded.decoder().newSession(Capture.none(loaded.decoder().config().layers()));
        for (TokenSurprisal.Scored s : ref.tokens()) {
            double p = s.probability();
            String prob = p < 1e-3 ? String.format(Locale.ROOT, "%.3e", p) : String.format(Locale.ROOT, "%.4f", p);
            String expected = String.format(Locale.ROOT, "id %d \u00b7 position %d\np = %s, %.2f bits\n%s",
                    s.token(), s.position(), prob, s.bits(),
                    expectation(session.forward(tokens[s.position() - 1], s.position() - 1), loaded.tokenizer()));
            assertEquals(expected, ((Label) chips.get(s.position())).getTooltip().getText(), "chip " + s.position());
        }
        String seq = window.explorer.sequenceLogProb.getText();
        assertTrue(seq.contains(String.format(Locale.ROOT, "= %.3f nats", ref.logProb())), seq);
    }

    /** The tooltip's expectation line from one position's logits: entropy in bits and the five most probable tokens, in double. */
    private static String expectation(float[] logits, Tokenizer tok) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double entropy = 0;
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < logits.length; i++) {
            double q = Math.exp(logits[i] - max) / sum;
            if (q > 0) entropy -= q * Math.log(q) / Math.log(2);
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
        StringBuilder top = new StringBuilder();
        for (int k = 0; k < 5; k++) {
            String t = tok.display(order[k]);
            top.append(k > 0 ? ", " : "").append(t.isEmpty() ? "\u2205" : t)
                    .append(String.format(Locale.ROOT, " %.3f", Math.exp(logits[order[k]] - max) / sum));
        }
        return String.format(Locale.ROOT, "The model expected here (entropy %.2f bits): %s", entropy, top);
    }
}
