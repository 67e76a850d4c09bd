package dev.glassbox.engine.train;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Cooperative pause, resume and stop of a running {@link Trainer}, from any thread. The trainer asks
 * {@link #awaitNextStep()} before every step: a pause requested during step k takes effect after step k
 * (the trainer then waits), a stop requested during step k ends the run within step k (the trainer also asks
 * {@link #stopRequested()} between the layers of its forward and backward passes) and drops that step, so the
 * weights are those after step k - 1. Actions handed to
 * {@link #betweenSteps} run on the training thread before the next step, also while paused (e.g. saving a checkpoint
 * of weights no step is changing).
 */
public final class TrainingControl {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pauseRequested;
    private boolean stopRequested;
    private boolean waiting;
    private final Queue<Runnable> actions = new ArrayDeque<>();

    /** Runs {@code action} on the training thread before the next step (at once if the trainer is paused). */
    public void betweenSteps(Runnable action) {
        lock.lock();
        try {
            actions.add(action);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the queued actions on the calling thread; the trainer does so between steps, its owner once after the run. */
    public void runPending() {
        while (true) {
            Runnable next;
            lock.lock();
            try {
                next = actions.poll();
            } finally {
                lock.unlock();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    public void pause() {
        lock.lock();
        try {
            pauseRequested = true;
        } finally {
            lock.unlock();
        }
    }

    public void resume() {
        lock.lock();
        try {
            pauseRequested = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the run at the next check: between steps, or inside a step, which is then dropped (also when paused). */
    public void stop() {
        lock.lock();
        try {
            stopRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean stopRequested() {
        lock.lock();
        try {
            return stopRequested;
        } finally {
            lock.unlock();
        }
    }

    public boolean pauseRequested() {
        lock.lock();
        try {
            return pauseRequested;
        } finally {
            lock.unlock();
        }
    }

    /** True while the trainer is parked by a pause (it has finished its step and is not computing). */
    public boolean paused() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Called by the trainer before each step: waits while paused; false when the run must end (stop or interrupt). */
    boolean awaitNextStep() {
        while (true) {
            runPending();
            lock.lock();
            try {
                if (!actions.isEmpty()) {
                    continue;
                }
                if (stopRequested || !pauseRequested) {
                    waiting = false;
                    return !stopRequested;
                }
                waiting = true; // parked until resume or stop, also while running actions in between
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
