package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/** Steps of a run in progress, appended by the engine thread and snapshotted by the view builder. */
public final class LiveRun {
    private final List<TraceStep> steps = new ArrayList<>();
    private final int promptLength;
    private final AttentionStore store;

    /** @param store where the run's patterns go (null: into the steps) */
    LiveRun(int promptLength, AttentionStore store) {
        this.promptLength = promptLength;
        this.store = store;
    }

    synchronized void add(TraceStep s) {
        steps.add(s);
    }

    public synchronized int size() { return steps.size(); }

    public int promptLength() { return promptLength; }

    public synchronized Trace snapshot() {
        return Trace.of(new ArrayList<>(steps), store);
    }
}
