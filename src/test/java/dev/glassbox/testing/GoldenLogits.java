package dev.glassbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;

/** A fixture's golden.json (PyTorch logits per case and position) against the engine's decoder. */
public final class GoldenLogits {
    private GoldenLogits() {
    }

    /**
     * The largest |logit difference| over every case of {@code golden}, the engine fed each case's input_ids one
     * token at a time (asserting each position's logits are the vocabulary's length).
     */
    public static double maxDifference(LoadedModel m, JsonNode golden) {
        double max = 0;
        for (JsonNode c : golden.get("cases")) {
            JsonNode ids = c.get("input_ids");
            DecoderSession s = m.decoder().newSession(Capture.none(m.config().layers()));
            for (int pos = 0; pos < ids.size(); pos++) {
                float[] logits = s.forward(ids.get(pos).asInt(), pos);
                JsonNode want = c.get("logits").get(pos);
                assertEquals(want.size(), logits.length);
                for (int i = 0; i < logits.length; i++) {
                    max = Math.max(max, Math.abs(want.get(i).asDouble() - logits[i]));
                }
            }
        }
        return max;
    }
}
