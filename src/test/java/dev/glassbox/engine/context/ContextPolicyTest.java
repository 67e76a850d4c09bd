package dev.glassbox.engine.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.model.RopeStyle;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyLlama;

class ContextPolicyTest {

    @Test
    void slidingWindowReachGrowsByWindowPerLayer() {
        int w = 16;
        BitSet[] direct = Coverage.direct(new ContextPolicy.SlidingWindow(w), 400);
        assertEquals(w, direct[300].cardinality());
        assertEquals(300 - w + 1, direct[300].nextSetBit(0));
        for (int layers = 1; layers <= 5; layers++) {
            int[] reach = Coverage.reach(direct, layers);
            // each layer adds W - 1 positions behind the query: L * (W - 1) + 1, i.e. ~ L * W
            assertEquals(layers * (w - 1) + 1, reach[399], "layers " + layers);
        }
    }

    @Test
    void longformerGlobalTokensSeeAndAreSeenByAll() {
        ContextPolicy p = ContextPolicy.parse("longformer:w=4,dilation=2,global=[0;50]", 512);
        BitSet[] d = Coverage.direct(p, 200);
        for (int q = 0; q < 200; q++) {
            if (q >= 50) assertTrue(d[q].get(50), "query " + q + " sees global 50");
            assertTrue(d[q].get(0));
            assertEquals(q, d[q].previousSetBit(q));
        }
        assertEquals(51, d[50].cardinality(), "a global query sees everything before it");
        // dilation 2, window 4: 150, 148, 146, 144 plus the two globals
        BitSet expect = new BitSet();
        expect.set(0);
        expect.set(50);
        for (int j = 0; j < 4; j++) expect.set(150 - 2 * j);
        assertEquals(expect, d[150]);
    }

    @Test
    void transformerXlReachIsLayersTimesSegment() {
        int seg = 32;
        BitSet[] d = Coverage.direct(new ContextPolicy.TransformerXl(seg, seg), 600);
        for (int layers = 1; layers <= 4; layers++) {
            int[][] earliest = Coverage.earliestReachable(d, layers);
            for (int q : new int[] {320, 345, 351}) {
                int segStart = q / seg * seg;
                assertEquals(Math.max(0, segStart - layers * seg), earliest[layers - 1][q], "q " + q + " layers " + layers);
            }
        }
    }

    @Test
    void compressiveMemoryHoldsExactlyTheConfiguredSlots() {
        ContextPolicy.Compressive p = new ContextPolicy.Compressive(16, 8, 4, ContextPolicy.Compressive.Pool.MEAN);
        ContextPolicy.CompressiveMemory m = (ContextPolicy.CompressiveMemory) p.newMemory(1);
        float[] row = {1f, 2f};
        for (int t = 0; t < 1000; t++) {
            m.append(0, t, row, row, row);
            assertTrue(m.compressedSlots(0) <= 8);
        }
        assertEquals(8, m.compressedSlots(0));
        // 1000 = 16 in the FIFO + 984 evicted = 246 full groups of 4, none pending
        assertEquals(16 + 8, m.entries(0));
        Visible v = new Visible();
        m.visible(0, 999, v);
        assertEquals(24, v.count());
        // the compressed slots cover the 8 most recent groups of 4 evicted positions
        assertEquals(983 - 8 * 4 + 1, v.from(0));
        assertEquals(983, v.to(7));
    }

    @Test
    void streamingLlmCacheSizeStaysConstantOver10000Tokens() {
        LlamaModel model = TinyLlama.model(3, 16, 32, 2, 2, 1, 40, 64);
        PolicyRunner runner = new PolicyRunner(model, new ContextPolicy.StreamingLlm(4, 12));
        int[] tokens = new Random(1).ints(10_000, 0, 40).toArray();
        PolicyRunner.Result r = runner.run(tokens, null, () -> false, null);
        // 4 sinks + 12 recent earlier tokens + the query itself, as streaming-llm's StartRecentKVCache(4, 12)
        assertEquals(17, r.peakEntries());
        for (float nll : r.nll()) assertTrue(Float.isFinite(nll));
        BitSet[] d = Coverage.direct(new ContextPolicy.StreamingLlm(4, 12), 10_000);
        assertEquals(17, d[9_999].cardinality());
        assertTrue(d[9_999].get(0) && d[9_999].get(3) && d[9_999].get(9_987) && !d[9_999].get(9_986));
    }

