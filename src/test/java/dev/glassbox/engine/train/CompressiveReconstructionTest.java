package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * The attention-reconstruction loss of the Compressive Transformer (Rae et al. 2020 sec. 3.2) and the learned
 * convolution it trains: a hand-computed case, finite-difference checks, and the stop-gradient between the
 * language-model loss and f_c.
 */
class CompressiveReconstructionTest {

    /**
     * One head of width 1, scale 1; memory 2 compressed at rate 2 by mean pooling; a row of 4: segment 1's queries
     * (positions 2, 3) attend over old_mem = positions 0, 1 and over their single compressed slot.
     * k = (0, ln 3), v = (4, 8), q2 = 1, q3 = 2:
     * q2: p = (1/4, 3/4), attn = 7; the slot is (ln 3 / 2, 6) and the only one, attn = 6; error 1.
     * q3: p = (1/10, 9/10), attn = 7.6; slot attn = 6; error 1.6^2 = 2.56. One (row, segment) pair: L = 3.56.
     */
    @Test
    void meanPoolingLossMatchesAHandComputation() {
        float ln3 = (float) Math.log(3);
        float[] q = {9, 9, 1, 2};
        float[] k = {0, ln3, 5, 5};
        float[] v = {4, 8, 1, 1};
        float[] mean = CompressionConv.meanWeights(1, 2);
        var g = new ReconstructionLoss.Geometry(1, 4, 1, 1, 1, 2, 2);
        assertEquals(3.56, ReconstructionLoss.compute(q, k, v, mean, mean, g, null, null), 1e-5);
    }

