package dev.glassbox.engine.analysis.walkthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Seq2SeqModel;

/**
 * The encoder-decoder's walkthrough on the bundled reverse-seq2seq: every value it shows equals the hooks of the same
 * traced decode (captured ones exactly, recomputed ones within 1e-5), the cross-attention reads every source token
 * without a mask and ends in the captured alignment, and the traced decode is the plain one, bit for bit.
 */
class Seq2SeqWalkthroughTest {
    private static final String SOURCE = "glassbox";
    private static LoadedModel model;
    private static Seq2SeqWalkthrough.Traced run;

    @BeforeAll
    static void trace() throws Exception {
        model = ModelLoader.load(Path.of("sample-models/reverse-seq2seq"), null);
        run = Seq2SeqWalkthrough.trace(model, SOURCE, () -> false);
    }

    /**
     * Within rounding: the Vector API may sum a dot product's lanes in another order before and after the JIT compiles
     * it, so two runs of the same code in one JVM can differ in the last bit or two (the traced and the plain session
     * run the same arithmetic; only copies are added).
     */
    @Test
    void tracingChangesNoNumber() {
        Seq2SeqModel m = model.seq2seq();
        Seq2SeqModel.Decoded plain = m.generate(run.source(), m.config().contextLength(), true, () -> false, t -> { });
        assertArrayEquals(plain.output(), run.decoded().output());
        assertEquals(new StringBuilder(SOURCE).reverse().toString(), decodedText(run.decoded().output()),
                "the model reverses its source");
        Seq2SeqModel.Session untraced = m.start(run.source(), false);
        for (int p = 0; p < run.session().position(); p++) {
            float[] logits = untraced.step(p == 0 ? m.spec().startToken() : plain.output()[p - 1]);
            assertArrayEquals(logits, run.session().hooks(p).get(Seq2SeqModel.decoderHook("logits")), 1e-5f, "logits at " + p);
        }
        Map<String, Seq2SeqModel.AttentionMap> patterns = run.decoded().patterns();
        for (int l = 0; l < m.config().layers(); l++) {
            Seq2SeqModel.AttentionMap cross = patterns.get(Seq2SeqModel.crossPattern(l));
            for (int p = 0; p < run.session().position(); p++) {
                float[] hooked = run.session().hooks(p).get(Seq2SeqModel.decoderHook(l, "cross_attn.pattern"));
                for (int h = 0; h < cross.heads(); h++) {
                    for (int s = 0; s < cross.keys(); s++) {
                        assertEquals(cross.get(h, p, s), hooked[h * cross.keys() + s], 1e-6f, "cross pattern L" + l + " p" + p);
                    }
                }
            }
        }
        assertTrue(m.start(run.source(), false).hooks(0).isEmpty(), "an untraced session keeps no hooks");
    }

    @Test
    void everyShownValueIsTheTrace() {
        var c = model.config();
        int last = run.session().position() - 1;
        for (int[] plh : new int[][] {{last, c.layers() - 1, c.heads() - 1}, {2, 0, 1}}) {
            Walkthrough w = Seq2SeqWalkthrough.build(model, run, new WalkthroughBuilder.Request(plh[0], plh[1], plh[2], 1f, 0, 1f, 1));
            assertEquals(plh[0], w.traceStep());
            Map<String, float[]> hooks = run.session().hooks(plh[0]);
            checkSteps(w, hooks);
            Set<StepKind> kinds = EnumSet.noneOf(StepKind.class);
            w.steps().forEach(s -> kinds.add(s.kind()));
            assertTrue(kinds.containsAll(EnumSet.of(StepKind.S2S_SOURCE, StepKind.S2S_SELF_ATTN, StepKind.CROSS_QKV,
                    StepKind.CROSS_SCORES, StepKind.SCALE, StepKind.CROSS_NO_MASK, StepKind.CROSS_SOFTMAX,
                    StepKind.WEIGHTED_SUM, StepKind.RESID_CROSS, StepKind.MLP_DOWN, StepKind.LOGITS, StepKind.S2S_OUTPUT)),
                    kinds.toString());
            assertFalse(kinds.contains(StepKind.MASK), "no causal mask is drawn over the source");
            assertEquals(StepKind.S2S_OUTPUT, w.steps().getLast().kind());
            int want = plh[0] < run.decoded().output().length ? run.decoded().output()[plh[0]] : model.seq2seq().spec().eosToken();
            assertEquals(want, w.sampled(), "the output token is the one the decode chose");
            checkCrossAttention(w, plh[2]);
        }
    }

