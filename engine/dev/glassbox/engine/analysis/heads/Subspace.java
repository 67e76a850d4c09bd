package dev.glassbox.engine.analysis.heads;

/**
 * An orthonormal basis of the column space of a set of vectors in R^ambient, in double precision.
 *
 * @param basis {@code basis[k]} is the k-th orthonormal column; its count is the numerical rank
 */
public record Subspace(int ambient, double[][] basis) {

    /** Columns whose residual after orthogonalisation is below this fraction of the largest input norm are dependent. */
    static final double RANK_TOLERANCE = 1e-9;

    public int rank() { return basis.length; }

    /**
     * Orthonormalises {@code columns} (each of length {@code ambient}) by modified Gram-Schmidt with one
     * re-orthogonalisation pass (Björck 1967; Giraud et al. 2005, "twice is enough"), dropping columns that
     * are numerically dependent on the earlier ones.
     */
    public static Subspace of(double[][] columns, int ambient) {
        return of(columns, ambient, () -> { });
    }

    /**
     * {@link #of(double[][], int)} running {@code beforeEachColumn} before each column is orthogonalised (the
     * first bases of a run, before the code is compiled, took a second or more each on stories110M).
     */
    public static Subspace of(double[][] columns, int ambient, Runnable beforeEachColumn) {
        double largest = 0;
        for (double[] c : columns) {
            largest = Math.max(largest, Math.sqrt(dot(c, c)));
        }
        double[][] q = new double[Math.min(columns.length, ambient)][];
        int rank = 0;
        for (double[] c : columns) {
            if (rank == q.length) {
                break;
            }
            beforeEachColumn.run();
            double[] v = c.clone();
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < rank; k++) {
                    double r = dot(q[k], v);
                    for (int i = 0; i < ambient; i++) {
                        v[i] -= r * q[k][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm <= RANK_TOLERANCE * largest || norm == 0) {
                continue;
            }
            for (int i = 0; i < ambient; i++) {
                v[i] /= norm;
            }
            q[rank++] = v;
        }
        return new Subspace(ambient, java.util.Arrays.copyOf(q, rank));
    }

    /**
     * ‖UᵢᵀUⱼ‖_F² / min(rᵢ, rⱼ): the mean squared cosine of the principal angles between the two spaces
     * (Björck & Golub 1973); 1 for the same space, 0 for orthogonal ones, 0 when either space is empty.
     */
    public static double similarity(Subspace a, Subspace b) {
        if (a.ambient != b.ambient) {
            throw new IllegalArgumentException("subspaces of R^" + a.ambient + " and R^" + b.ambient + " cannot be compared");
        }
        int d = Math.min(a.rank(), b.rank());
        if (d == 0) {
            return 0;
        }
        double sum = 0;
        for (double[] u : a.basis) {
            for (double[] v : b.basis) {
                double c = dot(u, v);
                sum += c * c;
            }
        }
        return Math.min(1.0, sum / d);
    }

    private static final jdk.incubator.vector.VectorSpecies<Double> D = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;

    /** Vectorised: the weight-space tables are almost all dot products of residual-length vectors. */
    static double dot(double[] a, double[] b) {
        // four independent sums: one would wait out the FMA latency on every step (the weights stage is ~all dots)
        var acc0 = jdk.incubator.vector.DoubleVector.zero(D);
        var acc1 = acc0;
        var acc2 = acc0;
        var acc3 = acc0;
        int n = D.length();
        int i = 0;
        for (int upper = a.length - 4 * n; i <= upper; i += 4 * n) {
            acc0 = jdk.incubator.vector.DoubleVector.fromArray(D, a, i).fma(jdk.incubator.vector.DoubleVector.fromArray(D, b, i), acc0);
            acc1 = jdk.incubator.vector.DoubleVector.fromArray(D, a, i + n).fma(jdk.incubator.vector.DoubleVector.fromArray(D, b, i + n), acc1);
            acc2 = jdk.incubator.vector.DoubleVector.fromArray(D, a, i + 2 * n).fma(jdk.incubator.vector.DoubleVector.fromArray(D, b, i + 2 * n), acc2);
            acc3 = jdk.incubator.vector.DoubleVector.fromArray(D, a, i + 3 * n).fma(jdk.incubator.vector.DoubleVector.fromArray(D, b, i + 3 * n), acc3);
        }
        for (int upper = D.loopBound(a.length); i < upper; i += n) {
            acc0 = jdk.incubator.vector.DoubleVector.fromArray(D, a, i).fma(jdk.incubator.vector.DoubleVector.fromArray(D, b, i), acc0);
        }
        double s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
