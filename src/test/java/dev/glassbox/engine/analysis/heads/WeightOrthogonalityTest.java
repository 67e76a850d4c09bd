package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;

class WeightOrthogonalityTest {
    private static final LlamaModel MODEL = TinyModels.twinAndOrthogonalHeads(7);
    private static final HeadSlices SLICES = HeadSlices.of(MODEL, 0);
    private static final WeightOrthogonality.LayerSubspaces SUBS = WeightOrthogonality.LayerSubspaces.of(SLICES);

    @Test
    void identicalHeadsScoreOneForEveryWeightAndCircuit() {
        for (WeightKind k : WeightKind.values()) {
            HeadTable t = WeightOrthogonality.similarity(SUBS, SUBS, k);
            assertEquals(1.0, t.get(0, 1), 1e-12, k + " of twin heads");
            assertEquals(1.0, t.get(0, 0), 1e-12, k + " of a head with itself");
        }
        assertEquals(1.0, WeightOrthogonality.circuitCosine(SLICES, SLICES, WeightKind.QK).get(0, 1), 1e-12);
        assertEquals(1.0, WeightOrthogonality.circuitCosine(SLICES, SLICES, WeightKind.OV).get(0, 1), 1e-12);
    }

    @Test
    void headsOnOrthogonalSubspacesScoreZero() {
        for (WeightKind k : WeightKind.values()) {
            HeadTable t = WeightOrthogonality.similarity(SUBS, SUBS, k);
            for (int i : new int[] {0, 1}) {
                for (int j : new int[] {2, 3}) {
                    assertEquals(0.0, t.get(i, j), 1e-12, k + " of heads " + i + " and " + j);
                    assertEquals(t.get(i, j), t.get(j, i), 1e-15);
                }
            }
        }
        assertEquals(0.0, WeightOrthogonality.circuitCosine(SLICES, SLICES, WeightKind.QK).get(0, 2), 1e-12);
        assertEquals(0.0, WeightOrthogonality.circuitCosine(SLICES, SLICES, WeightKind.OV).get(1, 3), 1e-12);
    }

    @Test
    void aLayersTablesOneKindAtATimeAreTheTablesOfAllBasesAtOnce() {
        java.util.List<HeadTable> all = HeadAnalysis.weightTables(SLICES, SLICES);
        java.util.List<HeadTable> byKind = HeadAnalysis.layerWeightTables(SLICES, HeadAnalysis.Progress.NONE);
        assertEquals(all.size(), byKind.size());
        for (int i = 0; i < all.size(); i++) {
            HeadTable a = all.get(i);
            HeadTable b = byKind.get(i);
            assertEquals(a.metric(), b.metric());
            assertEquals(a.rowLayer(), b.rowLayer());
            assertEquals(a.columnLayer(), b.columnLayer());
            assertEquals(a.sense(), b.sense());
            assertTrue(java.util.Arrays.deepEquals(a.values(), b.values()), a.metric());
        }
    }

    @Test
    void groupedHeadsShareKeysAndValuesButNotQueries() {
        boolean[][] shared = WeightOrthogonality.sharedKeyValue(MODEL.config());
        assertTrue(shared[0][1]);
        assertTrue(shared[2][3]);
        assertFalse(shared[1][2]);
        assertEquals(1.0, WeightOrthogonality.similarity(SUBS, SUBS, WeightKind.K).get(2, 3), 1e-12);
        assertEquals(1.0, WeightOrthogonality.similarity(SUBS, SUBS, WeightKind.V).get(2, 3), 1e-12);
        double q = WeightOrthogonality.similarity(SUBS, SUBS, WeightKind.Q).get(2, 3);
        assertTrue(q > 0.01 && q < 0.99, "two random planes in R^4 are neither equal nor orthogonal: " + q);
    }

    @Test
    void similarityIgnoresScaleAndBasis() {
        double[][] a = {{1, 0, 0, 0}, {0, 1, 0, 0}};
        double[][] b = {{3, 3, 0, 0}, {0, -5, 0, 0}}; // same plane, other basis and scale
        double[][] c = {{1, 0, 0, 0}, {0, 0, 1, 0}}; // shares one of two directions
        assertEquals(1.0, Subspace.similarity(Subspace.of(a, 4), Subspace.of(b, 4)), 1e-12);
        assertEquals(0.5, Subspace.similarity(Subspace.of(a, 4), Subspace.of(c, 4)), 1e-12);
        // 45 degrees between lines: cos^2 = 1/2
        assertEquals(0.5, Subspace.similarity(Subspace.of(new double[][] {{1, 0}}, 2),
                Subspace.of(new double[][] {{1, 1}}, 2)), 1e-12);
    }

