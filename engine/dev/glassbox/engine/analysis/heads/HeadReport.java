package dev.glassbox.engine.analysis.heads;

import java.util.List;
import java.util.Map;

/**
 * Everything {@link HeadAnalysis} computed for one model and input.
 *
 * @param tables        heads x heads tables: weight similarities per kind and layer (and across layers when
 *                      asked), circuit cosines, JS divergence and output cosine per layer
 * @param sharedKv      [head][head] true when the heads read the same key/value head (grouped-query attention)
 * @param penalties     orthogonality penalty per weight kind id ("wq", "wk", "wv", "wo"), indexed by layer
 * @param disagreement  Li et al. 2018 output disagreement per layer
 * @param probeTokens   the repeated-random-tokens probe used for prefix matching (empty when not run)
 * @param ablations     one effect per head in (layer, head) order (empty when not run)
 * @param timingsMillis wall time of each stage
 * @param run           the captured run the behaviour scores read (patterns, output cosine; head outputs and
 *                      residuals only when the analysis ablated: {@link CapturedRun#keptActivations()}), under the
 *                      analysis's ablated heads if any
 */
public record HeadReport(int[] tokens, RunOutcome clean, List<HeadTable> tables, boolean[][] sharedKv,
                         List<Row> rows, Map<String, double[]> penalties, double[] disagreement,
                         int[] probeTokens, List<HeadAblation.Effect> ablations, Map<String, Double> timingsMillis,
                         CapturedRun run) {

    /**
     * Per-head scores.
     *
     * @param prefixMatching Olsson et al. 2022 score on the probe (NaN when no probe ran)
     * @param importance     loss increase when this head alone is ablated (NaN when ablation did not run)
     */
    public record Row(int layer, int head, int kvHead, HeadRoles.Scores roles, double prefixMatching,
                      double entropy, double sinkMass, double specialMass, double importance) {
    }

    /** The table of {@code metric} for (rowLayer, columnLayer), or null. */
    public HeadTable table(String metric, int rowLayer, int columnLayer) {
        for (HeadTable t : tables) {
            if (t.metric().equals(metric) && t.rowLayer() == rowLayer && t.columnLayer() == columnLayer) {
                return t;
            }
        }
        return null;
    }

    public Row row(int layer, int head) {
        for (Row r : rows) {
            if (r.layer() == layer && r.head() == head) {
                return r;
            }
        }
        throw new IllegalArgumentException("no head " + layer + "." + head + " in the report");
    }
}
