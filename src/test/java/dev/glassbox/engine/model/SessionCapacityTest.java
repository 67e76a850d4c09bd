package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyModels;

class SessionCapacityTest {

    @Test
    void aSessionSizedForItsRunGivesTheLogitsOfOneForTheWholeContext() {
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
            for (int i = 0; i < b.length; i++) {
                // not bit for bit: the JIT may compile a kernel between the two forwards, and a compiled lane sum
                // adds in another order than the interpreter (last-bit differences); a misplaced cache is O(1) off
                assertEquals(b[i], a[i], 1e-5f * (1 + Math.abs(b[i])), "position " + pos + ", logit " + i);
            }
            token = (token * 7 + pos) % m.config().vocabSize();
        }
    }
}
