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
        RelativeAttention.backward(dq, dk, dv, null, null, null, du, dBias, dwR, rw, att, q, k, v, u, bias,
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

    /**
     * Every parameter of a model with xl-relative positions, u, v and W_R included. Under XL the stop-gradient memory
     * cuts the path to the embeddings (one layer: they are the memory states), so those alone must differ.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"full", "xl:segment=3,memory=3"})
    void everyParameterOfAnXlRelativeModelMatchesFiniteDifferences(String context) {
        boolean xl = !context.equals("full");
        int seq = 9;
        ModelShape s = new ModelShape(11, 8, 12, xl ? 1 : 2, 2, 1, seq, false, true, 1e-5f, 10000f,
                BlockDesign.LLAMA_XL_RELATIVE, RoutingDesign.DENSE, ContextTraining.parse(context, seq));
        java.util.Set<String> seen = new java.util.HashSet<>();
        GradCheck.everyParameter(s, new Random(11), new Random(5), 2, seq, 0, (p, analytic, numeric) -> {
            seen.add(p.name());
            double err = GradCheck.relativeError(analytic, numeric);
            if (xl && p.name().contains("embed_tokens")) {
                assertTrue(err > GradCheck.TOLERANCE, "the memory path to the embeddings is not cut (" + err + ")");
            } else {
                assertTrue(err < GradCheck.TOLERANCE, context + " " + p.name() + ": relative error " + err);
            }
        });
        assertTrue(seen.containsAll(java.util.List.of(TrainableLlama.RELATIVE_PREFIX + "r_w_bias",
                TrainableLlama.RELATIVE_PREFIX + "r_r_bias", TrainableLlama.RELATIVE_PREFIX + "0.r_net.weight")), seen.toString());
    }

    @Test
    void slotContextsAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ModelShape(11, 8, 12, 2, 2, 1, 6, false, false, 1e-5f, 10000f, BlockDesign.LLAMA_XL_RELATIVE,
                        RoutingDesign.DENSE, ContextTraining.parse("rosa:B=2", 6)));
        assertTrue(e.getMessage().contains("xl-relative positions train with full, sliding or xl context"), e.getMessage());
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
