package dev.glassbox.engine.format.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.testing.ChineseText;

/** Our BERT forward on the bundled bge-small-zh-v1.5 against ONNX Runtime running the same .onnx file. */
class BgeSmallZhParityTest {
    private static final double TOLERANCE = 1e-4;

    private static LoadedModel model;
    private static OnnxReference onnx;

    @BeforeAll
    static void load() throws Exception {
        model = OnnxModels.loadBundled(BundledEncoder.BGE_SMALL_ZH, Parallel.shared());
        onnx = OnnxReference.open(BundledEncoder.BGE_SMALL_ZH, "last_hidden_state");
    }

    @AfterAll
    static void close() throws Exception {
        if (onnx != null) {
            onnx.close();
        }
    }

    @Test
    void readsTheBgeShape() {
        assertEquals("bge-small-zh-v1.5", model.name());
        assertEquals(4, model.config().layers());
        assertEquals(8, model.config().heads());
        assertEquals(64, model.config().headDim());
        assertEquals(512, model.config().dim());
        assertEquals(21128, model.config().vocabSize());
        assertEquals(512, model.config().contextLength());
        assertEquals(SentencePooling.CLS, model.encoder().pooling(), "bge-small-zh-v1.5's card: CLS pooling");
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        assertTrue(ChineseText.SENTENCES.size() >= 20);
        double worst = 0;
        for (String s : ChineseText.SENTENCES) {
            int[] ids = model.tokenizer().encode(s);
            float[][] ours = model.encoder().encode(ids, null, Capture.none(model.config().layers()));
            float[][] ref = onnx.lastHiddenState(ids, new int[ids.length]);
            assertEquals(ref.length, ours.length, s);
            double max = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int i = 0; i < ref[t].length; i++) {
                    double d = Math.abs(ref[t][i] - ours[t][i]);
                    assertTrue(d < TOLERANCE, "|diff| " + d + " at token " + t + ", dim " + i + " for '" + s + "'");
                    max = Math.max(max, d);
                }
            }
            worst = Math.max(worst, max);
        }
        System.out.println("bge-small-zh-v1.5 vs ONNX Runtime: max |diff| over " + ChineseText.SENTENCES.size()
                + " sentences = " + worst);
    }

    @Test
    void longInputIsTruncatedTo512TokensWithClsAndSep() {
        // the tokenizer.json sets no truncation: BERT's 512 learned positions bound it, [CLS] and [SEP] counted
        int[] ids = model.tokenizer().encode(ChineseText.LONG);
        assertEquals(512, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[511]);
        assertTrue(ChineseText.LONG.length() > 512, "the input must exceed the window");
    }

    @Test
    void sentenceEmbeddingIsTheNormalisedClsState() {
        int[] ids = model.tokenizer().encode("我喜欢在公园里散步。");
        float[][] h = model.encoder().encode(ids, null, Capture.none(model.config().layers()));
        double[] e = model.encoder().pooling().embed(h);
        double norm = 0;
        for (float v : h[0]) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < e.length; i++) {
            assertEquals(h[0][i] / norm, e[i], 1e-9);
        }
        assertEquals(1.0, Math.sqrt(Arrays.stream(e).map(v -> v * v).sum()), 1e-9);
    }

    @Test
    void similarSentencesEmbedCloserThanUnrelatedOnes() {
        double[] a = embed("我喜欢在公园里散步。");
        double[] b = embed("我爱在公园散步。");
        double[] c = embed("股票市场今天大幅下跌。");
        double ab = dot(a, b);
        double ac = dot(a, c);
        assertTrue(ab > ac + 0.1, "paraphrase cosine " + ab + " vs unrelated " + ac);
    }

    @Test
    void hooksExposeEightHeadsOfSixtyFour() {
        int[] ids = model.tokenizer().encode("今天天气很好");
        int n = ids.length;
        Capture cap = new Capture(HookSelection.ALL, model.config().layers());
        model.encoder().encode(ids, null, cap);
        Map<HookName, Captured> got = cap.drain();
        assertArrayEquals(new int[] {8, n, n}, got.get(HookName.of(HookPoint.ATTN_PATTERN, 3)).shape());
        assertArrayEquals(new int[] {n, 8, 64}, got.get(HookName.of(HookPoint.ATTN_HEAD_OUT, 0)).shape());
    }

    private static double[] embed(String s) {
        int[] ids = model.tokenizer().encode(s);
        return model.encoder().pooling().embed(model.encoder().encode(ids, null, Capture.none(model.config().layers())));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
