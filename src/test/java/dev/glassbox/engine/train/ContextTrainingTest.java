package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.context.ContextPolicy;
import dev.glassbox.engine.context.Coverage;
import dev.glassbox.engine.tensor.Parallel;

/** Context methods at training time: masks equal the context lab's coverage, gradients equal finite differences. */
class ContextTrainingTest {

    private static final String[] TRAINABLE = {"sliding:W=3", "longformer:w=2,dilation=2,global=[0;5]",
            "xl:segment=4,memory=3", "compressive:memory=3,compressed=2,rate=2", "rosa:B=2"};

    /** The source positions query t reaches directly under the training mask. */
    private static BitSet reached(AttentionMask m, int t) {
        BitSet b = new BitSet();
        for (int c = 0; c < m.columns(); c++) {
            if (!m.visible[t * m.columns() + c]) continue;
            if (c < m.seq) b.set(c);
            else b.set(m.slotFrom[c - m.seq], m.slotTo[c - m.seq] + 1);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sliding:W=3", "longformer:w=2,dilation=2,global=[0;5]", "xl:segment=4,memory=3",
            "compressive:memory=3,compressed=2,rate=2", "rosa:B=2", "rosa:B=3"})
    void trainingMaskCoversExactlyWhatTheContextLabCovers(String spec) {
        int seq = 24;
        AttentionMask m = AttentionMask.of(ContextTraining.parse(spec, seq), seq);
        BitSet[] lab = Coverage.direct(ContextPolicy.parse(spec, seq), seq);
        for (int t = 0; t < seq; t++) {
            assertEquals(lab[t], reached(m, t), spec + " query " + t);
            assertTrue(reached(m, t).length() <= t + 1, spec + ": query " + t + " sees the future");
        }
    }

    @Test
    void masksFollowTheirPapersRules() {
        int seq = 20;
        AttentionMask sliding = AttentionMask.of(ContextTraining.parse("sliding:W=3", seq), seq);
        AttentionMask xl = AttentionMask.of(ContextTraining.parse("xl:segment=4,memory=4", seq), seq);
        AttentionMask lf = AttentionMask.of(ContextTraining.parse("longformer:w=2,global=[0;5]", seq), seq);
        for (int t = 0; t < seq; t++) {
            for (int s = 0; s < seq; s++) {
                assertEquals(s <= t && s > t - 3, sliding.visible[t * seq + s], "sliding " + t + "," + s);
                int start = t / 4 * 4;
                assertEquals(s <= t && s >= start - 4, xl.visible[t * seq + s], "xl " + t + "," + s);
                // stop-gradient exactly on the previous segment's memory
                assertEquals(s <= t && s >= start - 4 && s < start, xl.detached[t * seq + s], "xl SG " + t + "," + s);
                boolean global = s == 0 || s == 5 || t == 0 || t == 5;
                assertEquals(s <= t && (global || s >= t - 1), lf.visible[t * seq + s], "longformer " + t + "," + s);
            }
        }
        assertNull(sliding.detached, "a sliding window trains every edge");
        assertNull(AttentionMask.of(ContextTraining.FULL, seq), "full attention keeps the dense path");
    }

