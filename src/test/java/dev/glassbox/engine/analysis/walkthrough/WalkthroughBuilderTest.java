package dev.glassbox.engine.analysis.walkthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.format.onnx.BundledEncoder;
import dev.glassbox.engine.format.onnx.OnnxModels;
import dev.glassbox.engine.model.EncoderModel;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;
import dev.glassbox.engine.train.TrainOptions;
import dev.glassbox.engine.train.Trainer;
import dev.glassbox.testing.SharedData;

/**
 * Every number a walkthrough shows equals the engine's trace of the same run: values taken from a hook exactly,
 * values the walkthrough computes between hooks within 1e-5 of the hook they lead to; and the token it samples is
 * the one generation samples with the same settings.
 */
class WalkthroughBuilderTest {
    private static final String PROMPT = "Once upon a time, Tom";
    private static final Generation.Settings SAMPLING = new Generation.Settings(1, 0.8f, 0.9f, 20, 7, false);

    @Test
    void bundledLlamaModelMatchesItsTrace() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/tiny-stories-grammar"), null);
        Walkthrough w = checkAgainstTrace(m, PROMPT, true);
        assertTrue(kinds(w).contains(StepKind.ROPE), "a rotary model shows the rotation");
        assertTrue(kinds(w).containsAll(EnumSet.of(StepKind.MLP_GATE_UP, StepKind.MLP_ACT)));
    }

    @Test
    void mixtureOfExpertsShowsItsRouter() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/moe-stories"), null);
        assertTrue(kinds(checkAgainstTrace(m, PROMPT, false)).contains(StepKind.ROUTER));
    }

    @Test
    @Tag("shared-data")
    void stories260kMatchesItsTrace() throws Exception {
        Path dir = SharedData.require("models/stories260K");
        LoadedModel m = ModelLoader.load(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"));
        checkAgainstTrace(m, "Once upon a time", true);
    }

    @Test
    void gpt2DesignAddsLearnedPositionsAndHasNoRotation(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("gpt2");
        new Trainer(TrainOptions.of(new TaskData(SyntheticTask.STORIES), 2, 2, 16, 32, 2, 1, 3)
                .withDesign(BlockDesign.GPT2).withOut(out), Parallel.SERIAL, line -> { }).run();
        LoadedModel m = ModelLoader.load(out, null);
        assertInstanceOf(Gpt2Model.class, m.model());
        Walkthrough w = checkAgainstTrace(m, PROMPT, true);
        assertFalse(kinds(w).contains(StepKind.ROPE));
        assertEquals(3, w.steps().stream().filter(s -> s.kind() == StepKind.EMBED).findFirst().orElseThrow().values().size(),
                "token row, position row and their sum");
    }

    @Test
    void bundledMiniLmEncoderMatchesItsTraceWithoutAMask() throws Exception {
        checkEncoder(OnnxModels.loadBundledMiniLm(), "the cat sat on the mat");
    }

    @Test
    void bundledChineseEncoderPoolsItsClsToken() throws Exception {
        LoadedModel m = OnnxModels.loadBundled(BundledEncoder.BGE_SMALL_ZH, Parallel.SERIAL);
        assertEquals(SentencePooling.CLS, ((EncoderModel) m.model()).pooling());
        checkEncoder(m, "我喜欢在公园里散步。");
    }

    /** Two (position, layer, head) choices of one encoder run, each checked against its trace. */
    private static void checkEncoder(LoadedModel m, String prompt) {
        TraceRun.Result run = TraceRun.run(new TraceRun.Request(m, prompt, HookSelection.ALL, SAMPLING), step -> { }, () -> false);
        Trace trace = run.trace();
        int n = run.tokens().length;
        var c = m.config();
        EncoderModel encoder = (EncoderModel) m.model();
        float[][] hidden = encoder.encode(m.tokenizer().encode(prompt), null, new Capture(HookSelection.NONE, c.layers()));
        double[] sentence = encoder.pooling().embed(hidden);
        for (int[] plh : new int[][] {{2, c.layers() - 1, c.heads() - 1}, {n - 1, 0, 3}}) {
            Walkthrough w = WalkthroughBuilder.build(m, trace, run.tokens(), new WalkthroughBuilder.Request(plh[0], plh[1],
                    plh[2], 1f, 0, 1f, 1));
            assertEquals(0, w.traceStep(), "an encoder's trace is one step");
            assertEquals(-1, w.sampled(), "an encoder samples nothing");
            checkSteps(w, trace);
            Set<StepKind> kinds = kinds(w);
            assertTrue(kinds.containsAll(EnumSet.of(StepKind.ENC_EMBED, StepKind.ENC_EMBED_NORM, StepKind.NO_MASK,
                    StepKind.ADD_NORM_ATTN, StepKind.ADD_NORM_MLP, StepKind.ENCODER_OUTPUT)), kinds.toString());
            assertTrue(java.util.Collections.disjoint(kinds, EnumSet.of(StepKind.MASK, StepKind.LOGITS, StepKind.SAMPLE,
                    StepKind.ROPE, StepKind.FINAL_NORM)), kinds.toString());
            assertEquals(StepKind.ENCODER_OUTPUT, w.steps().getLast().kind());

            // bidirectional: the full row, nothing masked, and the whole grid is the traced pattern
            float[][] pattern = trace.attentionPattern(plh[1]).orElseThrow()[plh[2]];
            Values.Grid scores = (Values.Grid) step(w, StepKind.NO_MASK).values().get(0);
            Values.Grid probs = (Values.Grid) step(w, StepKind.ENC_SOFTMAX).values().get(1);
            assertEquals(n, strip(w, StepKind.ENC_SOFTMAX, 0).values().length, "position " + plh[0] + " sees every token");
            for (int q = 0; q < n; q++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    assertTrue(Float.isFinite(scores.at(q, k)), "no mask at " + q + "," + k);
                    assertEquals(pattern[q][k], probs.at(q, k), 0f, "pattern " + q + "," + k);
                    sum += Math.exp(scores.at(q, k));
                }
                for (int k = 0; k < n; k++) {
                    assertEquals(pattern[q][k], Math.exp(scores.at(q, k)) / sum, 1e-5, "softmax of row " + q);
                }
            }

            // the output: the hidden state the encoder returns, and the sentence embedding pooled from it
            Step out = step(w, StepKind.ENCODER_OUTPUT);
            // the trace's run and this second encode are one code path, equal to rounding only: the Vector API orders
            // a lane sum one way interpreted and another compiled, so two runs of one input can differ in the last ulp
            assertArrayEquals(hidden[plh[0]], out.values().get(0).values(), 1e-5f);
            float[] shown = out.values().get(1).values();
            for (int i = 0; i < sentence.length; i++) {
                assertEquals(sentence[i], shown[i], 1e-6, "sentence embedding [" + i + "]");
            }
        }
    }

    @Test
    void refusesPositionsOutsideThePrompt() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/tiny-stories-grammar"), null);
        int n = m.tokenizer().encode("Once").length;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalkthroughBuilder.run(m, "Once",
                new WalkthroughBuilder.Request(n, 0, 0, 0f, 0, 1f, 1), () -> false));
        assertEquals("position " + n + " is outside 0.." + (n - 1), e.getMessage());
    }

    private static Set<StepKind> kinds(Walkthrough w) {
        Set<StepKind> s = EnumSet.noneOf(StepKind.class);
        w.steps().forEach(st -> s.add(st.kind()));
        return s;
    }

    /** Walks the last position through the last layer's last head, and position 1 through layer 0's head 0. */
    private static Walkthrough checkAgainstTrace(LoadedModel m, String prompt, boolean sampledEqualsGeneration) {
        TraceRun.Result run = TraceRun.run(new TraceRun.Request(m, prompt, HookSelection.ALL, SAMPLING), step -> { }, () -> false);
        int[] all = run.tokens();
        int[] ids = java.util.Arrays.copyOf(all, run.promptLength());
        Trace trace = Trace.of(run.trace().steps().subList(0, ids.length));
        int last = ids.length - 1;
        var c = m.config();
        Walkthrough first = null;
        for (int[] plh : new int[][] {{last, c.layers() - 1, c.heads() - 1}, {1, 0, 0}}) {
            Walkthrough w = WalkthroughBuilder.build(m, trace, new WalkthroughBuilder.Request(plh[0], plh[1], plh[2],
                    SAMPLING.temperature(), SAMPLING.topK(), SAMPLING.topP(), SAMPLING.seed()));
            checkSteps(w, trace);
            checkAttention(w, trace, plh[1], plh[2], plh[0]);
            if (first == null) {
                first = w;
                if (sampledEqualsGeneration) {
                    assertEquals(all[ids.length], w.sampled(), "the sampled token is the one generation picked");
                }
            }
        }
        return first;
    }

    private static void checkSteps(Walkthrough w, Trace trace) {
        int pos = w.traceStep();
        int sourced = 0;
        int derived = 0;
        for (Step s : w.steps()) {
            if (s.hook() != null) {
                assertTrue(trace.steps().get(pos).get(HookName.parse(s.hook())).isPresent(), s.kind() + " names hook " + s.hook());
            }
            for (Values v : s.values()) {
                for (float f : v.values()) {
                    assertFalse(Float.isNaN(f), s.kind() + " " + v.label() + " holds NaN");
                }
                if (v.source() == null) {
                    continue;
                }
                Captured ref = trace.steps().get(pos).get(HookName.parse(v.source().hook())).orElseThrow();
                int[] ix = v.source().indices();
                float[] got = v.values();
                assertEquals(ix.length, got.length);
                for (int i = 0; i < ix.length; i++) {
                    float want = ref.values()[ix[i]];
                    String where = s.kind() + " " + v.label() + "[" + i + "] vs " + v.source().hook();
                    if (v.source().captured()) {
                        assertEquals(want, got[i], 0f, where);
                    } else {
                        assertEquals(want, got[i], 1e-5 * Math.max(1, Math.abs(want)), where);
                    }
                }
                if (v.source().captured()) sourced++; else derived++;
            }
        }
        assertTrue(sourced > 0 && derived >= 8, "captured " + sourced + ", derived and checked " + derived);
    }

    /** The derived chain q·k → scaled → masked → softmax ends in the captured pattern, row by row. */
    private static void checkAttention(Walkthrough w, Trace trace, int layer, int head, int pos) {
        float[][] pattern = trace.attentionPattern(layer).orElseThrow()[head];
        Values.Strip raw = strip(w, StepKind.SCORES, 1);
        Values.Strip scaled = strip(w, StepKind.SCALE, 0);
        float scale = (float) (1 / Math.sqrt(trace.steps().get(0).tensors().values().stream()
                .filter(cap -> cap.hook().point() == dev.glassbox.engine.trace.HookPoint.ATTN_Q).findFirst().orElseThrow().dim(1)));
        for (int t = 0; t <= pos; t++) {
            assertEquals(raw.values()[t] * scale, scaled.values()[t], 1e-6 * Math.max(1, Math.abs(scaled.values()[t])));
        }
        Values.Grid masked = (Values.Grid) w.steps().stream().filter(s -> s.kind() == StepKind.MASK).findFirst().orElseThrow().values().get(0);
        Values.Grid probs = (Values.Grid) w.steps().stream().filter(s -> s.kind() == StepKind.SOFTMAX).findFirst().orElseThrow().values().get(1);
        for (int q = 0; q < masked.rows(); q++) {
            for (int k = 0; k < masked.cols(); k++) {
                assertEquals(k > q, masked.at(q, k) == Float.NEGATIVE_INFINITY, "causal mask at " + q + "," + k);
                assertEquals(pattern[q][k], probs.at(q, k), 0f, "pattern " + q + "," + k);
            }
            double sum = 0;
            for (int k = 0; k <= q; k++) {
                sum += Math.exp(masked.at(q, k));
            }
            for (int k = 0; k <= q; k++) {
                assertEquals(pattern[q][k], Math.exp(masked.at(q, k)) / sum, 1e-5, "softmax of the masked row " + q);
            }
        }
        assertNotNull(masked);
    }

    private static Values.Strip strip(Walkthrough w, StepKind kind, int index) {
        return (Values.Strip) step(w, kind).values().get(index);
    }

    private static Step step(Walkthrough w, StepKind kind) {
        return w.steps().stream().filter(s -> s.kind() == kind).findFirst().orElseThrow();
    }
}
