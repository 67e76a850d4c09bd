package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.Llama2cFormat;
import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.tensor.Parallel;

/**
 * Cancel inside a block of positions (issue #23, measured by CancelLatencyBenchmark on the stories110M shape): a whole
 * block of every layer and the unembedding took 0.2-0.35 s of one thread there, so a block checks Cancel before each
 * layer and before its unembedding, and stops there: at most one layer of the block is computed after a Cancel.
 */
class BlockCancelTest {

    private static LlamaModel model(Path dir) throws Exception {
        Path file = dir.resolve("tiny.bin");
        Llama2cWriter.writeRandom(Llama2cWriter.Shape.TINY, 3, file);
        return Llama2cFormat.load(file, Parallel.SERIAL);
    }

    /** A head ablation's resume from layer 0 over {@code n} positions (inputs random: only the checks matter). */
    private static LlamaForward.Resumed resume(LlamaModel m, int n, java.util.function.BooleanSupplier cancelled) {
        ModelConfig c = m.config();
        Random r = new Random(1);
        int[] tokens = new int[n];
        float[][] residual = new float[n][c.dim()];
        float[][] heads = new float[n][c.qDim()];
        for (int t = 0; t < n; t++) {
            tokens[t] = 1 + r.nextInt(c.vocabSize() - 1);
            for (int i = 0; i < c.dim(); i++) residual[t][i] = (float) r.nextGaussian();
            for (int i = 0; i < c.qDim(); i++) heads[t][i] = (float) r.nextGaussian();
        }
        return m.resumeFromHeads(0, tokens, residual, heads, Intervention.NONE, cancelled);
    }

    @Test
    void aResumedBlockChecksCancelBeforeEachLaterLayerAndItsUnembedding(@TempDir Path dir) throws Exception {
        LlamaModel m = model(dir);
        int layers = m.config().layers();
        AtomicInteger checks = new AtomicInteger();
        resume(m, 20, () -> {
            checks.incrementAndGet();
            return false;
        }).logitsAt(0);
        assertEquals(1 + (layers - 1) + 1, checks.get(), "before the block, before each later layer, before the unembedding");
    }

    @Test
    void aGenerationsPromptBlockChecksCancelBeforeEachLayer(@TempDir Path dir) throws Exception {
        LlamaModel m = model(dir);
        int layers = m.config().layers();
        int[] prompt = new int[40];
        for (int i = 0; i < prompt.length; i++) prompt[i] = 1 + i % 300;
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger checksAtFirstStep = new AtomicInteger(-1);
        Generation.run(m.newSession(dev.glassbox.engine.trace.Capture.none(layers)), null, prompt,
                new Generation.Settings(1, 0f, 1f, 0, 1, false), step -> checksAtFirstStep.compareAndSet(-1, checks.get()),
                Generation.TokenListener.NONE, () -> {
                    checks.incrementAndGet();
                    return false;
                });
        // before the block, before each later layer, before the unembedding, then the first step's own check
        assertEquals(1 + (layers - 1) + 1 + 1, checksAtFirstStep.get());

        // Cancel while the first layer of the first block runs: no position is delivered, nothing after it computed
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger steps = new AtomicInteger();
        Generation.Result r = Generation.run(m.newSession(dev.glassbox.engine.trace.Capture.none(layers)), null, prompt,
                new Generation.Settings(5, 0f, 1f, 0, 1, false), step -> steps.incrementAndGet(),
                Generation.TokenListener.NONE, () -> asked.incrementAndGet() >= 2);
        assertEquals(Generation.StopReason.CANCELLED, r.stop());
        assertEquals(0, steps.get());
        assertEquals(2, asked.get(), "stopped at the first check after the Cancel");
    }

    @Test
    void aCancelInsideABlockStopsBeforeTheNextLayer(@TempDir Path dir) throws Exception {
        LlamaModel m = model(dir);
        AtomicInteger asked = new AtomicInteger();
        // Cancel comes while layer 0 of the block runs: the check before layer 1 sees it
        LlamaForward.Resumed r = resume(m, 20, () -> asked.incrementAndGet() >= 2);
        assertThrows(CancellationException.class, () -> r.logitsAt(0));
        assertEquals(2, asked.get(), "stopped at the first check after the Cancel");
    }
}
