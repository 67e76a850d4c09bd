package dev.glassbox.app.service;

import java.util.function.Consumer;

import dev.glassbox.visuals.i18n.I18n;

/** Starts runs on the engine thread (see {@link RunTask}). */
public final class RunService {
    /**
     * Attention patterns for the views, residual stream for the logit lens, logits (summarised per step by
     * {@code NextTokenSummaries} for the surprisal view, never kept), expert routes.
     */
    public static final String HOOKS = "blocks.*.attn.pattern,blocks.*.resid_post,logits,blocks.*.route";

    public RunTask start(RunRequest req, Consumer<LiveRun> onStep) {
        RunTask task = new RunTask(req, onStep, EngineThread.waitingText());
        EngineThread.submit(I18n.text("engine.generation"), task);
        return task;
    }
}
