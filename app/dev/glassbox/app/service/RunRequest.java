package dev.glassbox.app.service;

import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;

/** What to run: a model, the prompt's token ids, the sampling settings and the heads removed (empty: none). */
public record RunRequest(LoadedModel model, int[] promptIds, Generation.Settings settings, HeadSet ablated) {
    public RunRequest {
        promptIds = promptIds.clone();
        if (ablated == null) {
            throw new IllegalArgumentException("a run needs its ablated heads (HeadSet.empty() for none)");
        }
    }

    /** A run of the model as it is (no head removed). */
    public RunRequest(LoadedModel model, int[] promptIds, Generation.Settings settings) {
        this(model, promptIds, settings, HeadSet.empty());
    }
}
