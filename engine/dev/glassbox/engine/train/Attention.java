package dev.glassbox.engine.train;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1), softmax(q k^T / sqrt(d)) v,
 * with grouped-query sharing (Ainslie et al. 2023): query head h reads key/value head h / (heads / kvHeads).
 * Rows are [batch * seq]; q and out are [rows, heads * headDim], k and v are [rows, kvHeads * headDim]; the
 * probabilities {@code att} are [batch, heads, seq, seq] (zero above the diagonal). Work is split over
 * (batch, kv head) so the key/value gradients of a group are written by one thread; within a job each head
 * is gathered into dense [seq, headDim] matrices and handled with {@link MatMul#product} on the causal half.
 */
final class Attention {
    private Attention() {
    }

    static float[] gather(float[] x, int b, int head, int seq, int width, int headDim) {
        float[] out = new float[seq * headDim];
        for (int t = 0; t < seq; t++) {
            System.arraycopy(x, (b * seq + t) * width + head * headDim, out, t * headDim, headDim);
        }
        return out;
    }

    static void scatterAdd(float[] x, float[] m, int b, int head, int seq, int width, int headDim) {
        for (int t = 0; t < seq; t++) {
            int o = (b * seq + t) * width + head * headDim;
            for (int d = 0; d < headDim; d++) {
                x[o + d] += m[t * headDim + d];
            }
        }
    }

    static void forward(float[] out, float[] att, float[] q, float[] k, float[] v,
                        int batch, int seq, int heads, int kvHeads, int headDim, Parallel par) {
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel inline = Parallel.SERIAL;
        par.forRange(batch * kvHeads, (from, to) -> {
            float[] scores = new float[seq * seq];
            float[] o = new float[seq * headDim];
            for (int job = from; job < to; job++) {
                int b = job / kvHeads;
                int kvh = job % kvHeads;
                float[] kt = MatMul.transpose(gather(k, b, kvh, seq, kw, headDim), seq, headDim, inline);
                float[] vh = gather(v, b, kvh, seq, kw, headDim);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    float[] qh = gather(q, b, h, seq, qw, headDim);
                    MatMul.product(scores, qh, kt, seq, headDim, seq, false, MatMul.Shape.LOWER_C, inline);
                    for (int t = 0; t < seq; t++) {
                        int r = t * seq;
                        for (int s = 0; s <= t; s++) {
                            scores[r + s] *= scale;
                        }
                        Softmax.inPlace(scores, r, t + 1);
                        java.util.Arrays.fill(scores, r + t + 1, r + seq, 0f);
                    }
                    System.arraycopy(scores, 0, att, (b * heads + h) * seq * seq, seq * seq);
                    MatMul.product(o, scores, vh, seq, seq, headDim, false, MatMul.Shape.LOWER_A, inline);
                    for (int t = 0; t < seq; t++) {
                        System.arraycopy(o, t * headDim, out, (b * seq + t) * qw + h * headDim, headDim);
                    }
                }
            }
        });
    }

    /**
     * With P the probabilities and dO the output gradient: dP = dO v^T, dv += P^T dO,
     * dS = P * (dP - rowsum(P * dP)) (softmax Jacobian), dq += dS k / sqrt(d), dk += dS^T q / sqrt(d).
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] att, float[] q, float[] k, float[] v,
                         int batch, int seq, int heads, int kvHeads, int headDim, Parallel par) {
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel inline = Parallel.SERIAL;
        par.forRange(batch * kvHeads, (from, to) -> {
            float[] p = new float[seq * seq];
            float[] dS = new float[seq * seq];
            float[] dqh = new float[seq * headDim];
            for (int job = from; job < to; job++) {
                int b = job / kvHeads;
                int kvh = job % kvHeads;
                float[] kh = gather(k, b, kvh, seq, kw, headDim);
                float[] vt = MatMul.transpose(gather(v, b, kvh, seq, kw, headDim), seq, headDim, inline);
                float[] dkh = new float[seq * headDim];
                float[] dvh = new float[seq * headDim];
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    float[] qh = gather(q, b, h, seq, qw, headDim);
                    float[] dOh = gather(dOut, b, h, seq, qw, headDim);
                    System.arraycopy(att, (b * heads + h) * seq * seq, p, 0, seq * seq);
                    MatMul.product(dS, dOh, vt, seq, headDim, seq, false, MatMul.Shape.LOWER_C, inline);
                    for (int t = 0; t < seq; t++) {
                        int r = t * seq;
                        float dot = 0;
                        for (int s = 0; s <= t; s++) {
                            dot += p[r + s] * dS[r + s];
                        }
                        for (int s = 0; s <= t; s++) {
                            dS[r + s] = p[r + s] * (dS[r + s] - dot) * scale;
                        }
                        java.util.Arrays.fill(dS, r + t + 1, r + seq, 0f);
                    }
                    MatMul.product(dvh, MatMul.transpose(p, seq, seq, inline), dOh, seq, seq, headDim, true,
                            MatMul.Shape.UPPER_A, inline);
                    MatMul.product(dqh, dS, kh, seq, seq, headDim, false, MatMul.Shape.LOWER_A, inline);
                    scatterAdd(dq, dqh, b, h, seq, qw, headDim);
                    MatMul.product(dkh, MatMul.transpose(dS, seq, seq, inline), qh, seq, seq, headDim, true,
                            MatMul.Shape.UPPER_A, inline);
                }
                scatterAdd(dk, dkh, b, kvh, seq, kw, headDim);
                scatterAdd(dv, dvh, b, kvh, seq, kw, headDim);
            }
        });
    }
}