    @Test
    void rankDeficiencyIsDetected() {
        assertEquals(1, Subspace.of(new double[][] {{1, 1, 0}, {2, 2, 0}}, 3).rank());
        assertEquals(0, Subspace.of(new double[][] {{0, 0, 0}}, 3).rank());
        // QK = W_Qᵀ W_K with a rank-1 W_K has a rank-1 column space: span(q0 + q1) when both key rows are e0
        double[][] cols = HeadSlices.circuitColumns(new double[][] {{1, 0, 0}, {0, 1, 0}}, new double[][] {{1, 0, 0}, {1, 0, 0}});
        Subspace s = Subspace.of(cols, 3);
        assertEquals(1, s.rank());
        assertEquals(1.0, Subspace.similarity(s, Subspace.of(new double[][] {{1, 1, 0}}, 3)), 1e-12);
    }

    @Test
    void penaltyIsTheSumOfSquaredCrossProductsOverOrderedPairs() {
        // two heads with one query row each (head dim 1): e0 and 2 e0 -> ‖W0ᵀW1‖² = 4, counted for (0,1) and (1,0)
        ModelConfig c = TinyModels.config(2, 1, 2, 2, 1, 4, 8, RopeStyle.NONE);
        float[] wq = {1, 0, 2, 0};
        float[] wk = {1, 0, 0, 1};
        float[] wv = {1, 0, 0, 1};
        float[] wo = {1, 0, 0, 1};
        LlamaModel m = TinyModels.model(c, new float[] {1, 0, 0, 1, 1, 1, 0, 0},
                TinyModels.attentionOnly(c, wq, wk, wv, wo));
        HeadSlices s = HeadSlices.of(m, 0);
        assertEquals(8.0, WeightOrthogonality.penalty(s, WeightKind.Q), 1e-12);
        assertEquals(0.0, WeightOrthogonality.penalty(s, WeightKind.K), 1e-12);
        assertEquals(0.0, WeightOrthogonality.penalty(s, WeightKind.O), 1e-12);
        // orthogonal heads in the constructed model have zero cross terms only between groups
        assertTrue(WeightOrthogonality.penalty(SLICES, WeightKind.Q) > 0, "twin heads overlap");
    }

    @Test
    void crossLayerTablesCompareHeadsOfDifferentLayers() {
        ModelConfig one = MODEL.config();
        ModelConfig two = TinyModels.config(one.dim(), 2, one.heads(), one.kvHeads(), one.headDim(), one.vocabSize(),
                one.contextLength(), one.ropeStyle());
        LlamaModel.Layer layer = MODEL.weights().layers()[0];
        LlamaModel m = new LlamaModel(two, new LlamaModel.Weights(MODEL.weights().tokenEmbedding(),
                new LlamaModel.Layer[] {layer, layer}, MODEL.weights().finalNorm(), MODEL.weights().output()),
                dev.glassbox.engine.tensor.Parallel.SERIAL);
        HeadReport r = HeadAnalysis.analyse(m, new int[] {1, 2, 3, 4},
                HeadAnalysis.Settings.defaults(1, 2, 0).withCrossLayer(true).withAblation(null, null),
                dev.glassbox.engine.tensor.Parallel.SERIAL);
        HeadTable t = r.table("wo", 0, 1);
        assertTrue(t.crossLayer());
        assertEquals(1.0, t.get(2, 2), 1e-12, "head 2 of layer 0 and its copy in layer 1");
        assertEquals(1.0, t.get(0, 1), 1e-12, "twin heads across layers");
        assertEquals(0.0, t.get(0, 3), 1e-12, "orthogonal heads across layers");
        assertEquals(null, HeadAnalysis.analyse(m, new int[] {1, 2, 3}, HeadAnalysis.Settings.defaults(1, 2, 0)
                .withAblation(null, null), dev.glassbox.engine.tensor.Parallel.SERIAL).table("wo", 0, 1),
                "no cross-layer tables unless asked");
    }
}
