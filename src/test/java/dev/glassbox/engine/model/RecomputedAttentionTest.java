package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.AttentionThumbnails;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.CharTokenizer;
import dev.glassbox.engine.train.Checkpoint;
import dev.glassbox.engine.train.ContextTraining;
import dev.glassbox.engine.train.ModelShape;
import dev.glassbox.engine.train.Param;
import dev.glassbox.engine.train.RoutingDesign;
import dev.glassbox.engine.train.TrainableLlama;
import dev.glassbox.testing.TinyModels;

/**
 * Patterns kept as queries and scored again ({@link RecomputedAttention}) equal the rows the forward captured, for
 * every position design a causal decoder has (rotary with grouped-query heads and Qwen2 biases, Transformer-XL
 * relative, GPT-2's learned positions, a mixture of experts), batched or token by token; the store's bytes grow with
 * n, not n².
 */
class RecomputedAttentionTest {
    private static final String TEXT = "Once upon a time, Tom saw a big red ball and ran to it.";
    private static final String PATTERNS = "blocks.*.attn.pattern";
    /**
     * Two separate runs are compared: the Vector API's interpreted fallback and its compiled intrinsics may round a
     * dot product differently (seen: 1.2e-6), so "equal" is within float tolerance, as in ForwardParityMatrixTest.
     */
    private static final double TOLERANCE = 1e-5;

    @Test
    void rotaryGroupedQueryHeadsWithBiases() {
        LlamaModel m = TinyModels.random(Architecture.QWEN2, RopeStyle.HALF, 32, 64, 2, 4, 2, 40, 7, DType.F32, DType.Q8_0);
        assertSame(m, tokens(40, 37), true);
        assertSame(m, tokens(40, 37), false);
    }

    @Test
    void transformerXlRelativePositions(@TempDir Path tmp) throws Exception {
        DecoderModel m = trained(tmp, BlockDesign.LLAMA_XL_RELATIVE, RoutingDesign.DENSE);
        assertInstanceOf(LlamaModel.class, m);
        assertTrue(((LlamaModel) m).relative() != null, "the model has relative positions");
        assertSame(m, tokens(m.config().vocabSize(), 30), true);
        assertSame(m, tokens(m.config().vocabSize(), 30), false);
    }

    @Test
    void gpt2LearnedPositions(@TempDir Path tmp) throws Exception {
        DecoderModel m = trained(tmp, BlockDesign.GPT2, RoutingDesign.DENSE);
        assertInstanceOf(Gpt2Model.class, m);
        assertSame(m, tokens(m.config().vocabSize(), 30), false);
    }

    @Test
    void mixtureOfExperts(@TempDir Path tmp) throws Exception {
        DecoderModel m = trained(tmp, BlockDesign.LLAMA, RoutingDesign.experts(4, 2, ExpertRouter.Kind.TOPK, 0.01f));
        assertSame(m, tokens(m.config().vocabSize(), 30), true);
    }

