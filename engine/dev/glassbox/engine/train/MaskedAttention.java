package dev.glassbox.engine.train;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) restricted by an {@link AttentionMask}: each query's
 * softmax runs over its visible columns only. Keys and values are extended with the mask's pooled slots (mean of
 * the rotated keys / the values over a range), so the pooling's gradient is spread back evenly over the range.
 * Layouts are {@link Attention}'s; {@code att} holds the token columns [batch, heads, seq, seq] and
 * {@code attSlots} the slot columns [batch, heads, seq, slots]. The backward splits key/value gradients: edges the
 * mask marks detached go to {@code dkDetached}/{@code dvDetached} (they train the projections only, as
 * stop-gradient memory does), the rest to {@code dk}/{@code dv}.
 */
final class MaskedAttention {
    private MaskedAttention() {
    }

    /**
     * rows [seq, width] of head {@code head} plus the slots appended: [seq + slots, headDim]. A slot is the mean over
     * its range, or, when {@code slotRows} ([batch, slots, width]) is given, that precomputed row (a learned f_c).
     */
    private static float[] extended(float[] x, float[] slotRows, int b, int head, int width, int headDim, AttentionMask m) {
        int seq = m.seq;
        float[] out = new float[m.columns() * headDim];
        float[] rows = Attention.gather(x, b, head, seq, width, headDim);
        System.arraycopy(rows, 0, out, 0, seq * headDim);
        for (int j = 0; j < m.slots; j++) {
            if (slotRows != null) {
                System.arraycopy(slotRows, (b * m.slots + j) * width + head * headDim, out, (seq + j) * headDim, headDim);
                continue;
            }
            float inv = 1f / (m.slotTo[j] - m.slotFrom[j] + 1);
            int o = (seq + j) * headDim;
            for (int s = m.slotFrom[j]; s <= m.slotTo[j]; s++) {
                for (int d = 0; d < headDim; d++) {
                    out[o + d] += rows[s * headDim + d] * inv;
                }
            }
        }
        return out;
    }

    /**
     * Adds the gradient of an extended matrix back onto its token rows (a slot's share is 1/range length each), or,
     * when {@code dSlotRows} is given, the slot rows' gradient onto it (the caller backpropagates its f_c).
     */
    private static void scatterExtended(float[] x, float[] dSlotRows, float[] ext, int b, int head, int width, int headDim,
                                        AttentionMask m) {
        int seq = m.seq;
        float[] rows = java.util.Arrays.copyOf(ext, seq * headDim);
        for (int j = 0; j < m.slots; j++) {
            if (dSlotRows != null) {
                int o = (b * m.slots + j) * width + head * headDim;
                for (int d = 0; d < headDim; d++) dSlotRows[o + d] += ext[(seq + j) * headDim + d];
                continue;
            }
            float inv = 1f / (m.slotTo[j] - m.slotFrom[j] + 1);
            int o = (seq + j) * headDim;
            for (int s = m.slotFrom[j]; s <= m.slotTo[j]; s++) {
                for (int d = 0; d < headDim; d++) {
                    rows[s * headDim + d] += ext[o + d] * inv;
                }
            }
        }
        Attention.scatterAdd(x, rows, b, head, seq, width, headDim);
    }

    static void forward(float[] out, float[] att, float[] attSlots, float[] q, float[] k, float[] v, AttentionMask m,
                        int batch, int heads, int kvHeads, int headDim, Parallel par) {
        forward(out, att, attSlots, q, k, v, null, null, m, batch, heads, kvHeads, headDim, par);
    }

