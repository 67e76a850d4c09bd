package dev.glassbox.engine.train;

import java.util.Arrays;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) of {@code queries} rows over a separate
 * {@code keys} sequence, with a per-row key length (padding is never attended) and an optional causal mask.
 * Cross-attention (decoder queries, encoder keys/values) is the general case; encoder self-attention
 * (queries = keys, no causal mask) and decoder self-attention (causal) are the same kernel.
 *
 * <p>Layouts: q [batch * queries, heads * headDim], k and v [batch * keys, heads * headDim],
 * probabilities [batch, heads, queries, keys] (masked entries 0).
 */
final class CrossAttention {
    private CrossAttention() {
    }

    /** What a batch of attention looks like: sizes, the valid keys of each row, and whether it is causal. */
    record Geometry(int batch, int queries, int keys, int[] keyLengths, boolean causal, int heads, int headDim) {
        Geometry {
            if (keyLengths.length != batch) {
                throw new IllegalArgumentException(keyLengths.length + " key lengths for a batch of " + batch);
            }
            for (int len : keyLengths) {
                if (len < 1 || len > keys) {
                    throw new IllegalArgumentException("key length " + len + " outside 1.." + keys);
                }
            }
            if (causal && queries != keys) {
                throw new IllegalArgumentException("causal attention needs as many queries as keys, got "
                        + queries + " and " + keys);
            }
        }

        int width() { return heads * headDim; }

        /** Keys 0..limit-1 are visible to query t of row b. */
        int limit(int b, int t) {
            return causal ? Math.min(keyLengths[b], t + 1) : keyLengths[b];
        }
    }

    static void forward(float[] out, float[] att, float[] q, float[] k, float[] v, Geometry g, Parallel par) {
        int w = g.width();
        int hd = g.headDim();
        int tq = g.queries();
        int tk = g.keys();
        float scale = (float) (1.0 / Math.sqrt(hd));
        par.forRange(g.batch() * g.heads(), (from, to) -> {
            for (int job = from; job < to; job++) {
                int b = job / g.heads();
                int h = job % g.heads();
                for (int t = 0; t < tq; t++) {
                    int a = ((b * g.heads() + h) * tq + t) * tk;
                    int qo = (b * tq + t) * w + h * hd;
                    int limit = g.limit(b, t);
                    for (int s = 0; s < limit; s++) {
                        att[a + s] = MatMul.dot(q, qo, k, (b * tk + s) * w + h * hd, hd) * scale;
                    }
                    Softmax.inPlace(att, a, limit);
                    Arrays.fill(out, qo, qo + hd, 0f);
                    for (int s = 0; s < limit; s++) {
                        MatMul.axpy(out, qo, att[a + s], v, (b * tk + s) * w + h * hd, hd);
                    }
                    Arrays.fill(att, a + limit, a + tk, 0f);
                }
            }
        });
    }

    /**
     * With P the probabilities and dO the output gradient, per query row: dP_s = dO . v_s,
     * dS_s = P_s (dP_s - sum_r P_r dP_r) (softmax Jacobian), dq += sum_s dS_s k_s / sqrt(d),
     * dk_s += dS_s q / sqrt(d), dv_s += P_s dO. Gradients accumulate (+=).
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] att, float[] q, float[] k, float[] v,
                         Geometry g, Parallel par) {
        int w = g.width();
        int hd = g.headDim();
        int tq = g.queries();
        int tk = g.keys();
        float scale = (float) (1.0 / Math.sqrt(hd));
        // one job per (row, head): each writes only its own head's columns, so jobs never share an element
        par.forRange(g.batch() * g.heads(), (from, to) -> {
            float[] dS = new float[tk];
            for (int job = from; job < to; job++) {
                int b = job / g.heads();
                int h = job % g.heads();
                for (int t = 0; t < tq; t++) {
                    int a = ((b * g.heads() + h) * tq + t) * tk;
                    int qo = (b * tq + t) * w + h * hd;
                    int limit = g.limit(b, t);
                    float dot = 0;
                    for (int s = 0; s < limit; s++) {
                        dS[s] = MatMul.dot(dOut, qo, v, (b * tk + s) * w + h * hd, hd);
                        dot += att[a + s] * dS[s];
                    }
                    for (int s = 0; s < limit; s++) {
                        int ko = (b * tk + s) * w + h * hd;
                        float p = att[a + s];
                        float ds = p * (dS[s] - dot) * scale;
                        MatMul.axpy(dq, qo, ds, k, ko, hd);
                        MatMul.axpy(dk, ko, ds, q, qo, hd);
                        MatMul.axpy(dv, ko, p, dOut, qo, hd);
                    }
                }
            }
        });
    }
}
