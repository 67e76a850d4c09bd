package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Live frames are spaced by their own cost and never overlap (issue #23: the app's speed against bench). */
class FramePacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void noNewFrameWhileTheLastIsBeingBuiltOrShown() {
        FramePacer p = new FramePacer(8);
        assertTrue(p.tryStart(0), "the first frame starts at once");
        assertFalse(p.tryStart(10_000 * MS), "the last frame is still in flight, however long ago it started");
        p.built(MS);
        assertFalse(p.tryStart(20_000 * MS), "built but not yet shown");
        p.shown(MS);
        assertTrue(p.tryStart(30_000 * MS));
        p.dropped();
        assertTrue(p.tryStart(40_000 * MS), "a dropped frame frees the way too");
    }

    @Test
    void cheapFramesComeAtTheDisplayRateCostlyOnesFurtherApart() {
        FramePacer p = new FramePacer(8);
        assertTrue(p.tryStart(0));
        p.built(2 * MS);
        p.shown(MS);
        assertEquals(FramePacer.MIN_NANOS, p.intervalNanos(), "3 ms of work: ~15 frames a second");
        assertFalse(p.tryStart(FramePacer.MIN_NANOS - 1));
        assertTrue(p.tryStart(FramePacer.MIN_NANOS));
        p.built(30 * MS);
        p.shown(20 * MS);
        long interval = p.intervalNanos();
        assertEquals(FramePacer.COST_SHARE * 50 * MS, interval, "50 ms of work: frames 10 x that apart");
        assertFalse(p.tryStart(FramePacer.MIN_NANOS + interval - 1));
        assertTrue(p.tryStart(FramePacer.MIN_NANOS + interval));
    }

    @Test
    void onTwoCoresOrFewerCheapFramesComeFiveTimesASecond() {
        for (int cores : new int[] {1, 2}) {
            FramePacer p = new FramePacer(cores);
            assertTrue(p.tryStart(0));
            p.built(MS);
            p.shown(MS);
            assertEquals(FramePacer.MIN_NANOS_FEW_CORES, p.intervalNanos(), cores + " cores");
            assertFalse(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES - 1), "not at 15 frames a second");
            assertTrue(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES));
        }
        assertEquals(FramePacer.MIN_NANOS, new FramePacer(3).minNanos(), "more cores: ~15 frames a second");
    }
}
