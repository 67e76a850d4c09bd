package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Transformer-XL relative attention (Dai et al. 2019 sec. 3.3): its backward (q, k, v, u, v-bias and W_R) against
 * central finite differences (tolerance: {@link GradCheck}), and segment recurrence: a query attending to its
 * segment plus the memory in one long row gets exactly what it gets from a row of [memory, segment] alone, because
 * only distances enter the score.
 */
class RelativeAttentionTest {
    private static final Parallel PAR = new Parallel(2);
    private static final int BATCH = 2, SEQ = 6, HEADS = 2, KV = 1, HD = 4, WIDTH = 6;

    @AfterAll
    static void close() {
        PAR.close();
    }

    /** Transformer-XL's mask: a query sees its segment so far and the previous {@code memory} positions. */
    private static boolean[] xlMask(int seq, int segment, int memory) {
        boolean[] m = new boolean[seq * seq];
        for (int t = 0; t < seq; t++) {
            int start = Math.max(0, t / segment * segment - memory);
            for (int s = start; s <= t; s++) m[t * seq + s] = true;
        }
        return m;
    }

    @Test
    void gradientCausal() {
        check(null, new Random(31));
    }

    @Test
    void gradientUnderTheXlMask() {
        check(xlMask(SEQ, 2, 1), new Random(32));
    }

    private static void check(boolean[] visible, Random r) {
        int qw = HEADS * HD, kw = KV * HD;
        float[] q = GradCheck.randn(r, BATCH * SEQ * qw, 1);
        float[] k = GradCheck.randn(r, BATCH * SEQ * kw, 1);
        float[] v = GradCheck.randn(r, BATCH * SEQ * kw, 1);
        float[] u = GradCheck.randn(r, qw, 0.5);
        float[] bias = GradCheck.randn(r, qw, 0.5);
        float[] wR = GradCheck.randn(r, qw * WIDTH, 0.5);
        float[] rw = GradCheck.randn(r, BATCH * SEQ * qw, 1);
        float[] out = new float[q.length];
        float[] att = new float[BATCH * HEADS * SEQ * SEQ];
        RelativeAttention.forward(out, att, q, k, v, u, bias, RelativeAttention.projected(wR, SEQ, qw, WIDTH), visible,
                BATCH, SEQ, HEADS, KV, HD, PAR);
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        float[] du = new float[qw], dBias = new float[qw], dwR = new float[wR.length];
        RelativeAttention.backward(dq, dk, dv, du, dBias, dwR, rw, att, q, k, v, u, bias,
                RelativeAttention.projected(wR, SEQ, qw, WIDTH), visible, BATCH, SEQ, HEADS, KV, HD, WIDTH);
        DoubleSupplier loss = () -> {
            RelativeAttention.forward(out, att, q, k, v, u, bias, RelativeAttention.projected(wR, SEQ, qw, WIDTH),
                    visible, BATCH, SEQ, HEADS, KV, HD, PAR);
            return GradCheck.weighted(out, rw);
        };
        GradCheck.assertClose("relative dq", dq, GradCheck.numeric(q, loss));
        GradCheck.assertClose("relative dk", dk, GradCheck.numeric(k, loss));
        GradCheck.assertClose("relative dv", dv, GradCheck.numeric(v, loss));
        GradCheck.assertClose("relative du", du, GradCheck.numeric(u, loss));
        GradCheck.assertClose("relative dv-bias", dBias, GradCheck.numeric(bias, loss));
        GradCheck.assertClose("relative dW_R", dwR, GradCheck.numeric(wR, loss));
        if (visible != null) {
            for (int b = 0; b < BATCH * HEADS; b++) {
                for (int i = 0; i < SEQ * SEQ; i++) {
                    assertTrue(visible[i] || att[b * SEQ * SEQ + i] == 0f, "masked key " + i + " got probability");
                }
            }
        }
    }

    @Test
    void segmentRecurrenceKeepsTheMemorysDistances() {
        int seq = 12, segment = 4, memory = 3, qw = HEADS * HD, kw = KV * HD;
        Random r = new Random(33);
        float[] q = GradCheck.randn(r, seq * qw, 1);
        float[] k = GradCheck.randn(r, seq * kw, 1);
        float[] v = GradCheck.randn(r, seq * kw, 1);
        float[] u = GradCheck.randn(r, qw, 0.5);
        float[] bias = GradCheck.randn(r, qw, 0.5);
        float[] wR = GradCheck.randn(r, qw * WIDTH, 0.5);
        float[] whole = new float[seq * qw];
        RelativeAttention.forward(whole, new float[HEADS * seq * seq], q, k, v, u, bias,
                RelativeAttention.projected(wR, seq, qw, WIDTH), xlMask(seq, segment, memory), 1, seq, HEADS, KV, HD, PAR);
        for (int g = 1; g < seq / segment; g++) {
            int start = g * segment - memory, len = memory + segment;
            float[] part = new float[len * qw];
            RelativeAttention.forward(part, new float[HEADS * len * len],
                    java.util.Arrays.copyOfRange(q, start * qw, (start + len) * qw),
                    java.util.Arrays.copyOfRange(k, start * kw, (start + len) * kw),
                    java.util.Arrays.copyOfRange(v, start * kw, (start + len) * kw), u, bias,
                    RelativeAttention.projected(wR, len, qw, WIDTH), null, 1, len, HEADS, KV, HD, PAR);
            for (int i = memory * qw; i < len * qw; i++) {
                assertEquals(part[i], whole[start * qw + i], 1e-5, "segment " + g + " element " + i);
            }
        }
        // and the positions matter: without W_R's term the same row gives a different output
        float[] noPositions = new float[seq * qw];
        RelativeAttention.forward(noPositions, new float[HEADS * seq * seq], q, k, v, u, bias, new float[seq * qw],
                xlMask(seq, segment, memory), 1, seq, HEADS, KV, HD, PAR);
        double diff = 0;
        for (int i = 0; i < whole.length; i++) diff = Math.max(diff, Math.abs(whole[i] - noPositions[i]));
        assertTrue(diff > 1e-2, "the relative term changed nothing: " + diff);
    }
}
