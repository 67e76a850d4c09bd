package dev.glassbox.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;

/** A saved checkpoint, loaded by the inference engine, against the trainer's own logits. */
public final class EngineLogits {
    private EngineLogits() {
    }

    /**
     * Feeds {@code tokens} one at a time to the engine's decoder and asserts every logit is within 1e-4 of
     * {@code expected} (the trainer's, {@code vocab} per position).
     */
    public static void assertMatch(LoadedModel loaded, int[] tokens, float[] expected, int vocab) {
        DecoderSession s = loaded.decoder().newSession(Capture.none(loaded.config().layers()));
        double worst = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            float[] got = s.forward(tokens[pos], pos);
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(worst, Math.abs(got[v] - expected[pos * vocab + v]));
            }
        }
        assertTrue(worst < 1e-4, "max |logit difference| " + worst);
    }
}
