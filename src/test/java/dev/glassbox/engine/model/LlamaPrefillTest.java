package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.Llama2cFormat;
import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.testing.SharedData;

/** Batched prefill must give the logits and the cache that token-by-token forwards give. */
class LlamaPrefillTest {

    /** The tiny test shape with grouped-query attention (2 heads a key) and room for more than two plain blocks. */
    private static final Llama2cWriter.Shape LONG = new Llama2cWriter.Shape("tiny-long", 64, 172, 2, 4, 2, 512, 320);

    @Test
    void batchedPrefillMatchesTokenByTokenOnARandomModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.bin");
        // a wide init makes attention peaked, so a wrong position or cache row changes the logits visibly
        Llama2cWriter.writeRandom(LONG, 3, 0.2, file);
        for (Parallel p : new Parallel[] {Parallel.SERIAL, new Parallel(2)}) {
            compare(Llama2cFormat.load(file, p), 3);
            p.close();
        }
    }

    @Test
    @Tag("shared-data")
    void batchedPrefillMatchesTokenByTokenOnStories260k() throws Exception {
        Path d = SharedData.require("models/stories260K");
        compare((LlamaModel) ModelLoader.load(d.resolve("stories260K.bin"), d.resolve("tok512.bin"),
                Parallel.shared()).model(), 5);
    }

    /**
     * Two full blocks and a tail (not a multiple of the block: the block the plain prefill uses, from the session),
     * once from position 0 and once after a 4-token start.
     */
    private static void compare(LlamaModel m, long seed) {
        int vocab = m.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(seed);
        int block = m.newSession(Capture.none(m.config().layers())).prefillBlock();
        assertTrue(block > 1, "a plain session batches");
        int[] tokens = new int[2 * block + 11];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(vocab);
        }
        for (int start : new int[] {0, 4}) {
            DecoderSession stepwise = m.newSession(Capture.none(m.config().layers()));
            DecoderSession batched = m.newSession(Capture.none(m.config().layers()));
            int[] lead = java.util.Arrays.copyOf(tokens, start);
            int[] rest = java.util.Arrays.copyOfRange(tokens, start, tokens.length);
            for (int i = 0; i < start; i++) {
                stepwise.forward(lead[i], i);
                batched.forward(lead[i], i);
            }
            float[] expected = null;
            for (int i = start; i < tokens.length; i++) {
                expected = stepwise.forward(tokens[i], i);
            }
            expected = expected.clone();
            float[] got = batched.prefill(rest, start).clone();
            assertClose(expected, got, "logits after prefill from " + start);
            // the cache must match too: the next decode step attends over every prefilled position
            int next = tokens[7];
            assertClose(stepwise.forward(next, tokens.length), batched.forward(next, tokens.length),
                    "decode step after prefill from " + start);
        }
    }

    private static void assertClose(float[] a, float[] b, String what) {
        assertEquals(a.length, b.length);
        double spread = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4, what + ", logit " + i);
            spread = Math.max(spread, Math.abs(a[i] - a[0]));
        }
        assertTrue(spread > 1e-3, "logits should differ from each other (degenerate model?)");
    }

    /**
     * With hooks on and a head ablated, prefill batches (replacing a head is the same at every position) and each
     * position's captured step equals the token-by-token one; a layer-skipping intervention (decided per token) runs
     * token by token and still hands every position's step over.
     */
    @Test
    void prefillCapturesEveryPositionWithInterventions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.bin");
        Llama2cWriter.writeRandom(Llama2cWriter.Shape.TINY, 4, 0.2, file);
        LlamaModel m = Llama2cFormat.load(file, Parallel.SERIAL);
        int layers = m.config().layers();
        int[] tokens = new SplittableRandom(9).ints(40, 0, m.config().vocabSize()).toArray();
        float[] zeros = new float[m.config().headDim()];
        Intervention ablate = dev.glassbox.engine.analysis.heads.HeadAblation.replacing(1, 2, zeros);
        Intervention skip = new Intervention() {
            @Override
            public boolean skipLayer(int layer, int position) { return layer == 0 && position % 3 == 0; }
        };
        assertTrue(!ablate.skipsLayers() && skip.skipsLayers(), "an ablation batches, a layer skip runs token by token");
        for (Intervention iv : new Intervention[] {ablate, skip}) {
            HookSelection hooks = HookSelection.of("*");
            DecoderSession stepwise = m.newSession(new Capture(hooks, layers), iv);
            DecoderSession batched = m.newSession(new Capture(hooks, layers), iv);
            java.util.List<java.util.Map<HookName, Captured>> steps = new java.util.ArrayList<>();
            float[] last = batched.prefill(tokens, 0, (pos, token, captured) -> {
                assertEquals(steps.size(), pos, "steps arrive in position order");
                assertEquals(tokens[pos], token);
                steps.add(captured);
            }).clone();
            assertEquals(tokens.length, steps.size());
            float[] expected = null;
            for (int pos = 0; pos < tokens.length; pos++) {
                expected = stepwise.forward(tokens[pos], pos);
                java.util.Map<HookName, Captured> want = stepwise.drainCaptured();
                assertEquals(new java.util.TreeSet<>(want.keySet()), new java.util.TreeSet<>(steps.get(pos).keySet()));
                for (var e : want.entrySet()) {
                    float[] a = e.getValue().values();
                    float[] b = steps.get(pos).get(e.getKey()).values();
                    assertEquals(java.util.Arrays.toString(e.getValue().shape()),
                            java.util.Arrays.toString(steps.get(pos).get(e.getKey()).shape()), e.getKey() + " shape");
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-4 * Math.max(1, Math.abs(a[i])), e.getKey() + " at " + pos + ", value " + i);
                    }
                }
            }
            assertClose(expected, last, "logits after prefill with " + (iv == skip ? "layer skipping" : "a head ablated"));
        }
    }
}
