package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.AttentionAggregates;

class AttentionRowsTest {

    @Test
    void incrementalRowsEqualTheTracesAssembledPattern() throws Exception {
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(Files.createTempDirectory("glassbox-rows"), 5), null);
        List<TraceStep> steps = new ArrayList<>();
        Generation.run(m.decoder().newSession(new Capture(HookSelection.of("blocks.*.attn.pattern"), TinyLlama2c.LAYERS)),
                m.tokenizer(), m.tokenizer().encode("the cat sat"), new Generation.Settings(8, 0f, 1f, 0, 1, false),
                steps::add, Generation.TokenListener.NONE, () -> false);
        Trace full = Trace.of(steps);
        AttentionRows rows = new AttentionRows(TinyLlama2c.LAYERS);
        rows.update(Trace.of(steps.subList(0, 3))); // a live frame part-way
        rows.update(full);
        for (int l = 0; l < TinyLlama2c.LAYERS; l++) {
            float[][][] dense = full.attentionPattern(l).orElseThrow();
            float[][][] ragged = rows.layer(l).orElseThrow();
            assertEquals(dense.length, ragged.length);
            for (int h = 0; h < dense.length; h++) {
                assertEquals(dense[h].length, ragged[h].length, "one row per position");
                for (int q = 0; q < dense[h].length; q++) {
                    assertEquals(q + 1, ragged[h][q].length, "causal row " + q + " holds keys 0..q");
                    for (int k = 0; k < dense[h][q].length; k++) {
                        assertEquals(dense[h][q][k], k <= q ? ragged[h][q][k] : 0f, "l" + l + " h" + h + " q" + q + " k" + k);
                    }
                }
            }
            float[][] mean = rows.mean(l).orElseThrow();
            float[][] whole = AttentionAggregates.meanOverHeads(ragged);
            assertEquals(whole.length, mean.length, "the mean kept row by row has every position");
            for (int q = 0; q < whole.length; q++) {
                assertArrayEquals(whole[q], mean[q], "l" + l + " q" + q + ": the mean of the live frames is the whole run's");
            }
        }
    }
}