    @Test
    void storeBytesGrowWithPositionsNotTheirSquare() {
        LlamaModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 48, 2, 4, 2, 40, 3, DType.F32);
        ModelConfig c = m.config();
        int n = 600; // past the thumbnails' 256 tiles a side: they stay 256 x 256
        Capture cap = new Capture(HookSelection.of(PATTERNS), c.layers()).storingPatterns();
        DecoderSession s = m.newSession(cap, Intervention.NONE, n);
        s.prefill(tokens(40, n), 0);
        AttentionStore store = cap.attention().orElseThrow();
        assertEquals(n, store.length());
        // queries (layers x n x qDim), the keys and values kept alive (layers x n x 2 kvDim), the thumbnails
        long designed = 4L * c.layers() * n * (c.qDim() + 2L * c.kvDim())
                + 4L * c.layers() * c.heads() * AttentionThumbnails.MAX_SIDE * AttentionThumbnails.MAX_SIDE;
        assertTrue(store.bytes() <= designed, store.bytes() + " bytes, designed at most " + designed);
        long rows = 4L * c.layers() * c.heads() * n * (n + 1) / 2; // what [heads, pos + 1] rows per step held
        assertTrue(store.bytes() < rows, store.bytes() + " bytes is not below the rows' " + rows);
        AttentionThumbnails.Thumbnail t = store.thumbnail(1, 2, n);
        assertEquals(4, t.cell(), "600 positions in at most 256 tiles: 4 positions a tile");
        assertEquals(150, t.tiles().length);
        // a tile is the mean of its 4 x 4 positions of the recomputed pattern (zeros above the diagonal)
        float[][] p = store.head(1, 2, n);
        for (int i : new int[] {0, 7, 149}) {
            for (int j : new int[] {0, i / 2, i}) {
                double sum = 0;
                for (int q = 4 * i; q < 4 * i + 4; q++) {
                    for (int k = 4 * j; k < 4 * j + 4 && k <= q; k++) sum += p[q][k];
                }
                assertEquals(sum / 16, t.tiles()[i][j], 1e-5, "tile " + i + "," + j);
            }
        }
    }

    /** A layer skipped at a position (random routing) has no row there: zeros in the store, the rest as captured. */
    @Test
    void skippedLayersLeaveRowsOfZeros() {
        LlamaModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 64, 2, 4, 2, 40, 3, DType.F32);
        int n = 12;
        Intervention skipOddAndLast = new Intervention() {
            @Override
            public boolean skipsLayers() { return true; }

            @Override
            public boolean skipLayer(int layer, int position) { return layer == 1 && (position % 2 == 1 || position == n - 1); }
        };
        int[] tokens = tokens(40, n);
        Capture rows = new Capture(HookSelection.of(PATTERNS), 2);
        Capture stored = new Capture(HookSelection.of(PATTERNS), 2).storingPatterns();
        DecoderSession a = m.newSession(rows, skipOddAndLast);
        DecoderSession b = m.newSession(stored, skipOddAndLast);
        List<float[]> captured = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.forward(tokens[i], i);
            b.forward(tokens[i], i);
            var step = a.drainCaptured().get(dev.glassbox.engine.trace.HookName.of(
                    dev.glassbox.engine.trace.HookPoint.ATTN_PATTERN, 1));
            captured.add(step == null ? null : step.values());
            b.drainCaptured();
        }
        AttentionStore store = stored.attention().orElseThrow();
        assertEquals(n, store.length(), "every position ran layer 0");
        for (int h = 0; h < 4; h++) {
            float[][] p = store.head(1, h, n);
            for (int q = 0; q < n; q++) {
                float[] want = captured.get(q);
                for (int k = 0; k <= q; k++) {
                    assertEquals(want == null ? 0f : want[h * (q + 1) + k], p[q][k], TOLERANCE, "H" + h + " query " + q + " key " + k);
                }
            }
        }
    }

    /** Patterns through the store equal the captured rows; below 256 positions, so do the thumbnails. */
    private static void assertSame(DecoderModel m, int[] tokens, boolean batched) {
        int layers = m.config().layers();
        Trace rows = run(m, tokens, new Capture(HookSelection.of(PATTERNS), layers), batched);
        Capture cap = new Capture(HookSelection.of(PATTERNS), layers).storingPatterns();
        Trace stored = run(m, tokens, cap, batched);
        AttentionStore store = stored.attentionStore().orElseThrow(() -> new AssertionError("no store was attached"));
        assertEquals(rows.hooks(), stored.hooks(), "the same pattern hooks");
        assertTrue(stored.steps().stream().allMatch(s -> s.tensors().isEmpty()), "no step keeps pattern rows");
        for (int l = 0; l < layers; l++) {
            float[][][] want = rows.attentionPattern(l).orElseThrow();
            float[][][] got = stored.attentionPattern(l).orElseThrow();
            assertEquals(want.length, got.length);
            for (int h = 0; h < want.length; h++) {
                AttentionThumbnails.Thumbnail t = store.thumbnail(l, h, tokens.length);
                assertTrue(t.exact(), "one position a tile below 256 positions");
                for (int q = 0; q < tokens.length; q++) {
                    for (int k = 0; k < tokens.length; k++) {
                        assertEquals(want[h][q][k], got[h][q][k], TOLERANCE, "L" + l + "H" + h + " query " + q + " key " + k);
                        if (k <= q) assertEquals(want[h][q][k], t.tiles()[q][k], TOLERANCE, "thumbnail L" + l + "H" + h);
                    }
                }
            }
            float[][] mean = store.layerThumbnails(l, tokens.length).mean();
            for (int q = 0; q < tokens.length; q++) {
                double sum = 0;
                for (float[][] head : want) sum += head[q][q / 2];
                assertEquals(sum / want.length, mean[q][q / 2], TOLERANCE, "mean thumbnail L" + l);
            }
        }
    }

    private static Trace run(DecoderModel m, int[] tokens, Capture cap, boolean batched) {
        DecoderSession s = m.newSession(cap, Intervention.NONE);
        List<TraceStep> steps = new ArrayList<>();
        if (batched) {
            s.prefill(tokens, 0, (pos, token, captured) -> steps.add(new TraceStep(pos, token, false, captured)));
        } else {
            for (int i = 0; i < tokens.length; i++) {
                s.forward(tokens[i], i);
                steps.add(new TraceStep(i, tokens[i], false, s.drainCaptured()));
            }
        }
        return Trace.of(steps, cap.attention().orElse(null));
    }

    private static int[] tokens(int vocab, int n) {
        Random r = new Random(n);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    /** A trainer-built model written as a checkpoint and loaded by the engine, weights widened so patterns are sharp. */
    private static DecoderModel trained(Path dir, BlockDesign design, RoutingDesign routing) throws Exception {
        CharTokenizer tok = CharTokenizer.of(TEXT);
        ModelShape s = new ModelShape(tok.vocabSize(), 16, 24, 2, 4, design.equals(BlockDesign.GPT2) ? 4 : 2, 48,
                false, design.equals(BlockDesign.GPT2), 1e-5f, 10000f, design, routing, ContextTraining.FULL);
        TrainableLlama model = new TrainableLlama(s, Parallel.SERIAL);
        Random r = new Random(5);
        for (Param p : model.params()) {
            float[] w = p.value();
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (p.isMatrix() ? r.nextGaussian() * 0.5 : (p.name().endsWith(".bias") ? 0 : 1) + r.nextGaussian() * 0.2);
            }
        }
        Checkpoint.write(dir, model, tok, null, Map.of());
        return ModelLoader.load(dir, null).decoder();
    }
}
