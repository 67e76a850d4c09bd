package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Every layer's backward against central finite differences of its forward on small random shapes, using the
 * scalar loss L = sum(y * R) for a random R (so dL/dy = R). Tolerance: see {@link GradCheck}.
 */
class LayerGradientCheckTest {
    private static final Parallel PAR = new Parallel(2);

    @AfterAll
    static void close() {
        PAR.close();
    }

    @Test
    void linear() {
        Random r = new Random(1);
        int n = 9, in = 19, out = 6; // odd sizes exercise the vector tails and the partial row block
        float[] x = GradCheck.randn(r, n * in, 1);
        float[] w = GradCheck.randn(r, out * in, 0.5);
        float[] rw = GradCheck.randn(r, n * out, 1);
        float[] y = new float[n * out];
        float[] dx = new float[n * in];
        float[] dw = new float[out * in];
        Linear.backward(dx, dw, rw, x, w, n, in, out, PAR);
        java.util.function.DoubleSupplier loss = () -> {
            Linear.forward(y, x, w, n, in, out, PAR);
            return GradCheck.weighted(y, rw);
        };
        GradCheck.assertClose("linear dx", dx, GradCheck.numeric(x, loss));
        GradCheck.assertClose("linear dW", dw, GradCheck.numeric(w, loss));
    }

