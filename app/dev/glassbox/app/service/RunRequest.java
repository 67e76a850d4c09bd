package dev.glassbox.app.service;

import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * What to run: a model, the prompt (token ids, or text the run tokenises on the engine thread), the sampling
 * settings and the heads removed (empty: none).
 */
public record RunRequest(LoadedModel model, Prompt prompt, Generation.Settings settings, HeadSet ablated) {
    public RunRequest {
        if (prompt == null || ablated == null) {
            throw new IllegalArgumentException("a run needs its prompt and its ablated heads (HeadSet.empty() for none)");
        }
    }

    /** A run of {@code promptIds} with {@code ablated} removed. */
    public RunRequest(LoadedModel model, int[] promptIds, Generation.Settings settings, HeadSet ablated) {
        this(model, new Prompt.Ids(promptIds.clone()), settings, ablated);
    }

    /** A run of the model as it is (no head removed). */
    public RunRequest(LoadedModel model, int[] promptIds, Generation.Settings settings) {
        this(model, promptIds, settings, HeadSet.empty());
    }

    /** A run of {@code text}, tokenised by the run itself (tokenising a long text is engine work: not on the FX thread). */
    public static RunRequest ofText(LoadedModel model, String text, Generation.Settings settings, HeadSet ablated) {
        return new RunRequest(model, new Prompt.Text(text), settings, ablated);
    }

    /** The prompt's token ids (tokenises a text prompt: call it on the engine thread). */
    int[] promptIds() {
        return prompt.ids(model.tokenizer());
    }

    /** A prompt as token ids or as text. */
    public sealed interface Prompt {
        int[] ids(Tokenizer tok);

        record Ids(int[] ids) implements Prompt {
            @Override
            public int[] ids(Tokenizer tok) { return ids.clone(); }
        }

        record Text(String text) implements Prompt {
            @Override
            public int[] ids(Tokenizer tok) { return tok.encode(text); }
        }
    }
}
