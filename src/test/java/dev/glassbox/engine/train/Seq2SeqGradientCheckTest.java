package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.tensor.Parallel;

/**
 * The encoder-decoder's backward against central finite differences (tolerance: relative L2 error below
 * {@link GradCheck#TOLERANCE} = 1e-2 per tensor with h = 1e-2 on the float32 forward, see {@link GradCheck}):
 * the attention kernel in its three uses (cross with padded keys, bidirectional, causal) and every parameter
 * of a tiny whole model on a padded batch.
 */
class Seq2SeqGradientCheckTest {
    private static final Parallel PAR = new Parallel(2);

    @AfterAll
    static void close() {
        PAR.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross", "bidirectional", "causal"})
    void attentionKernel(String kind) {
        Random r = new Random(kind.hashCode());
        int batch = 2, heads = 2, hd = 4, w = heads * hd;
        int queries = kind.equals("cross") ? 3 : 5;
        int keys = 5;
        int[] lens = kind.equals("causal") ? new int[] {5, 5} : new int[] {5, 3}; // row 1 has two padded keys
        CrossAttention.Geometry g = new CrossAttention.Geometry(batch, queries, keys, lens, kind.equals("causal"), heads, hd);
        float[] q = GradCheck.randn(r, batch * queries * w, 1);
        float[] k = GradCheck.randn(r, batch * keys * w, 1);
        float[] v = GradCheck.randn(r, batch * keys * w, 1);
        float[] rw = GradCheck.randn(r, batch * queries * w, 1);
        float[] out = new float[batch * queries * w];
        float[] att = new float[batch * heads * queries * keys];
        CrossAttention.forward(out, att, q, k, v, g, PAR);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        CrossAttention.backward(dq, dk, dv, rw, att, q, k, v, g, PAR);
        DoubleSupplier loss = () -> {
            CrossAttention.forward(out, att, q, k, v, g, PAR);
            return GradCheck.weighted(out, rw);
        };
        GradCheck.assertClose(kind + " dq", dq, GradCheck.numeric(q, loss));
        GradCheck.assertClose(kind + " dk", dk, GradCheck.numeric(k, loss));
        GradCheck.assertClose(kind + " dv", dv, GradCheck.numeric(v, loss));
        if (!kind.equals("causal")) {
            // padded keys of row 1 get no weight and no gradient
            for (int s = 3; s < keys; s++) {
                for (int c = 0; c < w; c++) {
                    assertEquals(0f, dk[(keys + s) * w + c], kind + " dk of a padded key");
                }
            }
        }
    }

    @Test
    void causalMaskHidesLaterKeys() {
        Random r = new Random(4);
        int seq = 4, w = 4;
        CrossAttention.Geometry g = new CrossAttention.Geometry(1, seq, seq, new int[] {seq}, true, 1, w);
        float[] q = GradCheck.randn(r, seq * w, 1);
        float[] k = GradCheck.randn(r, seq * w, 1);
        float[] v = GradCheck.randn(r, seq * w, 1);
        float[] out = new float[seq * w];
        float[] att = new float[seq * seq];
        CrossAttention.forward(out, att, q, k, v, g, PAR);
        float[] before = out.clone();
        v[(seq - 1) * w] += 5f; // the last value is visible only to the last query
        CrossAttention.forward(out, att, q, k, v, g, PAR);
        for (int i = 0; i < (seq - 1) * w; i++) {
            assertEquals(before[i], out[i], "query row " + i / w + " must not see the last key");
        }
        for (int t = 0; t < seq; t++) {
            double sum = 0;
            for (int s = 0; s < seq; s++) {
                sum += att[t * seq + s];
            }
            assertEquals(1.0, sum, 1e-6, "row " + t + " sums to 1");
        }
    }

    @Test
    void geometryRejectsBadKeyLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossAttention.Geometry(1, 3, 3, new int[] {4}, false, 1, 2));
        assertTrue(e.getMessage().contains("outside 1..3"), e.getMessage());
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        Seq2SeqShape s = new Seq2SeqShape(9, 8, 12, 2, 2, 2, 6, 6, 1e-5f, 10000f);
        TrainableSeq2Seq m = new TrainableSeq2Seq(s, PAR);
        Random r = new Random(12);
        GradCheck.enlarge(m.params(), r);
        int batch = 2, srcSeq = 5, tgtSeq = 4;
        int[] src = new int[batch * srcSeq];
        int[] tin = new int[batch * tgtSeq];
        int[] tgt = new int[batch * tgtSeq];
        for (int i = 0; i < src.length; i++) {
            src[i] = r.nextInt(s.vocab());
        }
        for (int i = 0; i < tin.length; i++) {
            tin[i] = r.nextInt(s.vocab());
            tgt[i] = i % 4 == 3 && i >= tgtSeq ? CrossEntropy.IGNORE : r.nextInt(s.vocab());
        }
        Seq2SeqBatch b = new Seq2SeqBatch(src, new int[] {5, 3}, tin, tgt, batch, srcSeq, tgtSeq);
        m.forward(b);
        m.zeroGrad();
        m.backward();
        for (Param p : m.params()) {
            float[] analytic = p.grad().clone();
            double[] numeric = GradCheck.numeric(p.value(), () -> m.forward(b));
            GradCheck.assertClose(p.name(), analytic, numeric);
        }
    }

    @Test
    void paddingDoesNotChangeTheLoss() {
        Seq2SeqData data = new Seq2SeqData(SyntheticTask.REVERSE);
        TrainableSeq2Seq m = new TrainableSeq2Seq(Seq2SeqOptions.shape(data, 16, 0, 1, 1, 2), PAR);
        m.initialise(3);
        Seq2SeqData.Pair shortPair = new Seq2SeqData.Pair("ab", "ba");
        Seq2SeqData.Pair longPair = new Seq2SeqData.Pair("hello", "olleh");
        double alone = m.forward(data.batch(java.util.List.of(shortPair)));
        float[] aloneProbs = m.probabilities().clone();
        m.forward(data.batch(java.util.List.of(shortPair, longPair)));
        float[] padded = m.probabilities();
        int vocab = data.tokenizer().vocabSize();
        int tPadded = data.targetInput("olleh").length;
        for (int t = 0; t < data.targetInput("ba").length; t++) {
            for (int v = 0; v < vocab; v++) {
                assertEquals(aloneProbs[t * vocab + v], padded[t * vocab + v], 1e-5,
                        "position " + t + " of the short pair must not see the padding");
            }
        }
        assertTrue(alone > 0 && tPadded > 3);
    }
}
