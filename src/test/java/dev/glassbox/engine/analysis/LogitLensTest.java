package dev.glassbox.engine.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.tensor.TokenProbability;
import dev.glassbox.testing.SharedData;

import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.F32Tensor;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.TinyLlama;
import dev.glassbox.testing.TinyModels;

class LogitLensTest {

    private static Trace trace(LoadedModel m, String hooks) {
        return TraceRun.run(new TraceRun.Request(m, "hello world", HookSelection.of(hooks),
                Generation.Settings.greedy(3)), TraceListener.NONE, () -> false).trace();
    }

    @Test
    void lastLayerLensEqualsSoftmaxOfTheModelsOwnLogits() {
        LoadedModel m = TinyLlama.loaded(7);
        LlamaModel model = (LlamaModel) m.model();
        Trace t = trace(m, "blocks.*.resid_post");
        List<LogitLens.Row> rows = LogitLens.apply(model, t, TinyLlama.VOCAB, false);
        assertEquals(model.config().layers(), rows.size());
        LogitLens.Row last = rows.getLast();
        assertEquals(model.config().layers() - 1, last.hook().layer());

        // the model's own logits, from a fresh session over the same tokens, softmaxed here in double
        DecoderSession s = model.newSession(Capture.none(model.config().layers()));
        int[] ids = t.tokens();
        for (int pos = 0; pos < ids.length; pos++) {
            float[] logits = s.forward(ids[pos], pos);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits) max = Math.max(max, v);
            double z = 0;
            for (float v : logits) z += Math.exp(v - max);
            TokenProbability[] lens = last.at(pos);
            assertEquals(TinyLlama.VOCAB, lens.length);
            double total = 0;
            for (TokenProbability tp : lens) {
                double expected = Math.exp(logits[tp.token()] - max) / z;
                assertEquals(expected, tp.probability(), 1e-6, "p(token " + tp.token() + ") at position " + pos);
                total += tp.probability();
            }
            assertEquals(1.0, total, 1e-9);
            for (int i = 1; i < lens.length; i++) {
                assertTrue(lens[i - 1].probability() >= lens[i].probability(), "sorted by probability");
            }
        }
    }

    @Test
    void lastLayerLensEqualsTheModelsOwnLogitsForEveryDecoderFamily() {
        DecoderModel[] families = {TinyLlama.model(3),
                TinyModels.random(Architecture.QWEN2, RopeStyle.HALF, 16, 24, 2, 4, 2, TinyLlama.VOCAB, 4, DType.F32),
                tinyGpt2(5)};
        for (DecoderModel model : families) {
            String family = model.config().architecture().name();
            LoadedModel m = new LoadedModel("tiny-" + family, Path.of("tiny.bin"), "test", model,
                    new TinyLlama.CharTokenizer());
            Trace t = trace(m, "blocks.*.resid_post");
            int first = 2;
            List<LogitLens.Row> rows = LogitLens.apply(LogitLens.unembedding(model), t, 3, false, first);
            assertEquals(model.config().layers(), rows.size(), family);
            DecoderSession s = model.newSession(Capture.none(model.config().layers()));
            int[] ids = t.tokens();
            for (int pos = 0; pos < ids.length; pos++) {
                float[] logits = s.forward(ids[pos], pos);
                if (pos < first) {
                    continue;
                }
                TokenProbability[] own = Softmax.topK(logits, 3);
                TokenProbability[] lens = rows.getLast().at(pos);
                for (int r = 0; r < own.length; r++) {
                    assertEquals(own[r].token(), lens[r].token(), family + " rank " + r + " at position " + pos);
                    assertEquals(own[r].probability(), lens[r].probability(), 1e-6, family + " at position " + pos);
                }
            }
            assertEquals(ids.length - first, rows.getFirst().top().length, family + ": only the asked positions");
        }
    }

    /**
     * The batched read-out (every layer's positions unembedded together: the register-tiled product for a full batch of
     * 64 rows and for the rest) against softmax(W_U · RMSNorm(residual)) computed here in double: every
     * probability within 2e-6 (float32 logits of a 64-wide dot product: 4e-7 at most on the build machine).
     */
    @Test
    void batchedReadOutAgreesWithAFloat64Reference() {
        LlamaModel model = TinyLlama.model(12, 64, 96, 3, 4, 2, TinyLlama.VOCAB, 48);
        LoadedModel m = new LoadedModel("tiny-64", Path.of("tiny.bin"), "test", model, new TinyLlama.CharTokenizer());
        Trace t = TraceRun.run(new TraceRun.Request(m, "the cat sat on a mat and ran", HookSelection.of("blocks.*.resid_post"),
                Generation.Settings.greedy(8)), TraceListener.NONE, () -> false).trace();
        assertTrue(t.length() * model.config().layers() > LogitLens.BATCH_ROWS, "a full batch and a part one");
        List<LogitLens.Row> rows = LogitLens.apply(model, t, TinyLlama.VOCAB, false);
        int dim = model.config().dim();
        float[] gain = model.weights().finalNorm();
        double worst = 0;
        for (LogitLens.Row row : rows) {
            for (int p = 0; p < t.length(); p++) {
                float[] x = t.steps().get(p).get(row.hook()).orElseThrow().values();
                double ss = 0;
                for (float v : x) ss += (double) v * v;
                double inv = 1 / Math.sqrt(ss / dim + model.config().normEps());
                double[] logits = new double[TinyLlama.VOCAB];
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < logits.length; v++) {
                    float[] w = model.weights().output().row(v);
                    for (int i = 0; i < dim; i++) logits[v] += (double) w[i] * gain[i] * x[i] * inv;
                    max = Math.max(max, logits[v]);
                }
                double z = 0;
                for (double l : logits) z += Math.exp(l - max);
                for (TokenProbability tp : row.at(p)) {
                    double expected = Math.exp(logits[tp.token()] - max) / z;
                    worst = Math.max(worst, Math.abs(expected - tp.probability()));
                    assertEquals(expected, tp.probability(), 2e-6, row.hook() + " at " + p + ", token " + tp.token());
                }
            }
        }
        System.out.println("batched logit lens vs float64: largest probability difference " + worst);
    }

    /** A random-weight GPT-2 with two blocks, LayerNorm gains near 1 and the head tied to the token embedding. */
    private static Gpt2Model tinyGpt2(long seed) {
        int dim = 16;
        int hidden = 32;
        int layers = 2;
        int vocab = TinyLlama.VOCAB;
        int context = 24;
        ModelConfig c = new ModelConfig(Architecture.GPT2, dim, hidden, layers, 4, 4, dim / 4, vocab, context,
                1e-5f, 10000f, RopeStyle.NONE);
        java.util.Random r = new java.util.Random(seed);
        Gpt2Model.Layer[] ls = new Gpt2Model.Layer[layers];
        for (int l = 0; l < layers; l++) {
            ls[l] = new Gpt2Model.Layer(gain(r, dim), TinyModels.gaussian(r, dim, 0.1f), matrix(r, 3 * dim, dim),
                    TinyModels.gaussian(r, 3 * dim, 0.1f), matrix(r, dim, dim), TinyModels.gaussian(r, dim, 0.1f),
                    gain(r, dim), TinyModels.gaussian(r, dim, 0.1f), matrix(r, hidden, dim),
                    TinyModels.gaussian(r, hidden, 0.1f), matrix(r, dim, hidden), TinyModels.gaussian(r, dim, 0.1f));
        }
        return new Gpt2Model(c, new Gpt2Model.Weights(matrix(r, vocab, dim), matrix(r, context, dim), ls,
                gain(r, dim), TinyModels.gaussian(r, dim, 0.1f)), Parallel.SERIAL);
    }

    private static F32Tensor matrix(java.util.Random r, int rows, int cols) {
        return F32Tensor.of(TinyModels.gaussian(r, rows * cols, 0.3f), rows, cols);
    }

    private static float[] gain(java.util.Random r, int n) {
        float[] v = TinyModels.gaussian(r, n, 0.1f);
        for (int i = 0; i < n; i++) v[i] += 1f;
        return v;
    }

    @Test
    void earlierLayersPredictDifferentlyAndMidRowsComeWhenAsked() {
        LoadedModel m = TinyLlama.loaded(8);
        Trace t = trace(m, "blocks.*.resid_post,blocks.*.resid_mid");
        List<LogitLens.Row> rows = LogitLens.apply((LlamaModel) m.model(), t, 5, true);
        assertEquals(2 * m.config().layers(), rows.size());
        assertEquals(HookPoint.RESID_MID, rows.get(0).hook().point());
        assertEquals(HookPoint.RESID_POST, rows.get(1).hook().point());
        assertEquals(5, rows.get(0).at(0).length);
        boolean differs = false;
        for (int p = 0; p < t.length(); p++) {
            differs |= rows.get(0).at(p)[0].token() != rows.getLast().at(p)[0].token()
                    || Math.abs(rows.get(0).at(p)[0].probability() - rows.getLast().at(p)[0].probability()) > 1e-3;
        }
        assertTrue(differs, "layer 0's read-out should differ from the last layer's somewhere");
    }

    @Test
    @Tag("shared-data")
    void onStories260kTheLastLayersTopTokenIsTheGreedyNextToken() throws Exception {
        Path dir = SharedData.require("models/stories260K");
        LoadedModel m = ModelLoader.load(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"), Parallel.SERIAL);
        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, "Once upon a time, there was a little girl",
                HookSelection.of("blocks.*.resid_post"), Generation.Settings.greedy(6)), TraceListener.NONE, () -> false);
        List<LogitLens.Row> rows = LogitLens.apply((LlamaModel) m.model(), r.trace(), 1, false);
        int[] ids = r.tokens();
        int n = ids.length - 1;
        StringBuilder agree = new StringBuilder();
        for (LogitLens.Row row : rows) {
            int same = 0;
            for (int p = 0; p < n; p++) {
                same += row.at(p)[0].token() == rows.getLast().at(p)[0].token() ? 1 : 0;
            }
            agree.append(String.format(" L%d %d/%d", row.hook().layer(), same, n));
        }
        System.out.println("stories260K lens top-1 agreeing with the last layer:" + agree);
        // generated positions were chosen greedily, so the final read-out's argmax must be exactly the next token
        for (int p = r.promptLength() - 1; p < n; p++) {
            assertEquals(ids[p + 1], rows.getLast().at(p)[0].token(), "greedy token after position " + p);
        }
    }

    @Test
    void traceWithoutResidualsIsRefusedWithAHint() {
        LoadedModel m = TinyLlama.loaded(9);
        Trace t = trace(m, "blocks.0.attn.pattern");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogitLens.apply((LlamaModel) m.model(), t, 3, false));
        assertTrue(e.getMessage().contains("resid_post"), e.getMessage());
    }
}
