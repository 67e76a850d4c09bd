package dev.glassbox.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Architecture;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.trace.Capture;

/** make-random's GGUF shapes: the published numbers, and a written file that loads back as the model it was drawn as. */
class RandomGgufTest {

    @Test
    void namedShapesCarryThePublishedConfigs() {
        RandomGguf.Shape q = RandomGguf.Shape.named("Qwen2.5-0.5B");
        assertSame(RandomGguf.Shape.QWEN2_5_0_5B, q);
        ModelConfig c = q.config();
        assertArrayEquals(new int[] {24, 896, 14, 2, 4864, 151936, 64}, new int[] {c.layers(), c.dim(), c.heads(),
                c.kvHeads(), c.hiddenDim(), c.vocabSize(), c.headDim()});
        ModelConfig t = RandomGguf.Shape.named("tinyllama-1.1b").config();
        assertArrayEquals(new int[] {22, 2048, 32, 4, 5632, 32000, 64}, new int[] {t.layers(), t.dim(), t.heads(),
                t.kvHeads(), t.hiddenDim(), t.vocabSize(), t.headDim()});
        assertNull(RandomGguf.Shape.named("stories15M"), "llama2.c shapes are Llama2cWriter's");
    }

    @Test
    void aWrittenFileLoadsBackAsTheSameQ8Model(@TempDir Path dir) throws Exception {
        for (boolean qwen : new boolean[] {true, false}) {
            RandomGguf.Shape s = new RandomGguf.Shape("small", qwen ? Architecture.QWEN2 : Architecture.LLAMA, 64, 96, 2,
                    4, 2, 128, 64, qwen, qwen ? 1e6f : 1e4f, 1e-6f);
            Path file = dir.resolve(qwen + ".gguf");
            RandomGguf.write(s, 7, file);
            LlamaModel drawn = RandomGguf.model(s, 7);
            LoadedModel loaded = ModelLoader.load(file, null);
            LlamaModel back = (LlamaModel) loaded.model();
            assertEquals(drawn.config(), back.config());
            assertEquals(DType.Q8_0, back.weights().layers()[0].wq().dtype());
            assertEquals(qwen, back.weights().layers()[0].bq() != null, "q/k/v biases for qwen2 only");
            int[] tokens = {1, 5, 9, 77, 127};
            float[] want = drawn.newSession(Capture.none(2)).prefill(tokens, 0).clone();
            float[] got = back.newSession(Capture.none(2)).prefill(tokens, 0);
            assertArrayEquals(want, got, 1e-5f, "logits of the loaded file");
        }
    }
}
