package dev.glassbox.engine.analysis.heads;

import java.util.EnumMap;
import java.util.Map;

import dev.glassbox.engine.model.ModelConfig;

/** Weight-space comparison of attention heads: subspace similarity, circuit cosine, orthogonality penalty. */
public final class WeightOrthogonality {
    private WeightOrthogonality() {
    }

    /** The orthonormal bases of every head's {@code kind} vectors in one layer, computed once. */
    public record LayerSubspaces(int layer, Map<WeightKind, Subspace[]> byKind) {
        public static LayerSubspaces of(HeadSlices s) {
            return of(s, () -> { });
        }

        /**
         * The bases above, running {@code beforeEachBasis} before each head's basis of each kind and before each
         * column of it (a layer's bases of stories110M took seconds of CPU under load with no check inside).
         */
        public static LayerSubspaces of(HeadSlices s, Runnable beforeEachBasis) {
            Map<WeightKind, Subspace[]> m = new EnumMap<>(WeightKind.class);
            for (WeightKind kind : WeightKind.values()) {
                m.put(kind, bases(s, kind, beforeEachBasis));
            }
            return new LayerSubspaces(s.layer(), m);
        }

        /** The bases of every head's {@code kind} vectors in one layer, {@code beforeEachBasis} run as in {@link #of}. */
        public static Subspace[] bases(HeadSlices s, WeightKind kind, Runnable beforeEachBasis) {
            Subspace[] subs = new Subspace[s.heads()];
            for (int h = 0; h < s.heads(); h++) {
                beforeEachBasis.run();
                // grouped heads share K and V: reuse the basis of the group's first head
                int first = firstOfGroup(s, h);
                subs[h] = kind.sharedByKvGroup() && first != h ? subs[first] : Subspace.of(s.vectors(kind, h), s.dim(), beforeEachBasis);
            }
            return subs;
        }

        private static int firstOfGroup(HeadSlices s, int h) {
            for (int i = 0; i < h; i++) {
                if (s.kvHead()[i] == s.kvHead()[h]) {
                    return i;
                }
            }
            return h;
        }
    }

    /** ‖UᵢᵀUⱼ‖_F² / d between every head of {@code a} and every head of {@code b} (principal angles, Björck & Golub 1973). */
    public static HeadTable similarity(LayerSubspaces a, LayerSubspaces b, WeightKind kind) {
        return similarity(a.layer(), a.byKind().get(kind), b.layer(), b.byKind().get(kind), a == b, kind);
    }