    @Test
    void ropeScalingFrequenciesMatchHandComputedValues() {
        // head dim 8, base 10000, s = 4, trained length 512
        Rope pi = RopeScaling.PI.rope(RopeStyle.HALF, 8, 10000, 4, 512, 2048);
        assertArrayEquals(new float[] {0.25f, 0.025f, 0.0025f, 0.00025f}, pi.invFreq(), 1e-9f);
        Rope ntk = RopeScaling.NTK.rope(RopeStyle.HALF, 8, 10000, 4, 512, 2048);
        // base' = 10000 * 4^(8/6) = 63496.04; f_i = base'^(-i/4)
        assertArrayEquals(new float[] {1f, 0.0629961f, 0.00396850f, 0.00025f}, ntk.invFreq(), 2e-6f);
        Rope yarn = RopeScaling.YARN.rope(RopeStyle.HALF, 8, 10000, 4, 512, 2048);
        // correction range: floor(0.40594) = 0 .. ceil(1.91109) = 2, ramp = i / 2
        assertArrayEquals(new float[] {1f, 0.0625f, 0.0025f, 0.00025f}, yarn.invFreq(), 1e-7f);
        assertEquals(1.1386294f, yarn.attentionFactor(), 1e-6f);
        Rope dynShort = RopeScaling.DYNAMIC_NTK.rope(RopeStyle.HALF, 8, 10000, 4, 512, 300);
        assertArrayEquals(Rope.standard(RopeStyle.HALF, 8, 10000).invFreq(), dynShort.invFreq(), 1e-9f);
        Rope dynLong = RopeScaling.DYNAMIC_NTK.rope(RopeStyle.HALF, 8, 10000, 4, 512, 1024);
        // s' = 4 * 1024 / 512 - 3 = 5: the lowest frequency is interpolated by exactly 5
        assertEquals(0.001f / 5, dynLong.invFreq()[3], 1e-9f);
    }

    @Test
    void rosaNeverSeesTheFutureAndStaysLogarithmic() {
        BitSet[] d = Coverage.direct(new ContextPolicy.Rosa(4), 300);
        ContextMemory m = new ContextPolicy.Rosa(4).newMemory(1);
        Visible v = new Visible();
        float[] row = {0f};
        for (int q = 0; q < 300; q++) {
            assertEquals(q, d[q].length() - 1, "query " + q + " reaches nothing past itself");
            assertEquals(q + 1, d[q].cardinality(), "every earlier position is covered, directly or through a summary");
            m.append(0, q, row, row, row);
            m.visible(0, q, v);
            for (int i = 0; i < v.count(); i++) assertTrue(v.to(i) <= q);
            assertTrue(v.count() <= 4 + 3 * 5, "slots " + v.count() + " at " + q);
        }
    }

    @Test
    void everyPolicyIsCausalOnARealModel() {
        LlamaModel model = TinyLlama.model(5, 16, 32, 2, 4, 2, 30, 64);
        int[] a = new Random(2).ints(90, 0, 30).toArray();
        int[] b = a.clone();
        b[80] = (b[80] + 1) % 30;
        for (String spec : List.of("full", "sliding:W=8", "longformer:w=4,dilation=2,global=[0]", "xl:segment=16,memory=16",
                "compressive:memory=8,compressed=4,rate=2", "compressive:memory=8,compressed=4,rate=2,fn=max",
                "compressive:memory=8,compressed=4,rate=2,fn=most-used", "streaming:sinks=2,W=8", "rosa:B=4",
                "pi:s=2", "ntk:s=2", "dynamic-ntk:s=2", "yarn:s=2", "self-extend:G=4,w=8")) {
            PolicyRunner runner = new PolicyRunner(model, ContextPolicy.parse(spec, 32));
            float[] na = runner.run(a, null, () -> false, null).nll();
            float[] nb = runner.run(b, null, () -> false, null).nll();
            // 1e-6, not 0: the interpreter and the JIT may sum vector lanes in different orders
            for (int t = 0; t < 79; t++) assertEquals(na[t], nb[t], 1e-5f, spec + ": position " + t + " saw the future");
            assertFalse(Math.abs(na[80] - nb[80]) < 1e-4 && Math.abs(na[79] - nb[79]) < 1e-4, spec + ": the change at 80 had no effect");
        }
    }