    @Test
    void refusesAnOutputPositionTheDecodeDidNotReach() {
        int n = run.session().position();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seq2SeqWalkthrough.build(model, run,
                new WalkthroughBuilder.Request(n, 0, 0, 1f, 0, 1f, 1)));
        assertEquals("output position " + n + " is outside 0.." + (n - 1), e.getMessage());
    }

    /** Every output row of the no-mask grid sees all source tokens, and its softmax is the captured alignment. */
    private static void checkCrossAttention(Walkthrough w, int head) {
        Values.Grid scores = (Values.Grid) step(w, StepKind.CROSS_NO_MASK).values().get(0);
        Values.Grid pattern = (Values.Grid) step(w, StepKind.CROSS_SOFTMAX).values().get(1);
        int s = run.source().length;
        assertEquals(s, scores.cols(), "every source token is a key");
        assertEquals(run.session().position(), scores.rows());
        for (int q = 0; q < scores.rows(); q++) {
            double sum = 0;
            for (int k = 0; k < s; k++) {
                assertTrue(Float.isFinite(scores.at(q, k)), "no mask at " + q + "," + k);
                sum += Math.exp(scores.at(q, k));
            }
            float[] hooked = run.session().hooks(q).get(Seq2SeqModel.decoderHook(w.layer(), "cross_attn.pattern"));
            for (int k = 0; k < s; k++) {
                assertEquals(hooked[head * s + k], pattern.at(q, k), 0f, "alignment " + q + "," + k);
                assertEquals(hooked[head * s + k], Math.exp(scores.at(q, k)) / sum, 1e-5, "softmax of row " + q);
            }
        }
    }

    private static void checkSteps(Walkthrough w, Map<String, float[]> hooks) {
        int sourced = 0;
        int derived = 0;
        for (Step s : w.steps()) {
            if (s.hook() != null) {
                assertNotNull(hooks.get(s.hook()), s.kind() + " names hook " + s.hook());
            }
            for (Values v : s.values()) {
                for (float f : v.values()) {
                    assertFalse(Float.isNaN(f), s.kind() + " " + v.label() + " holds NaN");
                }
                if (v.source() == null) {
                    continue;
                }
                float[] ref = hooks.get(v.source().hook());
                assertNotNull(ref, s.kind() + " " + v.label() + " cites " + v.source().hook());
                int[] ix = v.source().indices();
                float[] got = v.values();
                assertEquals(ix.length, got.length);
                for (int i = 0; i < ix.length; i++) {
                    String where = s.kind() + " " + v.label() + "[" + i + "] vs " + v.source().hook();
                    if (v.source().captured()) {
                        assertEquals(ref[ix[i]], got[i], 0f, where);
                    } else {
                        assertEquals(ref[ix[i]], got[i], 1e-5 * Math.max(1, Math.abs(ref[ix[i]])), where);
                    }
                }
                if (v.source().captured()) sourced++; else derived++;
            }
        }
        assertTrue(sourced >= 5 && derived >= 10, "captured " + sourced + ", derived and checked " + derived);
    }

    private static String decodedText(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(model.tokenizer().display(id));
        }
        return b.toString();
    }

    private static Step step(Walkthrough w, StepKind kind) {
        return w.steps().stream().filter(s -> s.kind() == kind).findFirst().orElseThrow();
    }
}
