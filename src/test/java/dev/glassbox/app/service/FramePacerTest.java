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
        FramePacer p = new FramePacer(8, () -> 0, () -> 0);
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
        FramePacer p = new FramePacer(8, views::get, () -> 100 * views.get()); // the engine's CPU does not bind here
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
            FramePacer p = new FramePacer(cores, () -> 0, () -> 0);
            assertTrue(p.tryStart(0));
            p.shown();
            assertFalse(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES - 1), "not at 15 frames a second");
            assertTrue(p.tryStart(FramePacer.MIN_NANOS_FEW_CORES), cores + " cores");
        }
        assertEquals(FramePacer.MIN_NANOS, new FramePacer(3, () -> 0, () -> 0).minNanos(), "more cores: ~15 frames a second");
    }

    @Test
    void fasterTokensGetFewerFramesEachAndTheViewsTheSameCpuASecond() {
        double slow = framesPerToken(100 * MS);
        double fast = framesPerToken(30 * MS);
        assertTrue(fast < slow / 2, "frames per token at 10 tokens/s " + slow + ", at 33 tokens/s " + fast);
    }

    @Test
    void onASharedMachineTheViewsTakeAtMostTheirPartOfTheEnginesCpu() {
        // 40 tokens 250 ms apart (the machine's other work slows the engine), each costing the engine 100 ms of CPU
        int frames = sharedMachineFrames(50);
        assertTrue(frames > 5 && frames < 20, "50 ms frames every few tokens, not at 5 a second: " + frames);
        assertEquals(5, sharedMachineFrames(500), "frames that cost more than the engine's part still come every 2 s");
    }

    /** Frames shown over 10 s of tokens 250 ms apart costing the engine 100 ms each, each frame costing the views as given. */
    private static int sharedMachineFrames(long frameMs) {
        AtomicLong views = new AtomicLong();
        AtomicLong engine = new AtomicLong();
        FramePacer p = new FramePacer(2, views::get, engine::get);
        int frames = 0;
        for (long now = 0; now < 10_000 * MS; now += 250 * MS) {
            engine.addAndGet(100 * MS);
            if (p.tryStart(now)) {
                frames++;
                views.addAndGet(frameMs * MS);
                p.shown();
            }
        }
        if (frameMs * MS <= FramePacer.ENGINE_RATIO * FramePacer.MAX_NANOS * 100 / 250) { // the engine's part binds
            assertTrue(views.get() <= FramePacer.ENGINE_RATIO * engine.get() + frameMs * MS,
                    "views " + views.get() / MS + " ms against the engine's " + engine.get() / MS + " ms");
        }
        return frames;
    }

    /** Frames per token over 20 s of tokens every {@code tokenNanos} on 2 cores, each frame costing the views 60 ms. */
    private static double framesPerToken(long tokenNanos) {
        AtomicLong views = new AtomicLong();
        AtomicLong engine = new AtomicLong();
        FramePacer p = new FramePacer(2, views::get, engine::get);
        int frames = 0;
        int tokens = 0;
        for (long now = 0; now < 20_000 * MS; now += tokenNanos, tokens++) {
            engine.addAndGet(tokenNanos * 2); // both cores' worth: the engine is not what binds here
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
