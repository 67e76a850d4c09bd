package dev.glassbox.visuals;

import java.util.List;

/** Summaries of many heads: the mean over heads and attention rollout. */
public final class AttentionAggregates {
    private AttentionAggregates() {
    }

    /** Element-wise mean of {@code heads} ([heads][q][k]) over the head axis. */
    public static float[][] meanOverHeads(float[][][] heads) {
        int q = heads[0].length;
        float[][] out = new float[q][];
        float[][] rows = new float[heads.length][];
        for (int i = 0; i < q; i++) {
            for (int h = 0; h < heads.length; h++) {
                rows[h] = heads[h][i];
            }
            out[i] = meanRow(rows);
        }
        return out;
    }

    /** Element-wise mean of one query's rows, one per head ({@code rowPerHead[0]}'s length; missing entries 0). */
    public static float[] meanRow(float[][] rowPerHead) {
        float[] out = new float[rowPerHead[0].length];
        for (float[] row : rowPerHead) {
            for (int k = 0; k < row.length && k < out.length; k++) {
                out[k] += row[k];
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k] /= rowPerHead.length;
        }
        return out;
    }

    /**
     * Attention rollout (Abnar &amp; Zuidema 2020, "Quantifying Attention Flow in Transformers", eq. 1-2):
     * each layer's head-averaged attention plus the residual, A' = 0.5 A + 0.5 I, rows re-normalised, then
     * multiplied from the first layer up: R = A'_L ... A'_1. {@code layers} are square [T][T] (rows may be
     * ragged for causal maps; missing entries are 0).
     */
    public static float[][] rollout(List<float[][]> layers) {
        int n = layers.getFirst().length;
        double[][] r = null;
        for (float[][] a : layers) {
            double[][] ar = new double[n][n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < a[i].length && k < n; k++) {
                    ar[i][k] = 0.5 * a[i][k];
                }
                ar[i][i] += 0.5;
                for (int k = 0; k < n; k++) {
                    sum += ar[i][k];
                }
                if (sum > 0) {
                    for (int k = 0; k < n; k++) {
                        ar[i][k] /= sum;
                    }
                }
            }
            r = r == null ? ar : multiply(ar, r);
        }
        float[][] out = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                out[i][k] = (float) r[i][k];
            }
        }
        return out;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = a[i][j];
                if (v == 0) {
                    continue;
                }
                double[] bj = b[j];
                double[] ci = c[i];
                for (int k = 0; k < n; k++) {
                    ci[k] += v * bj[k];
                }
            }
        }
        return c;
    }
}
