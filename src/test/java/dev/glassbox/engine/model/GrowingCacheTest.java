package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.testing.TinyModels;

/** A default session's key/value cache starts small and doubles as positions arrive, up to the context length. */
class GrowingCacheTest {

    private static LlamaModel withContext(int contextLength) {
        LlamaModel m = TinyModels.random(Architecture.LLAMA, RopeStyle.INTERLEAVED, 32, 48, 2, 4, 2, 40, 3, DType.F32);
        ModelConfig c = m.config();
        ModelConfig longer = new ModelConfig(c.architecture(), c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(),
                c.headDim(), c.vocabSize(), contextLength, c.normEps(), c.ropeTheta(), c.ropeStyle());
        return new LlamaModel(longer, m.weights(), Parallel.SERIAL);
    }

    @Test
    void aGrowingCacheGivesTheLogitsOfOneAllocatedUpFront() {
        int positions = 2 * CachedAttention.INITIAL_CAPACITY + 5; // two growths
        LlamaModel m = withContext(positions + 3);
        DecoderSession growing = m.newSession(Capture.none(2));
        DecoderSession upFront = m.newSession(Capture.none(2), Intervention.NONE, positions + 3);
        assertEquals(positions + 3, growing.capacity(), "capacity is what the session can reach");
        int token = 1;
        for (int pos = 0; pos < positions; pos++) {
            float[] a = growing.forward(token, pos).clone();
            float[] b = upFront.forward(token, pos);
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i], a[i], 1e-5f * (1 + Math.abs(b[i])), "position " + pos + ", logit " + i);
            }
            token = (token * 7 + pos) % m.config().vocabSize();
        }
        int[] tokens = new int[positions];
        for (int pos = 0; pos < positions; pos++) tokens[pos] = (pos * 11 + 3) % m.config().vocabSize();
        float[] batched = m.newSession(Capture.none(2)).prefill(tokens, 0).clone();
        float[] oneByOne = upFrontDecode(m, tokens);
        for (int i = 0; i < batched.length; i++) {
            assertEquals(oneByOne[i], batched[i], 1e-5f * (1 + Math.abs(oneByOne[i])), "prefill across growths, logit " + i);
        }
    }

    private static float[] upFrontDecode(LlamaModel m, int[] tokens) {
        DecoderSession s = m.newSession(Capture.none(2), Intervention.NONE, tokens.length);
        float[] out = null;
        for (int pos = 0; pos < tokens.length; pos++) out = s.forward(tokens[pos], pos);
        return out;
    }

    @Test
    void aHugeContextAllocatesOnlyWhatARunReachesAndRefusesPositionsPastIt() {
        // 4,194,304 positions x 2 layers x 16 kv values x 2 x 4 bytes = 1 GiB if allocated up front
        LlamaModel m = withContext(4_194_304);
        long before = usedHeap();
        DecoderSession s = m.newSession(Capture.none(2));
        for (int pos = 0; pos < 10; pos++) s.forward(pos % 40, pos);
        assertTrue(usedHeap() - before < 256L << 20, "a 10-token run on a 4M-position context allocated "
                + (usedHeap() - before >> 20) + " MB");

        DecoderSession small = withContext(8).newSession(Capture.none(2));
        for (int pos = 0; pos < 8; pos++) small.forward(1, pos);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.forward(1, 8));
        assertTrue(e.getMessage().contains("position 8 outside the cache of 8"), e.getMessage());
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
