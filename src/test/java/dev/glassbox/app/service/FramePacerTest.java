package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Live frames are spaced by the views' whole CPU cost and never overlap (issue #23: the app's speed against bench). */
class FramePacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void noNewFrameWhileTheLastIsBeingBuiltOrShown() {
        FramePacer p = new FramePacer(8, () -> 0);
        assertTrue(p.tryStart(0), "the first frame starts at once");
        assertFalse(p.tryStart(10_000 * MS), "the last frame is still in flight, however long ago it started");
        p.shown();
        assertTrue(p.tryStart(20_000 * MS));
        p.dropped();
        assertTrue(p.tryStart(30_000 * MS), "a dropped frame frees the way too");
    }

    @Test
    void cheapFramesComeAtTheDisplayRateCostlyOnesFurtherApart() {
        AtomicLong views = new AtomicLong();
        FramePacer p = new FramePacer(8, views::get);
        assertTrue(p.tryStart(0));
        views.addAndGet(3 * MS);
        p.shown();
        assertFalse(p.tryStart(FramePacer.MIN_NANOS - 1));
        assertTrue(p.tryStart(FramePacer.MIN_NANOS), "3 ms of the views' CPU: ~15 frames a second");
        views.addAndGet(400 * MS); // built, shown and painted: the renderer's part counts too
        p.shown();
        long apart = (long) (400 * MS / (FramePacer.VIEW_SHARE * 8));
        assertFalse(p.tryStart(FramePacer.MIN_NANOS + apart - MS), "400 ms of CPU take the views' share of 8 cores");
        assertTrue(p.tryStart(FramePacer.MIN_NANOS + apart));
    }

    @Test
    void onTwoCoresOrFewerCheapFramesComeFiveTimesASecond() {
        for (int cores : new int[] {1, 2}) {
            FramePacer p = new FramePacer(cores, () -> 0);
            assertTrue(p.tryStart(0));
            p.shown();
            assertFalse(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES - 1), "not at 15 frames a second");
            assertTrue(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES), cores + " cores");
        }
        assertEquals(FramePacer.MIN_NANOS, new FramePacer(3, () -> 0).minNanos(), "more cores: ~15 frames a second");
    }

    @Test
    void fasterTokensGetFewerFramesEachAndTheViewsTheSameCpuASecond() {
        double slow = framesPerToken(100 * MS);
        double fast = framesPerToken(30 * MS);
        assertTrue(fast < slow / 2, "frames per token at 10 tokens/s " + slow + ", at 33 tokens/s " + fast);
    }

    /** Frames per token over 20 s of tokens every {@code tokenNanos} on 2 cores, each frame costing the views 60 ms. */
    private static double framesPerToken(long tokenNanos) {
        AtomicLong views = new AtomicLong();
        FramePacer p = new FramePacer(2, views::get);
        int frames = 0;
        int tokens = 0;
        for (long now = 0; now < 20_000 * MS; now += tokenNanos, tokens++) {
            if (p.tryStart(now)) {
                frames++;
                views.addAndGet(60 * MS);
                p.shown();
            }
        }
        double viewsShare = views.get() / (20_000.0 * MS * 2);
        assertTrue(viewsShare <= FramePacer.VIEW_SHARE + 0.01, "the views' share of 2 cores: " + viewsShare);
        return (double) frames / tokens;
    }
}
