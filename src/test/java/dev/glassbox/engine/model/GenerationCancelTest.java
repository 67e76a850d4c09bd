package dev.glassbox.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.Llama2cFormat;
import dev.glassbox.engine.format.Llama2cWriter;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.TraceListener;

/**
 * Stop during a generation (issue #23): the engine stops within one prefill block of the prompt, or one token of
 * the generation, counted on the positions the session is asked to compute.
 */
class GenerationCancelTest {

    /** A session that counts the positions it is asked to compute. */
    private record Counting(DecoderSession inner, AtomicInteger positions) implements DecoderSession {
        @Override
        public float[] forward(int token, int position) {
            positions.incrementAndGet();
            return inner.forward(token, position);
        }

        @Override
        public float[] prefill(int[] tokens, int startPosition, StepSink steps) {
            positions.addAndGet(tokens.length);
            return inner.prefill(tokens, startPosition, steps);
        }

        @Override
        public int prefillBlock() { return inner.prefillBlock(); }

        @Override
        public Map<HookName, Captured> drainCaptured() { return inner.drainCaptured(); }

        @Override
        public int capacity() { return inner.capacity(); }
    }

    private static LlamaModel model(Path dir) throws Exception {
        Path file = dir.resolve("tiny.bin");
        // the tiny shape with room for four plain prefill blocks and the generated tokens
        Llama2cWriter.writeRandom(new Llama2cWriter.Shape("tiny", 64, 172, 2, 4, 4, 512, 640), 3, file);
        return Llama2cFormat.load(file, Parallel.SERIAL);
    }

    @Test
    void stopDuringThePromptEndsWithinOnePrefillBlock(@TempDir Path dir) throws Exception {
        LlamaModel m = model(dir);
        AtomicInteger positions = new AtomicInteger();
        DecoderSession s = new Counting(m.newSession(Capture.none(m.config().layers())), positions);
        int block = s.prefillBlock();
        int[] prompt = new int[4 * block - 8]; // three blocks and most of a fourth before the last prompt token
        for (int i = 0; i < prompt.length; i++) prompt[i] = 1 + i % 500;
        assertTrue(block > 1 && block < prompt.length - 1, "the session batches the prompt, block " + block);
        AtomicBoolean stop = new AtomicBoolean();
        TraceListener stopAtFirst = step -> stop.set(true); // Stop pressed when the first position is shown
        Generation.Result r = Generation.run(s, null, prompt, new Generation.Settings(20, 0f, 1f, 0, 1, false),
                stopAtFirst, Generation.TokenListener.NONE, stop::get);
        assertEquals(Generation.StopReason.CANCELLED, r.stop());
        assertEquals(block, positions.get(), "only the block in progress when Stop came was computed");
    }

    @Test
    void stopDuringGenerationEndsBeforeTheNextToken(@TempDir Path dir) throws Exception {
        LlamaModel m = model(dir);
        int[] prompt = {1, 7, 9};
        AtomicInteger positions = new AtomicInteger();
        DecoderSession s = new Counting(m.newSession(Capture.none(m.config().layers())), positions);
        AtomicInteger seen = new AtomicInteger();
        AtomicInteger computedAtStop = new AtomicInteger(-1);
        AtomicBoolean stop = new AtomicBoolean();
        Generation.Result r = Generation.run(s, null, prompt, new Generation.Settings(50, 0f, 1f, 0, 1, false),
                TraceListener.NONE, (prev, token) -> {
                    if (seen.incrementAndGet() == 5) {
                        computedAtStop.set(positions.get());
                        stop.set(true);
                    }
                }, stop::get);
        assertEquals(Generation.StopReason.CANCELLED, r.stop());
        assertEquals(computedAtStop.get(), positions.get(), "no forward after Stop");
        assertEquals(prompt.length + 5, r.tokens().length);
    }
}
