package dev.glassbox.app.service;

import java.util.function.Consumer;

/** Starts runs on the engine thread (see {@link RunTask}). */
public final class RunService {
    /** Attention patterns for the views, residual stream for the logit lens, logits for the sampler, expert routes. */
    public static final String HOOKS = "blocks.*.attn.pattern,blocks.*.resid_post,logits,blocks.*.route";

    public RunTask start(RunRequest req, Consumer<LiveRun> onStep) {
        RunTask task = new RunTask(req, onStep);
        EngineThread.EXECUTOR.submit(task);
        return task;
    }
}