    /** As above with the slots' keys and values precomputed ([batch, slots, kvHeads * headDim]; null = means). */
    static void forward(float[] out, float[] att, float[] attSlots, float[] q, float[] k, float[] v, float[] slotK,
                        float[] slotV, AttentionMask m, int batch, int heads, int kvHeads, int headDim, Parallel par) {
        int seq = m.seq;
        int cols = m.columns();
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel inline = Parallel.SERIAL;
        par.forRange(batch * kvHeads, (from, to) -> {
            float[] scores = new float[seq * cols];
            float[] o = new float[seq * headDim];
            for (int job = from; job < to; job++) {
                int b = job / kvHeads;
                int kvh = job % kvHeads;
                float[] kt = MatMul.transpose(extended(k, slotK, b, kvh, kw, headDim, m), cols, headDim, inline);
                float[] vx = extended(v, slotV, b, kvh, kw, headDim, m);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    float[] qh = Attention.gather(q, b, h, seq, qw, headDim);
                    MatMul.product(scores, qh, kt, seq, headDim, cols, false, inline);
                    for (int t = 0; t < seq; t++) {
                        int r = t * cols;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int c = 0; c < cols; c++) {
                            if (m.visible[r + c]) max = Math.max(max, scores[r + c] * scale);
                        }
                        float sum = 0;
                        for (int c = 0; c < cols; c++) {
                            float e = m.visible[r + c] ? (float) Math.exp(scores[r + c] * scale - max) : 0f;
                            scores[r + c] = e;
                            sum += e;
                        }
                        float inv = 1f / sum;
                        for (int c = 0; c < cols; c++) {
                            scores[r + c] *= inv;
                        }
                        int a = ((b * heads + h) * seq + t);
                        System.arraycopy(scores, r, att, a * seq, seq);
                        if (m.slots > 0) System.arraycopy(scores, r + seq, attSlots, a * m.slots, m.slots);
                    }
                    MatMul.product(o, scores, vx, seq, cols, headDim, false, inline);
                    for (int t = 0; t < seq; t++) {
                        System.arraycopy(o, t * headDim, out, (b * seq + t) * qw + h * headDim, headDim);
                    }
                }
            }
        });
    }

    /**
     * dP = dO v^T, dv += P^T dO, dS = P * (dP - rowsum(P * dP)) / sqrt(d), dq += dS k, dk += dS^T q (over the
     * extended keys), then each slot's key/value gradient is shared out over its range.
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dkDetached, float[] dvDetached, float[] dOut,
                         float[] att, float[] attSlots, float[] q, float[] k, float[] v, AttentionMask m,
                         int batch, int heads, int kvHeads, int headDim, Parallel par) {
        backward(dq, dk, dv, dkDetached, dvDetached, dOut, att, attSlots, q, k, v, null, null, null, null, m, batch, heads,
                kvHeads, headDim, par);
    }

    /**
     * As above with precomputed slots ({@code slotK}/{@code slotV}, null = means): their gradient goes to
     * {@code dSlotK}/{@code dSlotV} ([batch, slots, kvHeads * headDim]) instead of onto the source rows.
     */
    static void backward(float[] dq, float[] dk, float[] dv, float[] dkDetached, float[] dvDetached, float[] dOut,
                         float[] att, float[] attSlots, float[] q, float[] k, float[] v, float[] slotK, float[] slotV,
                         float[] dSlotK, float[] dSlotV, AttentionMask m,
                         int batch, int heads, int kvHeads, int headDim, Parallel par) {
        int seq = m.seq;
        int cols = m.columns();
        int qw = heads * headDim;
        int kw = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        boolean split = m.detached != null;
        Parallel inline = Parallel.SERIAL;
        par.forRange(batch * kvHeads, (from, to) -> {
            float[] p = new float[seq * cols];
            float[] dS = new float[seq * cols];
            float[] pCut = split ? new float[seq * cols] : null;
            float[] dSCut = split ? new float[seq * cols] : null;
            float[] dqh = new float[seq * headDim];
            for (int job = from; job < to; job++) {
                int b = job / kvHeads;
                int kvh = job % kvHeads;
                float[] kx = extended(k, slotK, b, kvh, kw, headDim, m);
                float[] vt = MatMul.transpose(extended(v, slotV, b, kvh, kw, headDim, m), cols, headDim, inline);
                float[] dkx = new float[cols * headDim];
                float[] dvx = new float[cols * headDim];
                float[] dkxCut = split ? new float[cols * headDim] : null;
                float[] dvxCut = split ? new float[cols * headDim] : null;
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    float[] qh = Attention.gather(q, b, h, seq, qw, headDim);
                    float[] dOh = Attention.gather(dOut, b, h, seq, qw, headDim);
                    for (int t = 0; t < seq; t++) {
                        int a = ((b * heads + h) * seq + t);
                        System.arraycopy(att, a * seq, p, t * cols, seq);
                        if (m.slots > 0) System.arraycopy(attSlots, a * m.slots, p, t * cols + seq, m.slots);
                    }
                    MatMul.product(dS, dOh, vt, seq, headDim, cols, false, inline);
                    for (int t = 0; t < seq; t++) {
                        int r = t * cols;
                        float dot = 0;
                        for (int c = 0; c < cols; c++) {
                            dot += p[r + c] * dS[r + c];
                        }
                        for (int c = 0; c < cols; c++) {
                            dS[r + c] = p[r + c] * (dS[r + c] - dot) * scale;
                        }
                    }
                    MatMul.product(dqh, dS, kx, seq, cols, headDim, false, inline);
                    Attention.scatterAdd(dq, dqh, b, h, seq, qw, headDim);
                    if (split) {
                        for (int i = 0; i < p.length; i++) {
                            boolean cut = m.detached[i];
                            pCut[i] = cut ? p[i] : 0f;
                            dSCut[i] = cut ? dS[i] : 0f;
                            if (cut) {
                                p[i] = 0f;
                                dS[i] = 0f;
                            }
                        }
                        MatMul.product(dvxCut, MatMul.transpose(pCut, seq, cols, inline), dOh, cols, seq, headDim, true, inline);
                        MatMul.product(dkxCut, MatMul.transpose(dSCut, seq, cols, inline), qh, cols, seq, headDim, true, inline);
                    }
                    MatMul.product(dvx, MatMul.transpose(p, seq, cols, inline), dOh, cols, seq, headDim, true, inline);
                    MatMul.product(dkx, MatMul.transpose(dS, seq, cols, inline), qh, cols, seq, headDim, true, inline);
                }
                scatterExtended(dk, dSlotK, dkx, b, kvh, kw, headDim, m);
                scatterExtended(dv, dSlotV, dvx, b, kvh, kw, headDim, m);
                if (split) {
                    scatterExtended(dkDetached, dSlotK, dkxCut, b, kvh, kw, headDim, m);
                    scatterExtended(dvDetached, dSlotV, dvxCut, b, kvh, kw, headDim, m);
                }
            }
        });
    }
}
