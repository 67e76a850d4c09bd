package dev.glassbox.engine.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges over a fixed pool of worker threads created once (never per call). The caller works
 * on each job too; workers wait for the next job by spinning briefly, then parking, so the many
 * small matrix-vector products of one decode step cost a volatile write each rather than a wake-up. The caller,
 * its part done, spins as briefly for the others' last units and then parks, so a worker the OS descheduled gets
 * its core back rather than the caller burning it.
 * With one thread everything runs inline on the caller with no hand-off at all.
 */
public final class Parallel implements AutoCloseable {
    /** Shared single-threaded instance: runs bodies inline. */
    public static final Parallel SERIAL = new Parallel(1);

    /**
     * Units per thread's segment: the threads finish within a unit of each other (the old split into four chunks
     * a thread, claimed in turn, left the caller waiting ~7 us a job for the other's last chunk), and finer
     * chunks claimed in turn were slower still: every chunk starts a new memory stream.
     */
    private static final int UNITS_PER_SEGMENT = 16;

    /** How long an idle worker spins before parking: longer than the gaps inside a decode step. */
    private static final long SPIN_NANOS = 200_000;

    /**
     * How long the caller, its own work done, spins for the others' last units before parking: longer than a unit
     * usually takes, far shorter than a time slice. A worker the OS descheduled mid-unit (views or other processes
     * share the cores) then gets the caller's core instead of a caller yielding in a loop that burns it.
     */
    private static final long CALLER_SPIN_NANOS = 50_000;

    /** Its worker threads' names: this and their index. */
    public static final String WORKER_NAME = "glassbox-parallel-";

    private static volatile Parallel shared;

    private final int threads;
    private final Worker[] workers;
    /** Held by the thread whose job is running; a second concurrent caller runs its job inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long epoch;
    private volatile Job job;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : new Worker[threads - 1];
        if (workers != null) {
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(i + 1);
                workers[i].start();
            }
        }
    }

    /** A process-wide instance using every available core. */
    public static Parallel shared() {
        Parallel p = shared;
        if (p == null) {
            synchronized (Parallel.class) {
                if (shared == null) {
                    shared = new Parallel(Runtime.getRuntime().availableProcessors());
                }
                p = shared;
            }
        }
        return p;
    }

