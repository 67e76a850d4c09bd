package dev.glassbox.app.service;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.model.LoadedModel;

/**
 * The heads removed from the loaded model, shared by the workspaces: the Heads workspace edits it, every view
 * re-runs when it changes. A new model starts with none. FX thread only; the {@link HeadSet} values are immutable,
 * so runs take the one current when they start.
 */
public final class AblationState {
    private final ReadOnlyObjectWrapper<HeadSet> set = new ReadOnlyObjectWrapper<>(this, "set", HeadSet.empty());
    private LoadedModel model;

    public ReadOnlyObjectProperty<HeadSet> setProperty() { return set.getReadOnlyProperty(); }

    public HeadSet get() { return set.get(); }

    /** The model the set applies to (null: none loaded). */
    public LoadedModel model() { return model; }

    /** A new model: nothing ablated. */
    public void reset(LoadedModel m) {
        model = m;
        set.set(HeadSet.empty());
    }

    /**
     * Adds head (layer, head) when absent, removes it when present; the whole set takes {@code mode}
     * ({@code means}, the mean head outputs of the reference input, needed for MEAN).
     */
    public void toggle(int layer, int head, HeadAblation.Mode mode, float[][][] means) {
        HeadSet next = get().withMode(mode, means).toggle(layer, head);
        set.set(HeadSet.of(requireModel().config(), mode, means, next.heads()));
    }

    /** The same heads removed another way. */
    public void setMode(HeadAblation.Mode mode, float[][][] means) {
        if (get().mode() != mode) {
            set.set(HeadSet.of(requireModel().config(), mode, means, get().heads()));
        }
    }

    /** Exactly {@code heads} removed, by zeroing them (a restored session; mean ablation needs an analysis first). */
    public void set(java.util.List<HeadSet.Head> heads) {
        set.set(HeadSet.of(requireModel().config(), HeadAblation.Mode.ZERO, null, heads));
    }

    /** Restores every head. */
    public void clear() {
        if (!get().isEmpty()) {
            set.set(HeadSet.empty().withMode(get().mode(), get().means()));
        }
    }

    private LoadedModel requireModel() {
        if (model == null) {
            throw new IllegalStateException("no model loaded: nothing to ablate");
        }
        return model;
    }
}
