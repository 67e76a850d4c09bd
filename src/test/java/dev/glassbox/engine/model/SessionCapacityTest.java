package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyModels;

class SessionCapacityTest {

    @Test
    void aSessionSizedForItsRunGivesTheSameLogitsAsOneForTheWholeContext() {
        DecoderModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 64, 96, 2, 4, 2, 48, 9,
                DType.Q8_0, DType.F32);
        int positions = 10;
        DecoderSession small = m.newSession(Capture.none(2), Intervention.NONE, positions);
        DecoderSession full = m.newSession(Capture.none(2));
        assertEquals(positions, small.capacity());
        assertEquals(m.config().contextLength(), full.capacity());
        int token = 1;
        for (int pos = 0; pos < positions; pos++) {
            float[] a = small.forward(token, pos).clone();
            float[] b = full.forward(token, pos);
            assertArrayEquals(b, a, "position " + pos);
            token = (token * 7 + pos) % m.config().vocabSize();
        }
    }
}