    public int threads() { return threads; }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n). Each thread owns one contiguous segment of the range and works through it
     * front to back in small units, so its reads stay one stream the hardware prefetcher follows; a thread that
     * finishes early (or a worker that starts late, or one the OS has descheduled) takes units off the back of
     * the others' segments, so no one waits for more than a unit at the end.
     */
    public void forRange(int n, RangeBody body) {
        if (workers == null || n < 2 || closed || !busy.compareAndSet(false, true)) {
            body.run(0, n);  // serial, nested or concurrent call: inline
            return;
        }
        try {
            Job j = new Job(body, n, threads);
            job = j;
            epoch++; // volatile write after the job: a worker that sees the new epoch sees the job
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            j.work(0);
            j.awaitFinished();
            job = null;
            Throwable f = j.failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new IllegalStateException(f);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * One forRange call. Segment t's unclaimed part is [front, back), packed in one long so its owner (claiming
     * from the front) and a helper (claiming from the back) never take the same index. Workers holding a
     * finished job find every segment empty, so they can never run a stale unit.
     */
    private static final class Job {
        /** Longs between two threads' slots: 128 bytes, so no two threads write the same cache line pair. */
        private static final int PAD = 16;
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

        final RangeBody body;
        final int n;
        final int threads;
        final int unit;
        /** [PAD * t]: segment t's front << 32 | back; [PAD * t + PAD / 2]: indices thread t has finished. */
        final long[] slots;
        volatile Throwable failure;
        /** The caller, set while it is parked waiting for the job's last units; the threads that ran them wake it. */
        private volatile Thread parkedCaller;

        Job(RangeBody body, int n, int threads) {
            this.body = body;
            this.n = n;
            this.threads = threads;
            this.unit = Math.max(1, n / (threads * UNITS_PER_SEGMENT));
            this.slots = new long[PAD * threads];
            for (int t = 0; t < threads; t++) {
                slots[PAD * t] = pack((int) ((long) n * t / threads), (int) ((long) n * (t + 1) / threads));
            }
        }

        private static long pack(int front, int back) {
            return (long) front << 32 | back & 0xFFFF_FFFFL;
        }

        /** Thread {@code self} runs its own segment, then helps with the others' from their back ends. */
        void work(int self) {
            int finished = 0;
            for (int k = 0; k < threads; k++) {
                int segment = PAD * ((self + k) % threads);
                for (long r; (r = claim(segment, k == 0)) >= 0; ) {
                    finished += run((int) (r >>> 32), (int) r, self, finished);
                }
            }
        }

        /**
         * Takes up to a unit off the segment at {@code slot}: off its front (its owner) or its back (a helper).
         * Returns the range claimed, packed as {@link #pack} does, or -1 when the segment is empty.
         */
        private long claim(int slot, boolean fromFront) {
            while (true) {
                long s = (long) SLOT.getVolatile(slots, slot);
                int front = (int) (s >>> 32);
                int back = (int) s;
                if (front >= back) {
                    return -1;
                }
                int cut = fromFront ? Math.min(back, front + unit) : Math.max(front, back - unit);
                if (SLOT.compareAndSet(slots, slot, s, fromFront ? pack(cut, back) : pack(front, cut))) {
                    return fromFront ? pack(front, cut) : pack(cut, back);
                }
            }
        }

        /** Runs one unit and publishes thread {@code self}'s new total of finished indices. */
        private int run(int from, int to, int self, int finishedBefore) {
            try {
                body.run(from, to);
            } catch (Throwable t) {
                failure = t;
            }
            SLOT.setRelease(slots, PAD * self + PAD / 2, (long) (finishedBefore + to - from));
            return to - from;
        }

        /** A worker's part: runs units until none is left, then wakes the caller if it parked waiting for them. */
        void workAndWake(int self) {
            work(self);
            VarHandle.fullFence(); // the finished counts are visible before parkedCaller is read (see awaitFinished)
            Thread waiting = parkedCaller;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        /** The caller's wait for units others are running: a short spin, then parking until a worker wakes it. */
        void awaitFinished() {
            long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
            for (int spins = 0; !finished(); spins++) {
                if ((spins & 63) != 63 || System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                parkedCaller = Thread.currentThread();
                VarHandle.fullFence(); // parkedCaller is visible before the counts are read again (see workAndWake)
                if (!finished()) {
                    LockSupport.park(this);
                }
                parkedCaller = null;
            }
        }

        boolean finished() {
            long sum = 0;
            for (int t = 0; t < threads; t++) {
                sum += (long) SLOT.getAcquire(slots, PAD * t + PAD / 2);
            }
            return sum == n;
        }
    }

    private final class Worker extends Thread {
        final int index;
        volatile boolean parked;

        Worker(int index) {
            super(WORKER_NAME + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long e = awaitNext(seen);
                if (closed) {
                    return;
                }
                seen = e;
                Job j = job;
                if (j != null) {
                    j.workAndWake(index);
                }
            }
        }

        /** Spins, then parks, until the epoch moves past {@code seen} (or the pool closes). */
        private long awaitNext(long seen) {
            long deadline = 0;
            int spins = 0;
            long e;
            while ((e = epoch) == seen && !closed) {
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + SPIN_NANOS;
                } else if (now > deadline) {
                    parked = true; // the caller reads this after bumping the epoch, so no wake-up is lost
                    if (epoch == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    deadline = 0;
                }
            }
            return e;
        }
    }

    @Override
    public void close() {
        if (workers != null && this != shared && this != SERIAL) {
            closed = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }
}
