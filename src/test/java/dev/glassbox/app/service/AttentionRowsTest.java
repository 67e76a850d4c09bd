package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A run whose patterns went to the store: the maps are the patterns (one position a tile at this length), and a
     * live frame's rows are handed out again as the same arrays, so the grid takes in only the new rows.
     */
    @Test
    void storedRunsGiveTheSameMapsAndReuseFinishedRows() throws Exception {
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(Files.createTempDirectory("glassbox-rows"), 5), null);
        List<TraceStep> steps = new ArrayList<>();
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), TinyLlama2c.LAYERS).storingPatterns();
        Generation.run(m.decoder().newSession(cap), m.tokenizer(), m.tokenizer().encode("the cat sat"),
                new Generation.Settings(8, 0f, 1f, 0, 1, false), steps::add, Generation.TokenListener.NONE, () -> false);
        var store = cap.attention().orElseThrow();
        Trace full = Trace.of(steps, store);
        AttentionRows rows = new AttentionRows(TinyLlama2c.LAYERS);
        rows.update(Trace.of(steps.subList(0, 3), store)); // a live frame part-way
        float[][] early = rows.maps(1).orElseThrow().heads()[0];
        assertEquals(3, early.length);
        rows.update(full);
        AttentionRows.Maps maps = rows.maps(1).orElseThrow();
        assertEquals(1, maps.cell());
        assertTrue(maps.heads()[0].length > 3);
        for (int q = 0; q < 3; q++) assertSame(early[q], maps.heads()[0][q], "row " + q + " is handed out again");
        for (int l = 0; l < TinyLlama2c.LAYERS; l++) {
            float[][][] dense = full.attentionPattern(l).orElseThrow();
            float[][][] got = rows.layer(l).orElseThrow();
            float[][] whole = AttentionAggregates.meanOverHeads(dense);
            float[][] mean = rows.mean(l).orElseThrow();
            for (int h = 0; h < dense.length; h++) {
                for (int q = 0; q < dense[h].length; q++) {
                    for (int k = 0; k <= q; k++) {
                        assertEquals(dense[h][q][k], got[h][q][k], 1e-5f, "l" + l + " h" + h + " q" + q + " k" + k);
                        if (h == 0) assertEquals(whole[q][k], mean[q][k], 1e-5f, "mean l" + l + " q" + q + " k" + k);
                    }
                }
            }
        }
    }

    /** Past 256 positions the grid draws tiles: rows labelled with their positions, no rollout (a product of patterns). */
    @Test
    void longStoredRunsAreDrawnInTiles() {
        var model = dev.glassbox.testing.TinyModels.random(dev.glassbox.engine.model.Architecture.LLAMA,
                dev.glassbox.engine.model.RopeStyle.INTERLEAVED, 32, 64, 2, 4, 2, 40, 3, dev.glassbox.engine.tensor.DType.F32);
        int n = 300;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = (i * 7) % 40;
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), 2).storingPatterns();
        List<TraceStep> steps = new ArrayList<>();
        model.newSession(cap, dev.glassbox.engine.model.Intervention.NONE, n).prefill(tokens, 0,
                (pos, token, captured) -> steps.add(new TraceStep(pos, token, false, captured)));
        GridContent grid = TraceViews.build(Trace.of(steps, cap.attention().orElseThrow()), tokens, null, 2, 4, true);
        assertEquals(2, grid.rows().size(), "two layers and no rollout");
        assertEquals(150, grid.tokenLabels().size(), "300 positions in tiles of 2");
        assertEquals(dev.glassbox.visuals.i18n.I18n.text("grid.tile", "298", "299"), grid.tokenLabels().getLast());
        assertEquals(150, grid.rows().getFirst().cells().getFirst().rows());
        // the range alone (the heat map keeps it whole under axes named as positions)
        assertEquals("298\u2013299", grid.tokenLabels().getLast());
        assertEquals(dev.glassbox.visuals.AttentionMatrix.Axes.TILES, grid.rows().getFirst().cells().getFirst().axes());
    }

    /**
     * Past 256 positions (tiles of 2) a live frame hands out the whole tile rows of the last frame again and makes
     * only the rest (the last tile row of the last frame was partial): the maps equal ones made from scratch.
     */
    @Test
    void tiledLiveFramesReuseWholeTileRowsOnly() {
        var model = dev.glassbox.testing.TinyModels.random(dev.glassbox.engine.model.Architecture.LLAMA,
                dev.glassbox.engine.model.RopeStyle.INTERLEAVED, 32, 64, 2, 4, 2, 40, 3, dev.glassbox.engine.tensor.DType.F32);
        int n = 300;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = (i * 5) % 40;
        Capture cap = new Capture(HookSelection.of("blocks.*.attn.pattern"), 2).storingPatterns();
        List<TraceStep> steps = new ArrayList<>();
        var session = model.newSession(cap, dev.glassbox.engine.model.Intervention.NONE, n);
        session.prefill(java.util.Arrays.copyOf(tokens, 291), 0, (pos, token, captured) -> steps.add(new TraceStep(pos, token, false, captured)));
        var store = cap.attention().orElseThrow();
        AttentionRows rows = new AttentionRows(2);
        rows.update(Trace.of(List.copyOf(steps), store));
        AttentionRows.Maps early = rows.maps(1).orElseThrow();
        assertEquals(2, early.cell());
        assertEquals(146, early.mean().length, "291 positions: 145 whole tiles and a half one");
        session.prefill(java.util.Arrays.copyOfRange(tokens, 291, n), 291, (pos, token, captured) -> steps.add(new TraceStep(pos, token, false, captured)));
        rows.update(Trace.of(steps, store));
        AttentionRows.Maps late = rows.maps(1).orElseThrow();
        var fresh = store.layerThumbnails(1, n);
        assertEquals(150, late.mean().length);
        for (int i = 0; i < late.mean().length; i++) {
            if (i < 145) {
                assertSame(early.mean()[i], late.mean()[i], "whole tile row " + i + " handed out again");
                assertSame(early.heads()[3][i], late.heads()[3][i]);
            } else if (i == 145) {
                assertNotSame(early.mean()[i], late.mean()[i], "the half tile row is made again");
            }
            assertArrayEquals(fresh.mean()[i], late.mean()[i], 1e-6f, "mean row " + i);
            for (int h = 0; h < 4; h++) assertArrayEquals(fresh.heads()[h][i], late.heads()[h][i], 1e-6f, "head " + h + " row " + i);
        }
    }
}
