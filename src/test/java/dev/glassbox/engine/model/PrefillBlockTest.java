package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one rule for a prefill block's tokens: large for plain rows, bounded in bytes, small when rows keep outputs. */
class PrefillBlockTest {

    private static ModelConfig config(int dim, int hidden, int heads, int kvHeads, int vocab) {
        return new ModelConfig(Architecture.QWEN2, dim, hidden, 24, heads, kvHeads, dim / heads, vocab, 4096, 1e-6f,
                1e6f, RopeStyle.HALF);
    }

    @Test
    void plainRowsTakeTheLargeBlockOnSmallModelsAndFewerOnWideOnes() {
        ModelConfig stories110m = config(768, 2048, 12, 12, 32000);
        ModelConfig qwen05b = config(896, 4864, 14, 2, 151936);
        assertEquals(LlamaForward.PLAIN_BLOCK, LlamaForward.blockRows(stories110m, false));
        assertEquals(LlamaForward.PLAIN_BLOCK, LlamaForward.blockRows(qwen05b, false));
        // a 70B-wide layer: 128 rows of its activations would be ~90 MB
        ModelConfig wide = config(8192, 28672, 64, 8, 128256);
        int block = LlamaForward.blockRows(wide, false);
        assertTrue(block >= LlamaForward.OUTPUT_BLOCK && block < LlamaForward.PLAIN_BLOCK && block % 16 == 0,
                "block " + block);
        long bytes = (long) block * Float.BYTES * (2L * 8192 + 8192 + 8192 + 2L * 1024 + 2L * 28672);
        assertTrue(bytes <= LlamaForward.PLAIN_BLOCK_BYTES || block == LlamaForward.OUTPUT_BLOCK, bytes + " bytes");
    }

    @Test
    void rowsThatKeepLogitsOrCapturesTakeTheSmallBlock() {
        ModelConfig qwen05b = config(896, 4864, 14, 2, 151936);
        assertEquals(LlamaForward.OUTPUT_BLOCK, LlamaForward.blockRows(qwen05b, true));
        assertTrue(LlamaForward.OUTPUT_BLOCK < LlamaForward.PLAIN_BLOCK);
    }
}
