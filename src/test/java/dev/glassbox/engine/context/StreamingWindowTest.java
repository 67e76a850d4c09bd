package dev.glassbox.engine.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/**
 * StreamingLLM's key count follows mit-han-lab/streaming-llm: StartRecentKVCache(start_size, recent_size) trims the
 * cache to start + recent entries after each step, and the next query adds its own key.
 */
class StreamingWindowTest {

    /**
     * sinks = 2, W = 3 (cache of 5): query 4 sees the untrimmed 0..4; query 6 sees sinks {0, 1}, the 3 recent
     * earlier tokens {3, 4, 5} and itself; query 7 sees {0, 1}, {4, 5, 6} and 7: 2 + 3 + 1 = 6 keys.
     */
    @Test
    void aQuerySeesTheSinksTheWRecentEarlierTokensAndItself() {
        BitSet[] d = Coverage.direct(new ContextPolicy.StreamingLlm(2, 3), 8);
        assertEquals(bits(0, 1, 2, 3, 4), d[4]);
        assertEquals(bits(0, 1, 2, 3, 4, 5), d[5]);
        assertEquals(bits(0, 1, 3, 4, 5, 6), d[6]);
        assertEquals(bits(0, 1, 4, 5, 6, 7), d[7]);
        assertEquals(6, Cost.of(new ContextPolicy.StreamingLlm(2, 3), 8,
                dev.glassbox.testing.TinyLlama.model(1, 16, 32, 1, 2, 2, 30, 64).config()).peakEntries());
    }

    private static BitSet bits(int... on) {
        BitSet b = new BitSet();
        for (int i : on) b.set(i);
        return b;
    }
}
