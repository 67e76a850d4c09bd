package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.Llama2cFormat;
import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.tensor.Parallel;

/**
 * A head ablation's whole-sequence resume over more positions than one of its blocks (64 rows on a small vocabulary:
 * 100 positions are a whole block and a part one, each row's logits kept until its block ends) gives the
 * token-by-token resume's numbers for every head, zero and mean ablation.
 */
class ResumeBlocksTest {

    @Test
    void aResumeOverSeveralBlocksGivesTheTokenByTokenNumbers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.bin");
        Llama2cWriter.writeRandom(Llama2cWriter.Shape.TINY, 7, file); // context 128, vocabulary 512
        LlamaModel model = Llama2cFormat.load(file, Parallel.SERIAL);
        Random r = new Random(5);
        int[] tokens = new int[100];
        for (int t = 0; t < tokens.length; t++) {
            tokens[t] = 1 + r.nextInt(model.config().vocabSize() - 1);
        }
        CapturedRun clean = CapturedRun.of(model, tokens);
        float[][][] means = HeadAblation.meanOutputs(clean);
        for (HeadAblation.Mode mode : HeadAblation.Mode.values()) {
            List<HeadAblation.Effect> all = HeadAblation.allHeads(model, clean, mode, means, 3, Parallel.SERIAL);
            assertEquals(model.config().layers() * model.config().heads(), all.size());
            for (HeadAblation.Effect e : all) {
                HeadAblation.Effect one = HeadAblation.ablateFrom(model, clean, e.layer(), e.head(),
                        HeadAblation.replacement(mode, means, e.layer(), e.head(), model.config().headDim()),
                        Intervention.NONE, 3);
                // float32 logits summed in another order (matrix-vector against batched products): relative 1e-5
                assertEquals(one.loss(), e.loss(), 1e-5 * Math.max(1, one.loss()), mode + " " + e.layer() + "." + e.head());
                assertEquals(one.klLast(), e.klLast(), 1e-5 * Math.max(1, one.klLast()), mode + " " + e.layer() + "." + e.head());
                assertArrayEquals(one.topAfter(), e.topAfter(), mode + " " + e.layer() + "." + e.head());
            }
        }
    }
}