    @Test
    void fullPolicyMatchesTheModelsOwnDecoder() {
        LlamaModel model = TinyLlama.model(7, 16, 32, 2, 4, 2, 30, 64);
        int[] tokens = new Random(4).ints(40, 0, 30).toArray();
        float[] nll = new PolicyRunner(model, new ContextPolicy.Full()).run(tokens, null, () -> false, null).nll();
        DecoderSession s = model.newSession(Capture.none(2));
        for (int t = 0; t + 1 < tokens.length; t++) {
            float[] logits = s.forward(tokens[t], t);
            assertEquals(-dev.glassbox.engine.tensor.Softmax.logProb(logits, tokens[t + 1]), nll[t], 1e-5);
        }
    }

    @Test
    void slidingWindowWiderThanTheTextEqualsFull() {
        LlamaModel model = TinyLlama.model(8, 16, 32, 2, 4, 2, 30, 64);
        int[] tokens = new Random(6).ints(30, 0, 30).toArray();
        float[] full = new PolicyRunner(model, new ContextPolicy.Full()).run(tokens, null, () -> false, null).nll();
        float[] wide = new PolicyRunner(model, new ContextPolicy.SlidingWindow(64)).run(tokens, null, () -> false, null).nll();
        float[] stream = new PolicyRunner(model, new ContextPolicy.StreamingLlm(4, 60)).run(tokens, null, () -> false, null).nll();
        assertArrayEquals(full, wide, 1e-6f);
        assertArrayEquals(full, stream, 1e-5f);
    }

    @Test
    void costCountsMatchClosedForms() {
        var c = TinyLlama.model(1, 16, 32, 3, 4, 2, 30, 64).config();
        Cost full = Cost.of(new ContextPolicy.Full(), 100, c);
        assertEquals(100L * 101 / 2, full.attendedSlots());
        assertEquals(100L * 3 * 2 * c.kvDim() * 4, full.kvBytes());
        Cost sliding = Cost.of(new ContextPolicy.SlidingWindow(10), 100, c);
        assertEquals(55 + 90L * 10, sliding.attendedSlots());
        assertEquals(10, sliding.peakEntries());
        assertEquals(sliding.attendedSlots() * 4 * c.headDim() * c.heads() * c.layers(), sliding.attentionFlops());
        // XL keeps its memory plus the current segment: at most memory + segment entries, reached at a segment's end
        Cost xl = Cost.of(new ContextPolicy.TransformerXl(16, 8), 100, c);
        assertEquals(8 + 16, xl.peakEntries());
        assertEquals(8 + 14, Cost.of(new ContextPolicy.TransformerXl(16, 8), 30, c).peakEntries(), "memory + 14 of the second segment");
    }

    @Test
    void badSpecsGetClearErrors() {
        assertEquals("'bogus': unknown context method 'bogus'; known: full, sliding, longformer, xl, compressive, streaming, rosa, pi, ntk, dynamic-ntk, yarn, self-extend",
                assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("bogus", 512)).getMessage());
        assertEquals("'sliding:X=3': unknown parameter 'X'; sliding takes W",
                assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("sliding:X=3", 512)).getMessage());
        assertEquals("'sliding:W=0': W must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("sliding:W=0", 512)).getMessage());
        assertEquals("'sliding:W=abc': W must be a whole number, got 'abc'",
                assertThrows(IllegalArgumentException.class, () -> ContextPolicy.parse("sliding:W=abc", 512)).getMessage());
        assertEquals(Set.of(0, 7), ((ContextPolicy.Longformer) ContextPolicy.parse("longformer:global=[0;7]", 512)).globals());
    }
}
