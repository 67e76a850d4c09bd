package dev.glassbox.engine.format.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.EncoderModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tokenizer.WordPiece;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/** Our BERT forward on the bundled all-MiniLM-L6-v2 against ONNX Runtime running the same .onnx file. */
class MiniLmParityTest {
    private static final double TOLERANCE = 1e-4;

    static final List<String> SENTENCES = List.of(
            "Hello world",
            "The cat sat on the mat.",
            "A man is playing a guitar on the street corner.",
            "Transformers process all positions of a sentence at once.",
            "What's the weather like in Paris today?",
            "I can't believe it's already November!",
            "Numbers: 3.14159, 2.71828 and 1,000,000.",
            "café naïve résumé façade",
            "中文文本测试，你好世界。",
            "日本語のテキストです",
            "Русский текст, пожалуйста.",
            "emoji 😀🎉 are unknown to this vocabulary",
            "(parentheses) [brackets] {braces} <angles> \"quotes\"",
            "email@example.com https://example.org/path?q=1&r=2",
            "def f(x): return x * 2",
            "a",
            "!!!",
            "Once upon a time, there was a little girl named Lily. She loved to play outside.",
            "The quick brown fox jumps over the lazy dog; the dog did not care.",
            "Sentence embeddings map text to vectors so that similar meanings lie close together.",
            "tabs\tand\nnewlines\r\nmixed   spacing",
            ("This sentence is repeated to make an input far longer than the model's window. ").repeat(12));

    private static LoadedModel model;
    private static OnnxReference onnx;
    private static OrtSession session;

    @BeforeAll
    static void load() throws Exception {
        model = OnnxModels.loadBundledMiniLm();
        onnx = OnnxReference.open(BundledEncoder.MINILM, "output_0");
        session = onnx.session();
    }

    @AfterAll
    static void close() throws Exception {
        if (onnx != null) {
            onnx.close();
        }
    }

    @Test
    void graphOutputsAreLastHiddenStateAndPooler() {
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), session.getInputNames().stream().toList());
        assertTrue(session.getOutputNames().contains("output_0"), "outputs: " + session.getOutputNames());
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        EncoderModel enc = model.encoder();
        double worst = 0;
        for (String s : SENTENCES) {
            int[] ids = model.tokenizer().encode(s);
            float[][] ours = enc.encode(ids, null, Capture.none(model.config().layers()));
            float[][] ref = onnx.lastHiddenState(ids, new int[ids.length]);
            assertEquals(ref.length, ours.length, s);
            double max = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int i = 0; i < ref[t].length; i++) {
                    max = Math.max(max, Math.abs(ref[t][i] - ours[t][i]));
                }
            }
            worst = Math.max(worst, max);
            assertTrue(max < TOLERANCE, "max |diff| " + max + " for '" + s + "'");
        }
        System.out.println("MiniLM vs ONNX Runtime: max |diff| over " + SENTENCES.size() + " sentences = " + worst);
    }

    @Test
    void sentencePairWithTokenTypesMatchesOnnxRuntime() throws Exception {
        WordPiece tok = (WordPiece) model.tokenizer();
        int[] a = tok.encodeBody("How old are you?");
        int[] b = tok.encodeBody("I am six years old.");
        int n = a.length + b.length + 3;
        int[] ids = new int[n];
        int[] types = new int[n];
        ids[0] = 101;
        System.arraycopy(a, 0, ids, 1, a.length);
        ids[a.length + 1] = 102;
        System.arraycopy(b, 0, ids, a.length + 2, b.length);
        ids[n - 1] = 102;
        Arrays.fill(types, a.length + 2, n, 1);
        float[][] ours = model.encoder().encode(ids, types, Capture.none(model.config().layers()));
        float[][] ref = onnx.lastHiddenState(ids, types);
        float[][] typeZero = model.encoder().encode(ids, null, Capture.none(model.config().layers()));
        double max = 0;
        double typeEffect = 0;
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < ref[t].length; i++) {
                max = Math.max(max, Math.abs(ref[t][i] - ours[t][i]));
                typeEffect = Math.max(typeEffect, Math.abs(typeZero[t][i] - ours[t][i]));
            }
        }
        assertTrue(max < TOLERANCE, "max |diff| " + max);
        System.out.println("MiniLM sentence pair vs ONNX Runtime: max |diff| = " + max);
        assertTrue(typeEffect > 1e-3, "token types must change the output");
    }

    @Test
    void rejectsInputsOutsideTheModel() {
        EncoderModel enc = model.encoder();
        Capture none = Capture.none(6);
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new int[513], null, none));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new int[] {101, 30522, 102}, null, none));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new int[] {101, 102}, new int[] {0, 2}, none));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new int[0], null, none));
    }

    @Test
    void longInputIsTruncatedTo128TokensWithClsAndSep() {
        // all-MiniLM-L6-v2's tokenizer.json: truncation max_length 128, counted with [CLS] and [SEP]
        int[] ids = model.tokenizer().encode(SENTENCES.getLast());
        assertEquals(128, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[127]);
        assertEquals(128, ((WordPiece) model.tokenizer()).maxLength());
    }

    @Test
    void hooksExposeBertInternalsWithDocumentedShapes() {
        int[] ids = model.tokenizer().encode("The cat sat on the mat.");
        int n = ids.length;
        int layers = model.config().layers();
        Capture cap = new Capture(HookSelection.ALL, layers);
        float[][] out = model.encoder().encode(ids, null, cap);
        Map<HookName, Captured> got = cap.drain();
        Captured pattern = got.get(HookName.of(HookPoint.ATTN_PATTERN, 2));
        assertArrayEquals(new int[] {12, n, n}, pattern.shape());
        for (int row = 0; row < 12 * n; row++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += pattern.values()[row * n + k];
            }
            assertEquals(1.0, sum, 1e-5, "attention row " + row + " sums to one");
        }
        assertArrayEquals(new int[] {n, 12, 32}, got.get(HookName.of(HookPoint.ATTN_Q, 0)).shape());
        assertArrayEquals(new int[] {n, 384}, got.get(HookName.of(HookPoint.EMBED)).shape());
        float[] last = got.get(HookName.of(HookPoint.RESID_POST, layers - 1)).values();
        for (int t = 0; t < n; t++) {
            assertArrayEquals(out[t], Arrays.copyOfRange(last, t * 384, (t + 1) * 384), "resid_post of the last layer is the output");
        }
    }
}
