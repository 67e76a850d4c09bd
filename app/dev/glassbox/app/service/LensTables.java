package dev.glassbox.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.analysis.LogitLens;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.visuals.LensTable;

/**
 * Lays the engine's {@link LogitLens} out as a {@link LensTable}: one row per layer's resid_post, one column per
 * position, the top token and its probability in each cell. The numbers are the engine's; nothing is recomputed.
 */
public final class LensTables {

    private LensTables() {
    }

    /**
     * The lens of a decoder run over its last {@code lastPositions} positions; empty for encoders or when the
     * run did not capture every layer's residual stream at every position. Stops with a
     * {@link CancellationException} once {@code cancelled} says so (asked between batches of read-outs).
     */
    public static LensTable of(LoadedModel model, Trace trace, int[] tokens, int lastPositions,
                               BooleanSupplier cancelled) {
        if (!model.isDecoder() || trace.length() == 0) {
            return LensTable.EMPTY;
        }
        int n = trace.length();
        int first = Math.max(0, n - lastPositions);
        List<LogitLens.Row> rows = LogitLens.apply(LogitLens.unembedding(model.decoder()), trace, 1, false, first,
                cancelled);
        if (rows.size() != model.config().layers()) {
            return LensTable.EMPTY;
        }
        List<String> layerLabels = new ArrayList<>();
        String[][] top = new String[rows.size()][n - first];
        float[][] prob = new float[rows.size()][n - first];
        for (int l = 0; l < rows.size(); l++) {
            LogitLens.Row row = rows.get(l);
            layerLabels.add("L" + row.hook().layer());
            for (int p = first; p < n; p++) {
                TokenProbability[] best = row.at(p);
                if (best.length == 0) {
                    return LensTable.EMPTY;
                }
                top[l][p - first] = model.tokenizer().display(best[0].token());
                prob[l][p - first] = (float) best[0].probability();
            }
        }
        List<String> positions = new ArrayList<>();
        for (int p = first; p < n; p++) {
            positions.add(p + "\n" + model.tokenizer().display(tokens[p]));
        }
        return new LensTable(layerLabels, positions, top, prob);
    }
}