    /** Two slots with a non-trivial convolution, against attention written out directly. */
    @Test
    void convolutionLossMatchesADirectComputation() {
        Random r = new Random(1);
        int hd = 2, rate = 2, m = 4;
        float[] q = GradCheck.randn(r, 6 * hd, 1);
        float[] k = GradCheck.randn(r, 6 * hd, 1);
        float[] v = GradCheck.randn(r, 6 * hd, 1);
        float[] wK = GradCheck.randn(r, hd * hd * rate, 0.5);
        float[] wV = GradCheck.randn(r, hd * hd * rate, 0.5);
        double expected = 0;
        double[][] ck = new double[2][hd];
        double[][] cv = new double[2][hd];
        for (int c = 0; c < 2; c++) {
            for (int o = 0; o < hd; o++) {
                for (int i = 0; i < hd; i++) {
                    for (int j = 0; j < rate; j++) {
                        ck[c][o] += wK[o * hd * rate + i * rate + j] * k[(c * rate + j) * hd + i];
                        cv[c][o] += wV[o * hd * rate + i * rate + j] * v[(c * rate + j) * hd + i];
                    }
                }
            }
        }
        for (int t = 4; t < 6; t++) {
            double[] old = attend(q, t, hd, k, v, m);
            double[] sk = {ck[0][0], ck[0][1], ck[1][0], ck[1][1]};
            double[] sv = {cv[0][0], cv[0][1], cv[1][0], cv[1][1]};
            double[] now = attend(q, t, hd, toFloat(sk), toFloat(sv), 2);
            for (int d = 0; d < hd; d++) expected += (old[d] - now[d]) * (old[d] - now[d]);
        }
        var g = new ReconstructionLoss.Geometry(1, 6, 1, 1, hd, m, rate);
        assertEquals(expected, ReconstructionLoss.compute(q, k, v, wK, wV, g, null, null), 1e-5 * Math.max(1, expected));
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] attend(float[] q, int t, int hd, float[] k, float[] v, int n) {
        double[] s = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            for (int d = 0; d < hd; d++) s[j] += q[t * hd + d] * k[j * hd + d] / Math.sqrt(hd);
            s[j] = Math.exp(s[j]);
            sum += s[j];
        }
        double[] out = new double[hd];
        for (int j = 0; j < n; j++) {
            for (int d = 0; d < hd; d++) out[d] += s[j] / sum * v[j * hd + d];
        }
        return out;
    }

    @Test
    void convolutionGradientMatchesFiniteDifferences() {
        Random r = new Random(7);
        int batch = 2, seq = 11, heads = 2, kvHeads = 1, hd = 3, rate = 2, m = 4;
        int kv = kvHeads * hd;
        float[] q = GradCheck.randn(r, batch * seq * heads * hd, 1);
        float[] k = GradCheck.randn(r, batch * seq * kv, 1);
        float[] v = GradCheck.randn(r, batch * seq * kv, 1);
        float[] wK = GradCheck.randn(r, kv * kv * rate, 0.5);
        float[] wV = GradCheck.randn(r, kv * kv * rate, 0.5);
        var g = new ReconstructionLoss.Geometry(batch, seq, heads, kvHeads, hd, m, rate);
        float[] dwK = new float[wK.length];
        float[] dwV = new float[wV.length];
        ReconstructionLoss.compute(q, k, v, wK, wV, g, dwK, dwV);
        java.util.function.DoubleSupplier loss = () -> ReconstructionLoss.compute(q, k, v, wK, wV, g, null, null);
        assertTrue(GradCheck.relativeError(dwK, GradCheck.numeric(wK, loss)) < GradCheck.TOLERANCE, "dwK");
        assertTrue(GradCheck.relativeError(dwV, GradCheck.numeric(wV, loss)) < GradCheck.TOLERANCE, "dwV");
    }

    private static ModelShape shape(String spec, int layers, int seq) {
        return ContextTraining.parse(spec, seq).applyTo(new ModelShape(11, 8, 12, layers, 2, 1, seq, false, true, 1e-5f, 10000f));
    }

    /**
     * In one layer with fn=conv: the model's parameters match finite differences of the language-model loss (the
     * embeddings excepted: stop-gradient memory cuts their path), the convolution matches finite differences of the
     * reconstruction loss alone, and the language-model loss does depend on the convolution (so the stop-gradient
     * between them is a real cut, not a zero).
     */
    @Test
    void convTrainsOnlyByTheReconstructionLossAndTheModelOnlyByTheLanguageModelLoss() {
        int batch = 2, seq = 10;
        ModelShape s = shape("compressive:memory=4,compressed=2,rate=2,fn=conv", 1, seq);
        try (Parallel par = new Parallel(2)) {
            TrainableLlama model = new TrainableLlama(s, par);
            model.initialise(3);
            Random r = new Random(5);
            for (Param p : model.params()) {
                float[] w = p.value();
                for (int i = 0; i < w.length; i++) {
                    w[i] += (float) (p.isMatrix() ? r.nextGaussian() * 0.3 : r.nextGaussian() * 0.2);
                }
            }
            int[][] d = TokenBatch.random(r, batch * seq, s.vocab(), 0);
            int[] in = d[0], tg = d[1];
            model.forward(in, tg, batch, seq);
            assertTrue(model.reconstructionLoss() > 0, "a random convolution does not reconstruct attention exactly");
            model.zeroGrad();
            model.backward(tg);
            int convs = 0;
            for (Param p : model.params()) {
                float[] analytic = p.grad().clone();
                if (p.name().contains("glassbox_compress")) {
                    convs++;
                    double[] recon = GradCheck.numeric(p.value(), () -> {
                        model.forward(in, tg, batch, seq);
                        return model.reconstructionLoss();
                    });
                    double err = GradCheck.relativeError(analytic, recon);
                    assertTrue(err < GradCheck.TOLERANCE, p.name() + " vs d L_attn: relative error " + err);
                    double[] lm = GradCheck.numeric(p.value(), () -> model.forward(in, tg, batch, seq));
                    double lmNorm = 0;
                    for (double x : lm) lmNorm += x * x;
                    assertTrue(lmNorm > 1e-8, p.name() + ": the LM loss depends on f_c, yet its gradient is stopped");
                } else if (!p.name().contains("embed_tokens")) {
                    double err = GradCheck.relativeError(analytic, GradCheck.numeric(p.value(), () -> model.forward(in, tg, batch, seq)));
                    assertTrue(err < GradCheck.TOLERANCE, p.name() + ": relative error " + err);
                }
            }
            assertEquals(2, convs, "one key and one value convolution per layer");
        }
    }

    @Test
    void convStartsAsMeanPoolingAndReportsTheSameLosses() {
        int batch = 2, seq = 12;
        try (Parallel par = new Parallel(2)) {
            TrainableLlama mean = new TrainableLlama(shape("compressive:memory=4,compressed=2,rate=2", 2, seq), par);
            TrainableLlama conv = new TrainableLlama(shape("compressive:memory=4,compressed=2,rate=2,fn=conv", 2, seq), par);
            mean.initialise(9);
            conv.initialise(9);
            Random r = new Random(2);
            int[][] d = TokenBatch.random(r, batch * seq, 11, 0);
            int[] in = d[0], tg = d[1];
            assertEquals(mean.forward(in, tg, batch, seq), conv.forward(in, tg, batch, seq), 1e-6);
            assertEquals(mean.reconstructionLoss(), conv.reconstructionLoss(), 1e-6);
            assertTrue(mean.reconstructionLoss() > 0, "mean pooling loses information");
        }
    }

    /** The convolution's gradient is clipped on its own: it never scales down the language model's. */
    @Test
    void clippingKeepsTheConvolutionApartFromTheModel() {
        int batch = 2, seq = 12;
        try (Parallel par = new Parallel(2)) {
            TrainableLlama m = new TrainableLlama(shape("compressive:memory=4,compressed=2,rate=2,fn=conv", 1, seq), par);
            m.initialise(4);
            Random noise = new Random(8);
            for (Param p : new Param[] {m.compression().key(0), m.compression().value(0)}) {
                float[] w = p.value();
                for (int i = 0; i < w.length; i++) w[i] += (float) (noise.nextGaussian() * 3);
            }
            Random r = new Random(6);
            int[][] d = TokenBatch.random(r, batch * seq, 11, 0);
            int[] in = d[0], tg = d[1];
            m.forward(in, tg, batch, seq);
            m.zeroGrad();
            m.backward(tg);
            double model = 0, conv = 0;
            for (Param p : m.params()) {
                for (float g : p.grad()) {
                    if (p.name().contains("glassbox_compress")) conv += g * g; else model += g * g;
                }
            }
            assertTrue(conv > 0, "the reconstruction loss reaches the convolution");
            float[] before = m.params().getFirst().grad().clone();
            assertTrue(Math.sqrt(conv) > Math.sqrt(model), "the case needs |g| conv " + Math.sqrt(conv) + " > model "
                    + Math.sqrt(model));
            double max = (Math.sqrt(model) + Math.sqrt(conv)) / 2; // jointly over max, separately only conv is
            assertEquals(Math.sqrt(model), m.clipGradNorm(max), 1e-6 * Math.sqrt(model), "the reported norm is the model's");
            assertTrue(java.util.Arrays.equals(before, m.params().getFirst().grad()), "the model's gradient is not rescaled");
            double clipped = 0;
            for (Param p : m.params()) {
                if (p.name().contains("glassbox_compress")) for (float g : p.grad()) clipped += g * g;
            }
            assertEquals(Math.min(Math.sqrt(conv), max), Math.sqrt(clipped), 1e-4 * max, "the convolution is clipped to max on its own");
        }
    }

    @Test
    void aGpt2CheckpointCannotHoldTheLearnedCompression() {
        ModelShape s = new ModelShape(11, 8, 12, 1, 2, 2, 16, false, true, 1e-5f, 10000f, BlockDesign.GPT2,
                RoutingDesign.DENSE, ContextTraining.parse("compressive:memory=4,compressed=2,rate=2,fn=conv", 16));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.requireSavable(s));
        assertTrue(e.getMessage().contains("fn=conv"), e.getMessage());
    }

    @Test
    void convNeedsMemoryAMultipleOfTheRate() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ContextTraining.parse("compressive:memory=6,compressed=2,rate=4,fn=conv", 32));
        assertTrue(e.getMessage().contains("multiple of rate"), e.getMessage());
    }
}
