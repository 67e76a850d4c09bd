package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.TraceListener;

/** The engine threads of a generating run: every core unless one is asked for; one thread generates the same. */
class RunEngineThreadsTest {
    @Test
    void everyCoreUnlessTheSettingAsksForFewer() {
        assertEquals(2, RunEngineThreads.threads(null, 2));
        assertEquals(1, RunEngineThreads.threads("1", 2));
        assertEquals(1, RunEngineThreads.threads(" 1 ", 8));
        assertEquals(2, RunEngineThreads.threads("16", 2), "never more than the cores");
        assertEquals(1, RunEngineThreads.threads("0", 2), "at least one");
        assertEquals(4, RunEngineThreads.threads("one", 4), "not a number: every core");
    }

    @Test
    void oneThreadSharesTheWeightsAndGeneratesTheSameTokens() throws Exception {
        LoadedModel m = ModelLoader.load(Path.of("sample-models/tiny-stories-grammar"), null);
        LlamaModel pooled = (LlamaModel) m.decoder();
        assertSame(pooled, RunEngineThreads.decoder(m, Runtime.getRuntime().availableProcessors()), "every core: the model as loaded");
        DecoderModel one = RunEngineThreads.decoder(m, 1);
        LlamaModel serial = (LlamaModel) one;
        assertEquals(1, serial.parallel().threads());
        assertSame(pooled.weights(), serial.weights(), "the weights are shared, not copied");
        int[] prompt = m.tokenizer().encode("Once upon a time");
        Generation.Settings s = Generation.Settings.greedy(24);
        int[] expected = generate(pooled, m, prompt, s);
        assertArrayEquals(expected, generate(one, m, prompt, s));
    }

    private static int[] generate(DecoderModel d, LoadedModel m, int[] prompt, Generation.Settings s) {
        Capture cap = new Capture(dev.glassbox.engine.trace.HookSelection.of(RunService.HOOKS), m.config().layers()).storingPatterns();
        return Generation.run(d.newSession(cap, dev.glassbox.engine.model.Intervention.NONE), m.tokenizer(), prompt, s,
                TraceListener.NONE, Generation.TokenListener.NONE, () -> false).tokens();
    }
}
