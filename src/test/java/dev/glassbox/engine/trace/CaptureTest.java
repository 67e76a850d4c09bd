package dev.glassbox.engine.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CaptureTest {

    @Test
    void putCopiesTheSourceKeepHandsOverTheArrayItself() {
        Capture cap = new Capture(HookSelection.ALL, 2);
        float[] resid = {1, 2, 3, 4};
        float[] pattern = {0.25f, 0.75f, 1, 0};
        cap.put(HookPoint.RESID_POST, 1, resid, 1, 3);
        cap.keep(HookPoint.ATTN_PATTERN, 0, pattern, 2, 2);
        resid[1] = 99; // the step's copy must not see the engine's buffer change
        Map<HookName, Captured> step = cap.drain();
        Captured r = step.get(HookName.of(HookPoint.RESID_POST, 1));
        assertArrayEquals(new float[] {2, 3, 4}, r.values());
        assertNotSame(resid, r.values());
        Captured p = step.get(HookName.of(HookPoint.ATTN_PATTERN, 0));
        assertSame(pattern, p.values(), "a pattern made for the step is kept, not copied again");
        assertArrayEquals(new int[] {2, 2}, p.shape());
        assertTrue(cap.drain().isEmpty(), "the next step starts empty");
        assertEquals(2, step.size());
    }

    @Test
    void keepChecksTheShapeLikePut() {
        Capture cap = new Capture(HookSelection.ALL, 1);
        assertThrows(IllegalArgumentException.class, () -> cap.keep(HookPoint.ATTN_PATTERN, 0, new float[5], 2, 3));
    }

    @Test
    void aBlockWritesEachPositionsStepToItsRowAndNamesThePositionOfANaN() {
        Capture cap = new Capture(HookSelection.ALL, 1);
        for (int t = 0; t < 3; t++) {
            cap.row(t, 10 + t);
            cap.put(HookPoint.RESID_POST, 0, new float[] {t}, 0, 1);
        }
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(new float[] {t}, cap.drain(t).get(HookName.of(HookPoint.RESID_POST, 0)).values());
        }
        assertTrue(cap.drain(1).isEmpty() && cap.drain(7).isEmpty(), "drained rows and rows never written are empty");
        cap.row(1, 11);
        Finite.NonFiniteException e = assertThrows(Finite.NonFiniteException.class,
                () -> cap.put(HookPoint.LOGITS, -1, new float[] {Float.NaN}, 0, 1));
        assertTrue(e.getMessage().contains("logits at position 11"), e.getMessage());
        cap.drain(1);
        cap.put(HookPoint.EMBED, -1, new float[] {5}, 0, 1);
        assertEquals(1, cap.drain().size(), "after a drain, writes go to row 0, the one-token step");
    }
}
