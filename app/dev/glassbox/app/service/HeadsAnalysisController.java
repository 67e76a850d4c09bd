package dev.glassbox.app.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.model.LoadedModel;

/**
 * What the Heads workspace shows and where the user is in it: the analysis on screen, the head selected, the
 * cross-layer weight tables computed so far; and how it follows the shared set of ablated heads (toggling the
 * selected head, changing the mode, deciding when the analysis must run again). FX thread only.
 */
public final class HeadsAnalysisController {
    /** One head: layer and index within it. */
    public record Head(int layer, int head) {
    }

    private final AblationState ablated;
    private final ReadOnlyObjectWrapper<HeadsAnalysis.Result> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyObjectWrapper<Head> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    /** Weight tables between two layers, by metric and layers, kept for the model's current analysis. */
    private final Map<String, HeadTable> crossLayer = new HashMap<>();

    public HeadsAnalysisController(AblationState ablated) {
        this.ablated = ablated;
    }

    /** The analysis on screen (null before the first for this model). */
    public ReadOnlyObjectProperty<HeadsAnalysis.Result> resultProperty() { return result.getReadOnlyProperty(); }

    public HeadsAnalysis.Result result() { return result.get(); }

    /** The report on screen (null before the first analysis for this model). */
    public HeadReport report() { return result.get() == null ? null : result.get().report(); }

    /** The head whose pattern and scores are shown (null: none yet). */
    public ReadOnlyObjectProperty<Head> selectedProperty() { return selected.getReadOnlyProperty(); }

    public Head selected() { return selected.get(); }

    /** A new model: nothing analysed or selected. */
    public void clear() {
        result.set(null);
        selected.set(null);
        crossLayer.clear();
    }

    public void show(HeadsAnalysis.Result r) {
        result.set(r);
    }

    public void select(int layer, int head) {
        selected.set(new Head(layer, head));
    }

    /** The weight tables of layers {@code a} vs {@code b} for {@code metric}, if computed already (else null). */
    public HeadTable crossLayer(String metric, int a, int b) {
        return crossLayer.get(metric + "@" + a + "-" + b);
    }

    public void keepCrossLayer(List<HeadTable> tables, int a, int b) {
        for (HeadTable t : tables) {
            crossLayer.put(t.metric() + "@" + a + "-" + b, t);
        }
    }

    /** The ablated set takes {@code mode} (mean ablation uses the clean run's mean head outputs). */
    public void setMode(HeadAblation.Mode mode) {
        if (result.get() != null) {
            ablated.setMode(mode, HeadAblation.meanOutputs(result.get().clean()));
        }
    }

    /** Adds the selected head to the ablated set or removes it; false when there is no analysed head to toggle. */
    public boolean toggleSelected(HeadAblation.Mode mode) {
        Head h = selected.get();
        if (h == null || result.get() == null) {
            return false;
        }
        ablated.toggle(h.layer(), h.head(), mode, HeadAblation.meanOutputs(result.get().clean()));
        return true;
    }

    /** Whether the set's change belongs to {@code model} (a model change resets the set and clears the workspace). */
    public boolean follows(LoadedModel model) {
        return model != null && ablated.model() == model;
    }

    /** Whether the analysis on screen must run again after the set went from {@code before} to {@code now}. */
    public boolean needsReanalysis(HeadSet before, HeadSet now) {
        return report() != null && !(before.isEmpty() && now.isEmpty());
    }
}
