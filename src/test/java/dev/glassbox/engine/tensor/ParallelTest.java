package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceAcrossManyHandOffs() {
        try (Parallel p = new Parallel(3)) {
            for (int round = 0; round < 3_000; round++) {
                int n = 1 + round % 11; // includes n smaller than the thread count
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                p.forRange(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n + " in round " + round);
                }
            }
        }
    }

    @Test
    void resultsWrittenByWorkersAreVisibleToTheCaller() {
        try (Parallel p = new Parallel(2)) {
            int[] out = new int[1000];
            for (int round = 1; round <= 500; round++) {
                int r = round;
                p.forRange(out.length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        out[i] = r;
                    }
                });
                for (int v : out) {
                    assertEquals(round, v);
                }
            }
        }
    }

    @Test
    void workerExceptionReachesTheCallerAndThePoolStaysUsable() {
        try (Parallel p = new Parallel(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException got = assertThrows(IllegalStateException.class, () -> p.forRange(10, (from, to) -> {
                if (from > 0) {
                    throw boom;
                }
            }));
            assertSame(boom, got);
            AtomicInteger sum = new AtomicInteger();
            p.forRange(10, (from, to) -> sum.addAndGet(to - from));
            assertEquals(10, sum.get());
        }
    }

    @Test
    void callerChunkExceptionWaitsForWorkersBeforeTheNextJob() {
        try (Parallel p = new Parallel(2)) {
            for (int round = 0; round < 200; round++) {
                AtomicInteger done = new AtomicInteger();
                assertThrows(IllegalArgumentException.class, () -> p.forRange(2, (from, to) -> {
                    if (from == 0) {
                        throw new IllegalArgumentException("caller chunk fails");
                    }
                    done.incrementAndGet();
                }));
                assertEquals(1, done.get(), "the worker's chunk finished before forRange returned");
            }
        }
    }

    @Test
    void nestedCallsRunInlineInsteadOfDeadlocking() {
        try (Parallel p = new Parallel(2)) {
            AtomicInteger sum = new AtomicInteger();
            AtomicInteger outer = new AtomicInteger();
            p.forRange(4, (from, to) -> {
                outer.addAndGet(to - from);
                p.forRange(5, (a, b) -> sum.addAndGet(b - a));
            });
            assertEquals(4, outer.get());
            assertTrue(sum.get() >= 5 && sum.get() % 5 == 0, "each outer chunk ran the whole inner range");
        }
    }

    @Test
    void eachThreadStreamsThroughItsOwnHalfAndTakesAStalledThreadsRestFromTheBack() {
        try (Parallel p = new Parallel(2)) {
            Thread caller = Thread.currentThread();
            int n = 320; // two segments of 160, units of 10
            List<int[]> callerRuns = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger workerRan = new AtomicInteger();
            p.forRange(n, (from, to) -> {
                if (Thread.currentThread() == caller) {
                    callerRuns.add(new int[] {from, to});
                } else {
                    workerRan.addAndGet(to - from);
                    try {
                        Thread.sleep(200); // the worker stalls in its first unit
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            int expect = 0;
            int i = 0;
            for (; i < callerRuns.size() && callerRuns.get(i)[0] < n / 2; i++) {
                assertEquals(expect, callerRuns.get(i)[0], "the caller's own half runs front to back, in one stream");
                expect = callerRuns.get(i)[1];
            }
            assertEquals(n / 2, expect, "the caller finished its half");
            int back = n;
            for (; i < callerRuns.size(); i++) {
                assertEquals(back, callerRuns.get(i)[1], "the stalled worker's half is taken from its back end");
                back = callerRuns.get(i)[0];
            }
            assertTrue(workerRan.get() <= 10, "the stalled worker ran its first unit at most: " + workerRan.get());
            assertEquals(n, n / 2 + (n - back) + workerRan.get(), "nothing ran twice or was lost");
        }
    }

    @Test
    void theCallerParksWhileAStalledWorkerFinishesItsUnitAndIsWokenByIt() {
        try (Parallel p = new Parallel(2)) {
            Thread caller = Thread.currentThread();
            AtomicInteger sum = new AtomicInteger();
            boolean[] sawParked = new boolean[1];
            AtomicInteger workerStarted = new AtomicInteger();
            p.forRange(2, (from, to) -> {
                long end = System.nanoTime() + 5_000_000_000L; // bounds both waits
                if (Thread.currentThread() != caller) {
                    workerStarted.set(1);
                    // the worker's unit runs until the caller, with nothing left to take, waits parked
                    while (!sawParked[0] && System.nanoTime() < end) {
                        sawParked[0] = caller.getState() == Thread.State.WAITING;
                        Thread.onSpinWait();
                    }
                } else {
                    while (workerStarted.get() == 0 && System.nanoTime() < end) {
                        Thread.onSpinWait(); // the caller's unit ends once the worker holds the other one
                    }
                }
                sum.addAndGet(to - from);
            });
            assertTrue(sawParked[0], "the caller parked instead of spinning while the worker's unit ran");
            assertEquals(2, sum.get());
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }
}
