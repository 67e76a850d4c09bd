package dev.glassbox.engine.train;

import dev.glassbox.engine.model.RelativePositions;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Transformer-XL's relative positional attention (Dai et al. 2019, arXiv:1901.02860, sec. 3.3, eq. on A^rel):
 * score(i, j) = (a) q_i.k_j + (b) q_i.W_R R_{i-j} + (c) u.k_j + (d) v.W_R R_{i-j}, scaled by 1/sqrt(d), computed as
 * the reference code's RelPartialLearnableMultiHeadAttn does: (q_i + u).k_j + (q_i + v).r_{i-j} with r = R W_R^T.
 * R is the sinusoid of the distance ([sin(p f), cos(p f)], f = 10000^(-2i/width), the reference PositionalEmbedding);
 * u and v are per-head biases, W_R a learned [heads * headDim, width] projection (r_net.weight). The reference's
 * _rel_shift only lines up column j with distance i - j; here the distance is indexed directly.
 * Layouts are {@link Attention}'s; {@code visible} ([seq, seq], null = causal) restricts each query's softmax (the
 * Transformer-XL segment-plus-memory mask); a key is never later than its query, so distances run 0..seq-1.
 */
final class RelativeAttention {
    private RelativeAttention() {
    }

    /** True for the context methods whose keys are single positions (no pooled slots): full, sliding window, XL. */
    static boolean supports(dev.glassbox.engine.context.ContextPolicy policy) {
        return policy instanceof dev.glassbox.engine.context.ContextPolicy.Full
                || policy instanceof dev.glassbox.engine.context.ContextPolicy.SlidingWindow
                || policy instanceof dev.glassbox.engine.context.ContextPolicy.TransformerXl;
    }

    /** r = R W_R^T: [seq, heads * headDim], the projected distance embeddings (the engine's computation). */
    static float[] projected(float[] wR, int seq, int qw, int width) {
        return RelativePositions.projected(wR, seq, qw, width);
    }

    private static boolean sees(boolean[] visible, int seq, int t, int s) {
        return s <= t && (visible == null || visible[t * seq + s]);
    }

    /** Fills {@code out} and the probabilities {@code att} ([batch, heads, seq, seq]); r from {@link #projected}. */
    static void forward(float[] out, float[] att, float[] q, float[] k, float[] v, float[] u, float[] bias, float[] r,
                        boolean[] visible, int batch, int seq, int heads, int kvHeads, int headDim, Parallel par) {
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        par.forRange(batch * heads, (from, to) -> {
            float[] row = new float[seq];
            for (int job = from; job < to; job++) {
                int b = job / heads;
                int h = job % heads;
                int kvh = h / group;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qw + h * headDim;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        if (!sees(visible, seq, t, s)) continue;
                        int ko = (b * seq + s) * kw + kvh * headDim;
                        int ro = (t - s) * qw + h * headDim;
                        float dot = 0;
                        for (int d = 0; d < headDim; d++) {
                            float qd = q[qo + d];
                            dot += (qd + u[h * headDim + d]) * k[ko + d] + (qd + bias[h * headDim + d]) * r[ro + d];
                        }
                        row[s] = dot * scale;
                        max = Math.max(max, row[s]);
                    }
                    float sum = 0;
                    for (int s = 0; s < seq; s++) {
                        float e = sees(visible, seq, t, s) ? (float) Math.exp(row[s] - max) : 0f;
                        row[s] = e;
                        sum += e;
                    }
                    int a = ((b * heads + h) * seq + t) * seq;
                    java.util.Arrays.fill(out, qo, qo + headDim, 0f);
                    for (int s = 0; s < seq; s++) {
                        float p = row[s] / sum;
                        att[a + s] = p;
                        if (p == 0f) continue;
                        int vo = (b * seq + s) * kw + kvh * headDim;
                        for (int d = 0; d < headDim; d++) {
                            out[qo + d] += p * v[vo + d];
                        }
                    }
                }
            }
        });
    }

    /**
     * With P the probabilities: dS = P * (dP - rowsum(P * dP)) / sqrt(d), dP = dO v^T; then dq_i += dS (k_j + r_{i-j}),
     * dk_j += dS (q_i + u), dv_j += P dO_i, du += dS k_j, dbias += dS r_{i-j}, dr_{i-j} += dS (q_i + bias) and
     * dW_R += dr^T R. Serial: the bias and W_R gradients are shared by every row. Edges {@code detached} marks
     * ([seq, seq], may be null: none) send their key/value gradient to {@code dkDetached}/{@code dvDetached}
     * instead (stop-gradient memory, as {@link MaskedAttention} does).
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dkDetached, float[] dvDetached, boolean[] detached,
                         float[] du, float[] dBias, float[] dwR, float[] dOut,
                         float[] att, float[] q, float[] k, float[] v, float[] u, float[] bias, float[] r, boolean[] visible,
                         int batch, int seq, int heads, int kvHeads, int headDim, int width) {
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] dr = new float[seq * qw];
        float[] dS = new float[seq];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                for (int t = 0; t < seq; t++) {
                    int qo = (b * seq + t) * qw + h * headDim;
                    int a = ((b * heads + h) * seq + t) * seq;
                    float dot = 0;
                    for (int s = 0; s <= t; s++) {
                        int vo = (b * seq + s) * kw + kvh * headDim;
                        float dp = 0;
                        for (int d = 0; d < headDim; d++) {
                            dp += dOut[qo + d] * v[vo + d];
                        }
                        dS[s] = dp;
                        dot += att[a + s] * dp;
                    }
                    for (int s = 0; s <= t; s++) {
                        float p = att[a + s];
                        if (p == 0f) continue;
                        float g = p * (dS[s] - dot) * scale;
                        int ko = (b * seq + s) * kw + kvh * headDim;
                        int ro = (t - s) * qw + h * headDim;
                        boolean cut = detached != null && detached[t * seq + s];
                        float[] kGrad = cut ? dkDetached : dk;
                        float[] vGrad = cut ? dvDetached : dv;
                        for (int d = 0; d < headDim; d++) {
                            int hd = h * headDim + d;
                            float qd = q[qo + d];
                            dq[qo + d] += g * (k[ko + d] + r[ro + d]);
                            kGrad[ko + d] += g * (qd + u[hd]);
                            vGrad[ko + d] += p * dOut[qo + d];
                            du[hd] += g * k[ko + d];
                            dBias[hd] += g * r[ro + d];
                            dr[ro + d] += g * (qd + bias[hd]);
                        }
                    }
                }
            }
        }
        float[] rSin = RelativePositions.sinusoid(seq, width);
        for (int p = 0; p < seq; p++) {
            for (int o = 0; o < qw; o++) {
                float g = dr[p * qw + o];
                if (g == 0f) continue;
                for (int i = 0; i < width; i++) {
                    dwR[o * width + i] += g * rSin[p * width + i];
                }
            }
        }
    }
}
