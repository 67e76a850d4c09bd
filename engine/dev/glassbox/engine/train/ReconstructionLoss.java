package dev.glassbox.engine.train;

import dev.glassbox.engine.tensor.Softmax;

/**
 * The Compressive Transformer's attention-reconstruction loss of one layer (Rae et al. 2020, sec. 3.2 and
 * Algorithm 2): L_attn = || attn(h, old_mem) - attn(h, f_c(old_mem)) ||_2^2 with h and old_mem stop-gradient, so
 * its gradient reaches only the compression function f_c. In a training row the memory is the previous
 * segment (segment = FIFO length, see {@link ContextTraining}): for every segment s >= 1 the queries are segment s's
 * positions, old_mem is segment s - 1 (the positions its steps evict), and f_c(old_mem) its memory / rate
 * compressed slots. attn is content-based attention with the layer's own weights: the layer's queries against the
 * keys (rotated, as the model attends to them) and values, softmax(q k^T / sqrt(d)) v per head, no mask (all of
 * old_mem precedes the queries). The squared error is summed over queries, heads and dimensions and averaged over
 * the (row, segment) pairs of the batch.
 */
final class ReconstructionLoss {
    private ReconstructionLoss() {
    }

    /** The layer's shape and the memory geometry. */
    record Geometry(int batch, int seq, int heads, int kvHeads, int headDim, int segment, int rate) {
        Geometry {
            if (segment % rate != 0) {
                throw new IllegalArgumentException("the reconstruction loss needs the memory (" + segment
                        + ") to be a multiple of the compression rate (" + rate + ")");
            }
        }

        int pairs() {
            return batch * Math.max(0, (seq - 1) / segment);
        }
    }

    /**
     * Returns L_attn of one layer for rows q [batch * seq, heads * headDim], k and v [batch * seq, kvHeads * headDim]
     * and the compression weights {@code wK}, {@code wV} ({@link CompressionConv} layout). When {@code dwK}/{@code dwV}
     * are not null, adds dL/dw to them (the only gradient the loss has).
     */
    static double compute(float[] q, float[] k, float[] v, float[] wK, float[] wV, Geometry g, float[] dwK, float[] dwV) {
        int pairs = g.pairs();
        if (pairs == 0) return 0;
        int hd = g.headDim();
        int kvw = g.kvHeads() * hd;
        int qw = g.heads() * hd;
        int group = g.heads() / g.kvHeads();
        int m = g.segment();
        int slots = m / g.rate();
        double scale = 1.0 / Math.sqrt(hd);
        boolean grad = dwK != null;
        double total = 0;
        float[] ck = new float[slots * kvw];
        float[] cv = new float[slots * kvw];
        float[] dck = grad ? new float[slots * kvw] : null;
        float[] dcv = grad ? new float[slots * kvw] : null;
        double[] pOld = new double[m];
        double[] pNew = new double[slots];
        double[] diff = new double[hd];
        double[] dp = new double[slots];
        for (int b = 0; b < g.batch(); b++) {
            for (int s = 1; s * m < g.seq(); s++) {
                int oldRow = b * g.seq() + (s - 1) * m;
                for (int c = 0; c < slots; c++) {
                    CompressionConv.apply(wK, k, oldRow + c * g.rate(), ck, c * kvw, kvw, g.rate());
                    CompressionConv.apply(wV, v, oldRow + c * g.rate(), cv, c * kvw, kvw, g.rate());
                }
                if (grad) {
                    java.util.Arrays.fill(dck, 0f);
                    java.util.Arrays.fill(dcv, 0f);
                }
                for (int t = s * m; t < Math.min(g.seq(), (s + 1) * m); t++) {
                    int qo = (b * g.seq() + t) * qw;
                    for (int h = 0; h < g.heads(); h++) {
                        int kvo = h / group * hd;
                        softmax(q, qo + h * hd, k, oldRow * kvw + kvo, kvw, m, hd, scale, pOld);
                        softmax(q, qo + h * hd, ck, kvo, kvw, slots, hd, scale, pNew);
                        for (int d = 0; d < hd; d++) {
                            double old = 0;
                            for (int j = 0; j < m; j++) old += pOld[j] * v[(oldRow + j) * kvw + kvo + d];
                            double now = 0;
                            for (int c = 0; c < slots; c++) now += pNew[c] * cv[c * kvw + kvo + d];
                            diff[d] = old - now;
                            total += diff[d] * diff[d];
                        }
                        if (!grad) continue;
                        // dL/d attn(h, f_c(m)) = -2 (old - new) / pairs; then back through softmax(q ck^T) cv
                        double dot = 0;
                        for (int c = 0; c < slots; c++) {
                            double acc = 0;
                            for (int d = 0; d < hd; d++) {
                                double up = -2 * diff[d] / pairs;
                                dcv[c * kvw + kvo + d] += (float) (pNew[c] * up);
                                acc += up * cv[c * kvw + kvo + d];
                            }
                            dp[c] = acc;
                            dot += pNew[c] * acc;
                        }
                        for (int c = 0; c < slots; c++) {
                            double ds = pNew[c] * (dp[c] - dot) * scale;
                            for (int d = 0; d < hd; d++) dck[c * kvw + kvo + d] += (float) (ds * q[qo + h * hd + d]);
                        }
                    }
                }
                if (grad) {
                    for (int c = 0; c < slots; c++) {
                        CompressionConv.backward(wK, dwK, k, null, oldRow + c * g.rate(), dck, c * kvw, kvw, g.rate());
                        CompressionConv.backward(wV, dwV, v, null, oldRow + c * g.rate(), dcv, c * kvw, kvw, g.rate());
                    }
                }
            }
        }
        return total / pairs;
    }

    /** p[j] = softmax_j(q . keys[j] * scale) over {@code n} key rows of width {@code stride} starting at {@code keyOff}. */
    private static void softmax(float[] q, int qOff, float[] keys, int keyOff, int stride, int n, int hd, double scale, double[] p) {
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int d = 0; d < hd; d++) s += (double) q[qOff + d] * keys[keyOff + j * stride + d];
            p[j] = s * scale;
        }
        Softmax.inPlace(p, n);
    }
}
