package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.glassbox.engine.analysis.Perplexity;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.analysis.heads.CapturedRun;
import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.PolicyRunner;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.TinyModels;

/**
 * Every block design the trainer makes, run through every inference path, gives the same logits: token-by-token
 * decode is the reference; batched prefill (also resumed by decode), the context lab's {@code full} method, a
 * trace with every hook captured (its batched prefill captures every tensor the token-by-token forward does), {@code score}, and the Heads capture agree with it within 1e-5, and the
 * trainer's own forward agrees within 1e-4 (it sums in another order, in batches).
 */
class ForwardParityMatrixTest {
    /**
     * 40 characters: more than one block of a capturing prefill (32 tokens; a plain prefill's 128 hold it whole) for
     * the character tokenizer.
     */
    private static final String TEXT = "Once upon a time, Tom saw a big red dog.";
    private static final double INFERENCE_TOLERANCE = 1e-5;
    private static final double TRAINER_TOLERANCE = 1e-4;

    enum Design {
        DENSE_TIED, DENSE_UNTIED, ATTENTION_ONLY, GQA, MOE_TOP2, MOE_HASH, MOE_RANDOM, RANDOM_ROUTING, GPT2, QKV_BIAS;

        TrainOptions options(Path out) {
            int kvHeads = this == GQA ? 2 : 4;
            boolean tied = this == DENSE_TIED || this == GPT2;
            TrainOptions o = new TrainOptions(new TaskData(SyntheticTask.STORIES), 2, 4, kvHeads, 32, this == GPT2 ? 0 : 48,
                    this == ATTENTION_ONLY, tied, 64, 2, 1e-2f, 3, -1, 5, 0.1f, 1f, 10, 0, false, out, "parity");
            return switch (this) {
                case MOE_TOP2 -> o.withRouting(RoutingDesign.experts(3, 2, ExpertRouter.Kind.TOPK, 0.01f));
                case MOE_HASH -> o.withRouting(RoutingDesign.experts(3, 1, ExpertRouter.Kind.HASH, 0f));
                case MOE_RANDOM -> o.withRouting(RoutingDesign.experts(3, 1, ExpertRouter.Kind.RANDOM, 0f));
                case RANDOM_ROUTING -> o.withRouting(RoutingDesign.randomRouting(0.3f));
                case GPT2 -> o.withDesign(BlockDesign.GPT2);
                default -> o;
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Design.class)
    void everyInferencePathAndTheTrainerGiveTheSameLogits(Design design, @TempDir Path tmp) throws Exception {
        LoadedModel loaded;
        TrainableLlama trained = null;
        if (design == Design.QKV_BIAS) {
            // the trainer's attention biases include W_o's, which no saved Llama layout holds: a Qwen2 model instead
            LlamaModel m = TinyModels.random(Architecture.QWEN2, RopeStyle.HALF, 32, 48, 2, 4, 2, 64, 11, DType.F32);
            loaded = new LoadedModel("qwen2-tiny", null, "test", m, TinyModels.tokenizer(64));
        } else {
            Path out = tmp.resolve(design.name());
            trained = new Trainer(design.options(out), Parallel.SERIAL, line -> { }).run().model();
            loaded = ModelLoader.load(out, null);
        }
        DecoderModel model = loaded.decoder();
        int[] tokens = loaded.tokenizer().encode(TEXT);
        assertTrue(tokens.length > 33 && tokens.length <= model.config().contextLength(), "text of " + tokens.length + " tokens");
        int n = tokens.length;
        int vocab = model.config().vocabSize();

        float[][] decode = decode(model.newSession(Capture.none(model.config().layers())), tokens);
        float[] nll = nll(decode, tokens);

        // batched prefill: the whole text, and a prefix resumed token by token
        DecoderSession whole = model.newSession(Capture.none(model.config().layers()));
        close(decode[n - 1], whole.prefill(tokens, 0), INFERENCE_TOLERANCE, design + " prefill");
        DecoderSession resumed = model.newSession(Capture.none(model.config().layers()));
        int prefix = n - 5;
        close(decode[prefix - 1], resumed.prefill(Arrays.copyOf(tokens, prefix), 0), INFERENCE_TOLERANCE, design + " prefill prefix");
        for (int pos = prefix; pos < n; pos++) {
            close(decode[pos], resumed.forward(tokens[pos], pos), INFERENCE_TOLERANCE, design + " decode after prefill at " + pos);
        }

        // the context lab's full attention (rotary models only: GPT-2's learned positions admit no context methods)
        if (model instanceof LlamaModel llama) {
            PolicyRunner.Result lab = new PolicyRunner(llama, new ContextPolicy.Full()).run(tokens, null, () -> false, null);
            close(nll, lab.nll(), INFERENCE_TOLERANCE, design + " context lab full nll");
            assertEquals(dev.glassbox.engine.tensor.Kernels.argmax(decode[n - 1]), lab.nextToken(), design + " context lab next token");
        }

        // a trace capturing every hook
        TraceRun.Result trace = TraceRun.run(new TraceRun.Request(loaded, TEXT, HookSelection.of("*"),
                Generation.Settings.greedy(0)), TraceListener.NONE, () -> false);
        float[][] traced = trace.trace().stacked(HookName.of(HookPoint.LOGITS)).orElseThrow();
        assertEquals(n, traced.length);
        for (int pos = 0; pos < n; pos++) close(decode[pos], traced[pos], INFERENCE_TOLERANCE, design + " trace at " + pos);
        // the trace prefills the prompt in batched blocks: every captured tensor equals the token-by-token capture's
        DecoderSession stepwise = model.newSession(new Capture(HookSelection.of("*"), model.config().layers()));
        for (int pos = 0; pos < n; pos++) {
            stepwise.forward(tokens[pos], pos);
            java.util.Map<HookName, dev.glassbox.engine.trace.Captured> want = stepwise.drainCaptured();
            dev.glassbox.engine.trace.TraceStep step = trace.trace().steps().get(pos);
            assertEquals(new java.util.TreeSet<>(want.keySet()), new java.util.TreeSet<>(step.tensors().keySet()),
                    design + " hooks at " + pos);
            for (var e : want.entrySet()) {
                dev.glassbox.engine.trace.Captured got = step.get(e.getKey()).orElseThrow();
                assertEquals(Arrays.toString(e.getValue().shape()), Arrays.toString(got.shape()), design + " " + e.getKey() + " shape");
                closeToScale(e.getValue().values(), got.values(), design + " " + e.getKey() + " at " + pos);
            }
        }

        // score
        float[] logProbs = Perplexity.score(model, tokens, model.config().contextLength(), () -> false).logProbs();
        for (int t = 0; t < n - 1; t++) {
            assertEquals(-nll[t], logProbs[t], INFERENCE_TOLERANCE, design + " score at " + t);
        }

        // the Heads view's capture (patterns, head outputs, residuals) and its loss
        CapturedRun heads = CapturedRun.of(model, tokens);
        double meanNll = 0;
        for (float x : nll) meanNll += x;
        assertEquals(meanNll / (n - 1), heads.outcome().loss(), INFERENCE_TOLERANCE, design + " heads loss");
        close(decode[n - 1], heads.outcome().lastLogits(), INFERENCE_TOLERANCE, design + " heads last logits");

        if (trained == null) return;
        if (design == Design.MOE_RANDOM) {
            // the trainer draws random experts from its own per-step generator: only the inference paths compare
            return;
        }
        trained.setRouting(null, 0);
        float[] mine = trained.logits(tokens);
        for (int pos = 0; pos < n; pos++) {
            close(decode[pos], Arrays.copyOfRange(mine, pos * vocab, (pos + 1) * vocab), TRAINER_TOLERANCE,
                    design + " trainer at " + pos);
        }
        if (design == Design.RANDOM_ROUTING) {
            // a path skipping layer 0: the trainer's row skip and the inference skip intervention
            trained.setRouting(new dev.glassbox.engine.routing.Path[] {new dev.glassbox.engine.routing.Path(new boolean[] {false, true})}, 0);
            float[] skipped = trained.logits(tokens);
            trained.setRouting(null, 0);
            DecoderSession s = model.newSession(Capture.none(2), new Intervention() {
                @Override
                public boolean skipLayer(int layer, int position) { return layer == 0; }
            });
            float[][] inference = decode(s, tokens);
            double moved = 0;
            for (int pos = 0; pos < n; pos++) {
                close(inference[pos], Arrays.copyOfRange(skipped, pos * vocab, (pos + 1) * vocab), TRAINER_TOLERANCE,
                        design + " skipping layer 0 at " + pos);
                moved = Math.max(moved, Math.abs(inference[pos][0] - decode[pos][0]));
            }
            assertTrue(moved > 1e-3, "skipping a layer changes the logits");
        }
    }

    private static float[][] decode(DecoderSession s, int[] tokens) {
        float[][] out = new float[tokens.length][];
        for (int pos = 0; pos < tokens.length; pos++) out[pos] = s.forward(tokens[pos], pos).clone();
        return out;
    }

    private static float[] nll(float[][] logits, int[] tokens) {
        float[] out = new float[tokens.length - 1];
        for (int t = 0; t < out.length; t++) out[t] = (float) -Softmax.logProb(logits[t], tokens[t + 1]);
        return out;
    }

    /**
     * Within {@link #INFERENCE_TOLERANCE} of the tensor's largest magnitude: a matrix product sums in another order
     * than a matrix-vector product, so a value near zero inherits the rounding of its large neighbours.
     */
    private static void closeToScale(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what + ": length");
        double scale = 1;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= INFERENCE_TOLERANCE * scale,
                    what + ", value " + i + ": expected " + expected[i] + ", got " + got[i] + " (scale " + scale + ")");
        }
    }

    private static void close(float[] expected, float[] got, double tolerance, String what) {
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
                    what + ", value " + i + ": expected " + expected[i] + ", got " + got[i]);
        }
    }
}
