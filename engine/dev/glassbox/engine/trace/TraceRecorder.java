package dev.glassbox.engine.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the steps of a run. {@link #trace()} returns an immutable snapshot, so a view may read
 * the trace so far while the engine thread is still adding steps.
 */
public final class TraceRecorder implements TraceListener {
    private final List<TraceStep> steps = new ArrayList<>();
    private AttentionStore store;

    /** The store the run keeps its patterns in (when its capture {@linkplain Capture#storingPatterns() stores them}). */
    public synchronized void attention(AttentionStore store) {
        this.store = store;
    }

    @Override
    public synchronized void onStep(TraceStep step) {
        steps.add(step);
    }

    /** The steps recorded so far, as an immutable trace. */
    public synchronized Trace trace() {
        return Trace.of(steps, store);
    }

    public synchronized int size() {
        return steps.size();
    }
}