    @Test
    void linearMatchesNaiveProduct() {
        Random r = new Random(2);
        int n = 7, in = 35, out = 5;
        float[] x = GradCheck.randn(r, n * in, 1);
        float[] w = GradCheck.randn(r, out * in, 1);
        float[] y = new float[n * out];
        Linear.forward(y, x, w, n, in, out, PAR);
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int c = 0; c < in; c++) {
                    s += (double) x[i * in + c] * w[o * in + c];
                }
                assertTrue(Math.abs(s - y[i * out + o]) < 1e-4, "y[" + i + "," + o + "]");
            }
        }
    }

    @Test
    void embedding() {
        Random r = new Random(3);
        int vocab = 5, dim = 4;
        int[] tokens = {0, 3, 3, 1, 4, 0};
        float[] table = GradCheck.randn(r, vocab * dim, 1);
        float[] rw = GradCheck.randn(r, tokens.length * dim, 1);
        float[] y = new float[tokens.length * dim];
        float[] dt = new float[vocab * dim];
        Embedding.backward(dt, rw, tokens, tokens.length, dim);
        GradCheck.assertClose("embedding", dt, GradCheck.numeric(table, () -> {
            Embedding.forward(y, tokens, table, tokens.length, dim);
            return GradCheck.weighted(y, rw);
        }));
    }

    @Test
    void rmsNorm() {
        Random r = new Random(4);
        int n = 3, dim = 10;
        float[] x = GradCheck.randn(r, n * dim, 1);
        float[] g = GradCheck.randn(r, dim, 1);
        float[] rw = GradCheck.randn(r, n * dim, 1);
        float[] y = new float[n * dim];
        float[] rstd = new float[n];
        RmsNorm.forward(y, rstd, x, g, n, dim, 1e-5f);
        float[] dx = new float[n * dim];
        float[] dg = new float[dim];
        RmsNorm.backward(dx, dg, rw, x, g, rstd, n, dim);
        java.util.function.DoubleSupplier loss = () -> {
            RmsNorm.forward(y, rstd, x, g, n, dim, 1e-5f);
            return GradCheck.weighted(y, rw);
        };
        GradCheck.assertClose("rmsnorm dx", dx, GradCheck.numeric(x, loss));
        GradCheck.assertClose("rmsnorm dg", dg, GradCheck.numeric(g, loss));
    }

    @Test
    void rope() {
        Random r = new Random(5);
        int batch = 2, seq = 5, heads = 3, hd = 8;
        Rope rope = new Rope(hd, seq, 10000f);
        float[] x = GradCheck.randn(r, batch * seq * heads * hd, 1);
        float[] rw = GradCheck.randn(r, x.length, 1);
        float[] dx = rw.clone();
        rope.backward(dx, batch * seq, seq, heads);
        float[] y = new float[x.length];
        GradCheck.assertClose("rope", dx, GradCheck.numeric(x, () -> {
            System.arraycopy(x, 0, y, 0, x.length);
            rope.forward(y, batch * seq, seq, heads);
            return GradCheck.weighted(y, rw);
        }));
    }

    @Test
    void attentionWithGroupedQueries() {
        Random r = new Random(6);
        int batch = 2, seq = 5, heads = 4, kv = 2, hd = 6;
        int n = batch * seq;
        float[] q = GradCheck.randn(r, n * heads * hd, 1);
        float[] k = GradCheck.randn(r, n * kv * hd, 1);
        float[] v = GradCheck.randn(r, n * kv * hd, 1);
        float[] rw = GradCheck.randn(r, n * heads * hd, 1);
        float[] out = new float[n * heads * hd];
        float[] att = new float[batch * heads * seq * seq];
        Attention.forward(out, att, q, k, v, batch, seq, heads, kv, hd, PAR);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        Attention.backward(dq, dk, dv, rw, att, q, k, v, batch, seq, heads, kv, hd, PAR);
        java.util.function.DoubleSupplier loss = () -> {
            Attention.forward(out, att, q, k, v, batch, seq, heads, kv, hd, PAR);
            return GradCheck.weighted(out, rw);
        };
        GradCheck.assertClose("attention dq", dq, GradCheck.numeric(q, loss));
        GradCheck.assertClose("attention dk", dk, GradCheck.numeric(k, loss));
        GradCheck.assertClose("attention dv", dv, GradCheck.numeric(v, loss));
    }

    @Test
    void attentionIsCausal() {
        Random r = new Random(7);
        int seq = 6, hd = 4;
        float[] q = GradCheck.randn(r, seq * hd, 1);
        float[] k = GradCheck.randn(r, seq * hd, 1);
        float[] v = GradCheck.randn(r, seq * hd, 1);
        float[] out = new float[seq * hd];
        float[] att = new float[seq * seq];
        Attention.forward(out, att, q, k, v, 1, seq, 1, 1, hd, PAR);
        float[] before = out.clone();
        v[(seq - 1) * hd] += 5f; // changing the last value may only change the last output row
        k[(seq - 1) * hd] += 5f;
        Attention.forward(out, att, q, k, v, 1, seq, 1, 1, hd, PAR);
        for (int i = 0; i < (seq - 1) * hd; i++) {
            assertTrue(before[i] == out[i], "output " + i + " saw a future position");
        }
        for (int t = 0; t < seq; t++) {
            double sum = 0;
            for (int s = 0; s < seq; s++) {
                sum += att[t * seq + s];
            }
            assertTrue(Math.abs(sum - 1) < 1e-5, "row " + t + " sums to " + sum);
        }
    }

    @Test
    void swiGlu() {
        Random r = new Random(8);
        int len = 17;
        float[] gate = GradCheck.randn(r, len, 2);
        float[] up = GradCheck.randn(r, len, 1);
        float[] rw = GradCheck.randn(r, len, 1);
        float[] h = new float[len];
        float[] dg = new float[len];
        float[] du = new float[len];
        SwiGlu.backward(dg, du, rw, gate, up, len);
        java.util.function.DoubleSupplier loss = () -> {
            SwiGlu.forward(h, gate, up, len);
            return GradCheck.weighted(h, rw);
        };
        GradCheck.assertClose("swiglu dgate", dg, GradCheck.numeric(gate, loss));
        GradCheck.assertClose("swiglu dup", du, GradCheck.numeric(up, loss));
    }

    @Test
    void crossEntropyIgnoresMaskedTargets() {
        Random r = new Random(9);
        int n = 5, vocab = 7;
        float[] logits = GradCheck.randn(r, n * vocab, 2);
        int[] targets = {3, CrossEntropy.IGNORE, 0, 6, CrossEntropy.IGNORE};
        float[] probs = logits.clone();
        float[] losses = new float[n];
        CrossEntropy.forward(probs, losses, targets, n, vocab);
        float[] dl = new float[n * vocab];
        CrossEntropy.backward(dl, probs, targets, n, vocab);
        double[] num = GradCheck.numeric(logits, () -> {
            System.arraycopy(logits, 0, probs, 0, logits.length);
            return CrossEntropy.forward(probs, losses, targets, n, vocab);
        });
        GradCheck.assertClose("cross-entropy", dl, num);
        for (int v = 0; v < vocab; v++) {
            assertTrue(dl[vocab + v] == 0f && dl[4 * vocab + v] == 0f, "ignored rows get no gradient");
        }
    }
}