    @Test
    void rosaSlotsAreCompletedBlocksOnly() {
        int seq = 27;
        AttentionMask m = AttentionMask.of(ContextTraining.parse("rosa:B=3", seq), seq);
        assertTrue(m.slots > 0);
        for (int c = 0; c < m.slots; c++) {
            int len = m.slotTo[c] - m.slotFrom[c] + 1;
            assertTrue(len == 3 || len == 9, "slot spans a block of B or B^2, got " + len);
            assertEquals(0, m.slotFrom[c] % len, "slots are aligned blocks");
            for (int t = 0; t < seq; t++) {
                if (m.visible[t * m.columns() + seq + c]) {
                    assertTrue(m.slotTo[c] < t / 3 * 3, "query " + t + " sees an incomplete or own block");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sliding:W=3", "longformer:w=2,dilation=2,global=[0;5]", "xl:segment=4,memory=3",
            "compressive:memory=3,compressed=2,rate=2", "rosa:B=2"})
    void maskedAttentionGradientsMatchFiniteDifferences(String spec) {
        int batch = 2, seq = 9, heads = 2, kvHeads = 1, hd = 4;
        AttentionMask m = AttentionMask.of(ContextTraining.parse(spec, seq), seq);
        Random r = new Random(3);
        float[] q = GradCheck.randn(r, batch * seq * heads * hd, 1);
        float[] k = GradCheck.randn(r, batch * seq * kvHeads * hd, 1);
        float[] v = GradCheck.randn(r, batch * seq * kvHeads * hd, 1);
        float[] w = GradCheck.randn(r, q.length, 1);
        float[] out = new float[q.length];
        float[] att = new float[batch * heads * seq * seq];
        float[] attSlots = new float[batch * heads * seq * m.slots];
        java.util.function.DoubleSupplier loss = () -> {
            MaskedAttention.forward(out, att, attSlots, q, k, v, m, batch, heads, kvHeads, hd, Parallel.SERIAL);
            return GradCheck.weighted(out, w);
        };
        loss.getAsDouble();
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        float[] dkCut = new float[k.length], dvCut = new float[v.length];
        MaskedAttention.backward(dq, dk, dv, dkCut, dvCut, w, att, attSlots, q, k, v, m, batch, heads, kvHeads, hd,
                Parallel.SERIAL);
        // the detached share is still part of d loss / d k: only where it flows next differs
        for (int i = 0; i < dk.length; i++) {
            dk[i] += dkCut[i];
            dv[i] += dvCut[i];
        }
        assertTrue(GradCheck.relativeError(dq, GradCheck.numeric(q, loss)) < GradCheck.TOLERANCE, spec + " dq");
        assertTrue(GradCheck.relativeError(dk, GradCheck.numeric(k, loss)) < GradCheck.TOLERANCE, spec + " dk");
        assertTrue(GradCheck.relativeError(dv, GradCheck.numeric(v, loss)) < GradCheck.TOLERANCE, spec + " dv");
        boolean anyCut = false;
        for (float g : dkCut) anyCut |= g != 0;
        assertEquals(m.detached != null, anyCut, spec + ": detached gradient present exactly for memory methods");
    }

    private static TrainableLlama randomModel(ModelShape s, Parallel par, long seed) {
        TrainableLlama m = new TrainableLlama(s, par);
        GradCheck.enlarge(m.params(), new Random(seed));
        return m;
    }

    private static ModelShape shape(String spec, int layers, int seq) {
        return ContextTraining.parse(spec, seq).applyTo(new ModelShape(11, 8, 12, layers, 2, 1, seq, false, true, 1e-5f, 10000f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sliding:W=3", "longformer:w=2,dilation=2,global=[0;5]", "rosa:B=2"})
    void everyParameterGradientMatchesFiniteDifferences(String spec) {
        checkModel(spec, 2, false);
    }

    /**
     * With stop-gradient memory the loss's full derivative also flows through the memory's hidden states, which
     * SG(m) cuts. In one layer those states are the embeddings, so every other parameter must match finite
     * differences exactly, and the embedding must not (the cut path is real).
     */
    @ParameterizedTest
    @ValueSource(strings = {"xl:segment=3,memory=3", "compressive:memory=3,compressed=2,rate=2"})
    void stopGradientMemoryTrainsProjectionsButNotTheMemoryStates(String spec) {
        checkModel(spec, 1, true);
    }

    private static void checkModel(String spec, int layers, boolean stopGradient) {
        int seq = 9;
        GradCheck.everyParameter(shape(spec, layers, seq), new Random(11), new Random(5), 2, seq, 0, (p, analytic, numeric) -> {
            double err = GradCheck.relativeError(analytic, numeric);
            if (stopGradient && p.name().contains("embed_tokens")) {
                assertTrue(err > GradCheck.TOLERANCE, spec + ": the memory path to the embeddings is not cut (" + err + ")");
            } else {
                assertTrue(err < GradCheck.TOLERANCE, spec + " " + p.name() + ": relative error " + err);
            }
        });
    }

    @Test
    void aWindowWiderThanTheRowTrainsExactlyLikeFullAttention() {
        int batch = 2, seq = 8;
        try (Parallel par = new Parallel(2)) {
            TrainableLlama full = randomModel(shape("full", 2, seq), par, 4);
            TrainableLlama wide = randomModel(shape("sliding:W=8", 2, seq), par, 4);
            Random r = new Random(2);
            int[][] d = TokenBatch.random(r, batch * seq, 11, 0);
            int[] in = d[0], tg = d[1];
            assertEquals(full.forward(in, tg, batch, seq), wide.forward(in, tg, batch, seq), 1e-5);
            double narrow = randomModel(shape("sliding:W=2", 2, seq), par, 4).forward(in, tg, batch, seq);
            assertTrue(Math.abs(narrow - full.forward(in, tg, batch, seq)) > 1e-4, "a narrow window changes the loss");
        }
    }

    @Test
    void theTrainedMethodIsRecordedInConfigAndRestored(@TempDir Path dir) throws Exception {
        TaskData data = new TaskData(SyntheticTask.COPY);
        TrainOptions o = TrainOptions.of(data, 1, 2, 16, 16, 2, 3, 1).withOut(dir)
                .withContext(ContextTraining.parse("longformer:w=4,global=[0;3]", 16));
        new Trainer(o, Parallel.SERIAL, line -> { }).run();
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.contains("\"glassbox_context\" : \"longformer:w=4,dilation=1,global=[0;3]\""), config);
        ContextTraining back = Checkpoint.read(dir, Parallel.SERIAL).model().shape().context();
        assertEquals(o.context(), back);
        assertFalse(back.isFull());
    }

    private static TrainOptions xlRun(Path out, boolean resume, String context) {
        TrainOptions o = TrainOptions.of(new TaskData(SyntheticTask.REVERSE), 2, 2, 16, 24, 4, 8, 5);
        return new TrainOptions(o.data(), o.layers(), o.heads(), 1, o.dim(), 0, false, false, o.seq(), o.batch(), o.lr(),
                8, 2, o.seed(), o.weightDecay(), o.clip(), 5, 0, resume, out, "test")
                .withContext(ContextTraining.parse(context, o.seq()));
    }

    @Test
    void resumingAnXlRunContinuesExactlyAndAnotherMethodIsRefused(@TempDir Path tmp) throws Exception {
        String xl = "xl:segment=8,memory=8";
        var straight = new Trainer(xlRun(tmp.resolve("a"), false, xl), Parallel.SERIAL, line -> { }).run().trainLosses();
        Path b = tmp.resolve("b");
        new Trainer(xlRun(b, false, xl), Parallel.SERIAL, line -> { }).run(4);
        var resumed = new Trainer(xlRun(b, true, xl), Parallel.SERIAL, line -> { }).run().trainLosses();
        assertEquals(straight.subList(4, 8), resumed);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(xlRun(b, true, "sliding:W=8"), Parallel.SERIAL, line -> { }).run());
        assertTrue(e.getMessage().contains("trained with --context xl:segment=8,memory=8, not sliding:W=8"), e.getMessage());
    }

    @Test
    void inferenceOnlyMethodsAreRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> ContextTraining.parse("streaming:sinks=4,W=12", 64));
        assertTrue(e.getMessage().contains("not a training-time context method"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ContextTraining.parse("compressive:fn=max", 64));
        assertTrue(e.getMessage().contains("fn=mean"), e.getMessage());
    }
}