    /**
     * The table above from one kind's bases of layers {@code layerA} and {@code layerB}; {@code symmetric} when
     * they are the same bases (within a layer only the upper triangle is computed).
     */
    public static HeadTable similarity(int layerA, Subspace[] x, int layerB, Subspace[] y, boolean symmetric,
                                       WeightKind kind) {
        double[][] v = new double[x.length][y.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = symmetric ? i : 0; j < y.length; j++) {
                v[i][j] = Subspace.similarity(x[i], y[j]);
                if (symmetric) {
                    v[j][i] = v[i][j];
                }
            }
        }
        return new HeadTable(kind.id(), layerA, layerB, v, HeadTable.Sense.SIMILARITY);
    }

    /**
     * Cosine of two heads' circuit matrices, ⟨Cᵢ, Cⱼ⟩_F / (‖Cᵢ‖_F ‖Cⱼ‖_F), with C = A Bᵀ from the
     * factors (Elhage et al. 2021 circuits; the Frobenius inner product as in their composition scores):
     * ⟨AᵢBᵢᵀ, AⱼBⱼᵀ⟩_F = Σ (AᵢᵀAⱼ) ∘ (BᵢᵀBⱼ), so no dim x dim matrix is formed. Unlike the column-space
     * similarity this tells apart heads that read and write the same spaces but map them differently.
     */
    public static HeadTable circuitCosine(HeadSlices a, HeadSlices b, WeightKind kind) {
        return circuitCosine(a, b, kind, () -> { });
    }

    /**
     * The circuit cosines above, running {@code beforeEachRow} before each head of {@code a} (a table of stories110M
     * is ~0.5 s of CPU: a caller that may be cancelled throws from it).
     */
    public static HeadTable circuitCosine(HeadSlices a, HeadSlices b, WeightKind kind, Runnable beforeEachRow) {
        if (!kind.circuit()) {
            throw new IllegalArgumentException(kind + " is not a circuit (use QK or OV)");
        }
        double[][] v = new double[a.heads()][b.heads()];
        double[] na = new double[a.heads()];
        double[] nb = new double[b.heads()];
        for (int i = 0; i < a.heads(); i++) {
            na[i] = Math.sqrt(circuitInner(a, i, a, i, kind));
        }
        for (int j = 0; j < b.heads(); j++) {
            nb[j] = Math.sqrt(circuitInner(b, j, b, j, kind));
        }
        boolean symmetric = a == b;
        for (int i = 0; i < a.heads(); i++) {
            beforeEachRow.run();
            for (int j = symmetric ? i : 0; j < b.heads(); j++) {
                double d = na[i] * nb[j];
                v[i][j] = d == 0 ? 0 : circuitInner(a, i, b, j, kind) / d;
                if (symmetric) {
                    v[j][i] = v[i][j];
                }
            }
        }
        return new HeadTable(kind.id() + "_cosine", a.layer(), b.layer(), v, HeadTable.Sense.SIMILARITY);
    }

    private static double circuitInner(HeadSlices a, int i, HeadSlices b, int j, WeightKind kind) {
        double[][] ai = kind == WeightKind.QK ? a.query()[i] : a.output()[i];
        double[][] bi = kind == WeightKind.QK ? a.key()[i] : a.value()[i];
        double[][] aj = kind == WeightKind.QK ? b.query()[j] : b.output()[j];
        double[][] bj = kind == WeightKind.QK ? b.key()[j] : b.value()[j];
        double s = 0;
        for (int p = 0; p < ai.length; p++) {
            for (int r = 0; r < aj.length; r++) {
                s += Subspace.dot(ai[p], aj[r]) * Subspace.dot(bi[p], bj[r]);
            }
        }
        return s;
    }

    /**
     * Σ_{i≠j} ‖WᵢᵀWⱼ‖_F² over a layer's heads, Wᵢ the dim x headDim matrix of head i's {@code kind} vectors
     * (the inter-head orthogonality penalty the brief calls ROOTS-style; the same form as the orthogonality
     * regulariser in Yun, Kang & Jung 2021, Appl. Sci. 11:1548). For K and V the sum runs over distinct
     * kv heads, since heads of one group share the same matrix. Circuits are not accepted.
     */
    public static double penalty(HeadSlices s, WeightKind kind) {
        return penalty(s, kind, () -> { });
    }

    /** The penalty above, running {@code beforeEachHead} before each head's pairs (see {@link #circuitCosine}). */
    public static double penalty(HeadSlices s, WeightKind kind, Runnable beforeEachHead) {
        if (kind.circuit()) {
            throw new IllegalArgumentException("the orthogonality penalty is defined for Q, K, V and O, not " + kind);
        }
        java.util.List<double[][]> mats = new java.util.ArrayList<>();
        for (int h = 0; h < s.heads(); h++) {
            if (kind.sharedByKvGroup() && h > 0 && s.kvHead()[h] == s.kvHead()[h - 1]) {
                continue;
            }
            mats.add(s.vectors(kind, h));
        }
        double sum = 0;
        for (int i = 0; i < mats.size(); i++) {
            beforeEachHead.run();
            for (int j = i + 1; j < mats.size(); j++) {
                for (double[] u : mats.get(i)) {
                    for (double[] w : mats.get(j)) {
                        double d = Subspace.dot(u, w);
                        sum += d * d;
                    }
                }
            }
        }
        return 2 * sum; // ‖WᵢᵀWⱼ‖_F = ‖WⱼᵀWᵢ‖_F: each unordered pair counted twice
    }

    /** {@code shared[i][j]} is true when query heads i and j read the same key/value head (grouped-query attention). */
    public static boolean[][] sharedKeyValue(ModelConfig c) {
        boolean[][] s = new boolean[c.heads()][c.heads()];
        for (int i = 0; i < c.heads(); i++) {
            for (int j = 0; j < c.heads(); j++) {
                s[i][j] = c.kvHeadOf(i) == c.kvHeadOf(j);
            }
        }
        return s;
    }
}
