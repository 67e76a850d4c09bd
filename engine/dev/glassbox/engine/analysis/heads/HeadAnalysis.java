package dev.glassbox.engine.analysis.heads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;

/** Runs every head analysis of this package on a Llama-family decoder or a BERT-family encoder and one input. */
public final class HeadAnalysis {
    private HeadAnalysis() {
    }

    /**
     * @param specialIds      token ids counted as special (BOS/EOS/CLS/SEP) for the special-token mass
     * @param probeBos        BOS id for the repeated-random-tokens probe
     * @param probeLength     L of the probe (BOS + 2L tokens); 0 skips prefix matching
     * @param probeUsable     ids the probe may draw
     * @param ablation        null to skip ablation
     * @param meanReference   tokens whose mean head outputs feed mean ablation (null: the input itself)
     * @param crossLayer      also compare weights of heads in different layers
     */
    public record Settings(int[] specialIds, double jsEpsilon, int probeBos, int probeLength, IntPredicate probeUsable,
                           long probeSeed, HeadAblation.Mode ablation, int[] meanReference, boolean crossLayer, int topK) {

        /** BOS/EOS special; the probe draws any id but BOS, EOS and 0 (unknown in sentencepiece vocabularies). */
        public static Settings defaults(int bos, int eos, int probeLength) {
            return new Settings(eos >= 0 ? new int[] {bos, eos} : new int[] {bos}, AttentionBehaviour.JS_EPSILON,
                    bos, probeLength, id -> id != bos && id != eos && id != 0, 1234L, HeadAblation.Mode.ZERO,
                    null, false, 5);
        }

        public Settings withAblation(HeadAblation.Mode mode, int[] reference) {
            return new Settings(specialIds, jsEpsilon, probeBos, probeLength, probeUsable, probeSeed, mode, reference,
                    crossLayer, topK);
        }

        public Settings withCrossLayer(boolean on) {
            return new Settings(specialIds, jsEpsilon, probeBos, probeLength, probeUsable, probeSeed, ablation,
                    meanReference, on, topK);
        }
    }

    /**
     * The stages of an analysis, in order (weights need no forward; the probe is skipped when its length is 0, the
     * ablation when its mode is null), and what each counts as its steps ({@link Progress#counted}).
     */
    public enum Stage {
        /** Each layer's bases and penalties, then each layer pair's tables. */
        WEIGHTS,
        /** The input's positions through the captured pass. */
        CAPTURE,
        /** Layers whose pattern scores are in (JS, entropy, sink and special-token mass, roles). */
        SCORES,
        /** The probe's positions through its pass. */
        PROBE,
        /** Heads ablated. */
        ABLATION
    }

    /**
     * How a caller follows a long analysis and stops it: {@link #cancelled()} is checked between stages, inside the
     * weight stage (from the threads computing it) and before each head's ablation (a cancelled analysis throws
     * {@link java.util.concurrent.CancellationException});
     * {@link #partial} gets the report so far once the behaviour scores are in (importance NaN) and after each
     * layer's heads are ablated; {@link #counted} hears each stage's steps (what a step is: {@link Stage}).
     */
    public interface Progress extends HeadAblation.Work {
        Progress NONE = new Progress() { };

        default void stage(Stage stage) { }

        /** {@code done} of the {@code total} steps of {@code stage} are finished: one call at a time, done increasing. */
        default void counted(Stage stage, int done, int total) { }

        default void partial(HeadReport report) { }
    }

    /** What the analysis needs from a model family: weight slices, one captured pass, per-head ablation. */
    private interface Subject {
        ModelConfig config();

        /** Decoders attend to keys 0..q only; encoders to every key. */
        boolean causal();

        HeadSlices slices(int layer);

        /**
         * One captured pass over {@code tokens}, stopped by {@code cancelled}, telling {@code positions} how many are
         * done; {@code activations}: also its head outputs and residuals (an ablation reads them).
         */
        CapturedRun capture(int[] tokens, boolean activations, java.util.function.BooleanSupplier cancelled,
                            IntConsumer positions);

        /** Only the attention patterns of a pass (the probe's), where that keeps less; stopped and told as above. */
        CapturedRun.Patterns patterns(int[] tokens, java.util.function.BooleanSupplier cancelled, IntConsumer positions);

        List<HeadAblation.Effect> ablate(CapturedRun clean, HeadAblation.Mode mode, float[][][] means, int topK,
                                         Parallel parallel, HeadAblation.Work work);
    }

    public static HeadReport analyse(LlamaModel model, int[] tokens, Settings s, Parallel parallel) {
        return analyse(model, tokens, s, HeadSet.empty(), parallel);
    }

    /**
     * The analysis of the model with {@code ablated} removed: every behaviour score (patterns, JS, output cosine,
     * roles, probe) is read off runs under that ablation, and each head's importance is its effect on top of it.
     * Weight-space tables do not depend on it.
     */
    public static HeadReport analyse(LlamaModel model, int[] tokens, Settings s, HeadSet ablated, Parallel parallel) {
        return analyse(model, tokens, s, ablated, parallel, Progress.NONE);
    }

    /** {@link #analyse(LlamaModel, int[], Settings, HeadSet, Parallel)} reporting to and stopped by {@code progress}. */
    public static HeadReport analyse(LlamaModel model, int[] tokens, Settings s, HeadSet ablated, Parallel parallel,
                                     Progress progress) {
        Intervention iv = ablated.intervention(model.config());
        // the captured passes run as batched prefills, so their matrix products are worth sharing out
        LlamaModel pooled = model.parallel() == parallel ? model : new LlamaModel(model.config(), model.weights(), parallel);
        return analyse(new Subject() {
            public ModelConfig config() { return model.config(); }

            public boolean causal() { return true; }

            public HeadSlices slices(int layer) { return HeadSlices.of(model, layer); }

            public CapturedRun capture(int[] t, boolean activations, java.util.function.BooleanSupplier cancelled,
                                       IntConsumer positions) {
                return activations ? CapturedRun.of(pooled, t, iv, cancelled, positions)
                        : CapturedRun.forScores(pooled, t, iv, cancelled, positions);
            }

            public CapturedRun.Patterns patterns(int[] t, java.util.function.BooleanSupplier cancelled,
                                                 IntConsumer positions) {
                return CapturedRun.patterns(pooled, t, iv, cancelled, positions);
            }

            public List<HeadAblation.Effect> ablate(CapturedRun clean, HeadAblation.Mode mode, float[][][] means,
                                                    int topK, Parallel p, HeadAblation.Work work) {
                return HeadAblation.allHeads(model, clean, ablated, mode, means, topK, p, work);
            }
        }, tokens, s, parallel, progress);
    }

    /**
     * The same analysis on an encoder from one bidirectional encode(). Role detectors keep their
     * TransformerLens definitions and so score only the lower-triangular (k <= q) part of each pattern; the
     * probe's prefix matching reads its single entry per query as for decoders. Importance is the mean squared
     * change of the last hidden state when the head is ablated (see {@link EncoderHeads#allHeads}).
     */
    public static HeadReport analyse(BertModel model, int[] tokens, Settings s, Parallel parallel) {
        return analyse(model, tokens, s, HeadSet.empty(), parallel);
    }

    /** {@link #analyse(BertModel, int[], Settings, Parallel)} with {@code ablated} removed, as for decoders. */
    public static HeadReport analyse(BertModel model, int[] tokens, Settings s, HeadSet ablated, Parallel parallel) {
        return analyse(model, tokens, s, ablated, parallel, Progress.NONE);
    }

    /** {@link #analyse(BertModel, int[], Settings, HeadSet, Parallel)} reporting to and stopped by {@code progress}. */
    public static HeadReport analyse(BertModel model, int[] tokens, Settings s, HeadSet ablated, Parallel parallel,
                                     Progress progress) {
        Intervention iv = ablated.intervention(model.config());
        Map<CapturedRun, EncoderHeads.EncoderRun> runs = new java.util.IdentityHashMap<>();
        return analyse(new Subject() {
            public ModelConfig config() { return model.config(); }

            public boolean causal() { return false; }

            public HeadSlices slices(int layer) { return HeadSlices.of(model, layer); }

            // one bidirectional encode: its positions all arrive at its end; its run holds its patterns whole anyway
            public CapturedRun capture(int[] t, boolean activations, java.util.function.BooleanSupplier cancelled,
                                       IntConsumer positions) {
                EncoderHeads.EncoderRun r = EncoderHeads.capture(model, t, iv);
                runs.put(r.run(), r);
                positions.accept(t.length);
                return r.run();
            }

            public CapturedRun.Patterns patterns(int[] t, java.util.function.BooleanSupplier cancelled,
                                                 IntConsumer positions) {
                CapturedRun.Patterns p = EncoderHeads.capture(model, t, iv).run().patterns();
                positions.accept(t.length);
                return p;
            }

            public List<HeadAblation.Effect> ablate(CapturedRun clean, HeadAblation.Mode mode, float[][][] means,
                                                    int topK, Parallel p, HeadAblation.Work work) {
                return EncoderHeads.allHeads(model, runs.get(clean), ablated, mode, means, p, work);
            }
        }, tokens, s, parallel, progress);
    }

    private static HeadReport analyse(Subject model, int[] tokens, Settings s, Parallel parallel, Progress progress) {
        ModelConfig c = model.config();
        progress.stage(Stage.WEIGHTS);
        Map<String, Double> times = new LinkedHashMap<>();
        List<HeadTable> tables = new ArrayList<>();

        long t0 = System.nanoTime();
        HeadSlices[] slices = new HeadSlices[c.layers()];
        WeightOrthogonality.LayerSubspaces[] subs = new WeightOrthogonality.LayerSubspaces[c.layers()];
        Map<String, double[]> penalties = new LinkedHashMap<>();
        for (WeightKind k : new WeightKind[] {WeightKind.Q, WeightKind.K, WeightKind.V, WeightKind.O}) {
            penalties.put(k.id(), new double[c.layers()]);
        }
        // Cancel is asked before each layer's bases, each head's basis, each table and each head's row of a penalty or
        // circuit table:
        // the stage took ~10 CPU s on stories110M with no check inside (CancelLatencyBenchmark), a circuit table ~0.5 s
        // without cross-layer tables a layer's dequantised slices and bases are done with after its own tables, so
        // each worker holds one layer's (~55 MB on the Qwen2.5-0.5B shape) instead of all of them (~1.3 GB);
        // steps counted: each layer's bases and penalties, then each table pair (a layer with itself, or two layers)
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < c.layers(); a++) {
            for (int b = a; b < c.layers(); b++) {
                if (a == b || s.crossLayer()) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        Steps weightSteps = new Steps(progress, Stage.WEIGHTS, c.layers() + pairs.size());
        List<List<HeadTable>> byLayer = new ArrayList<>(java.util.Collections.nCopies(c.layers(), null));
        parallel.forRange(c.layers(), (from, to) -> {
            for (int l = from; l < to; l++) {
                stopIfCancelled(progress);
                HeadSlices slice = model.slices(l);
                WeightOrthogonality.LayerSubspaces sub = s.crossLayer()
                        ? WeightOrthogonality.LayerSubspaces.of(slice, () -> stopIfCancelled(progress)) : null;
                for (WeightKind k : new WeightKind[] {WeightKind.Q, WeightKind.K, WeightKind.V, WeightKind.O}) {
                    penalties.get(k.id())[l] = WeightOrthogonality.penalty(slice, k, () -> stopIfCancelled(progress));
                }
                weightSteps.done();
                if (s.crossLayer()) {
                    slices[l] = slice;
                    subs[l] = sub;
                } else {
                    byLayer.set(l, layerWeightTables(slice, progress));
                    weightSteps.done();
                }
            }
        });
        if (s.crossLayer()) {
            List<List<HeadTable>> byPair = new ArrayList<>(java.util.Collections.nCopies(pairs.size(), null));
            parallel.forRange(pairs.size(), (from, to) -> {
                for (int i = from; i < to; i++) {
                    int a = pairs.get(i)[0];
                    int b = pairs.get(i)[1];
                    byPair.set(i, weightTables(slices[a], subs[a], slices[b], a == b ? subs[a] : subs[b], progress));
                    weightSteps.done();
                }
            });
            byPair.forEach(tables::addAll);
            // the dequantised slices and their bases are done with: let the captured passes below reuse their memory
            java.util.Arrays.fill(slices, null);
            java.util.Arrays.fill(subs, null);
        } else {
            byLayer.forEach(tables::addAll);
        }
        times.put("weights", millis(t0));

        long t1 = System.nanoTime();
        stopIfCancelled(progress);
        progress.stage(Stage.CAPTURE);
        progress.counted(Stage.CAPTURE, 0, tokens.length);
        // without an ablation nothing reads the head outputs or residuals past the output cosine, summed as the pass runs
        CapturedRun run = model.capture(tokens, s.ablation() != null, progress::cancelled,
                done -> progress.counted(Stage.CAPTURE, done, tokens.length));
        java.util.Set<Integer> special = new java.util.HashSet<>();
        for (int id : s.specialIds()) {
            special.add(id);
        }
        double[] disagreement = new double[c.layers()];
        double[][] entropy = new double[c.layers()][];
        double[][] sink = new double[c.layers()][];
        double[][] specialMass = new double[c.layers()][];
        HeadTable[] js = new HeadTable[c.layers()];
        HeadTable[] cosine = new HeadTable[c.layers()];
        HeadRoles.Scores[][] roles = new HeadRoles.Scores[c.layers()][c.heads()];
        stopIfCancelled(progress);
        progress.stage(Stage.SCORES);
        Steps scored = new Steps(progress, Stage.SCORES, c.layers());
        parallel.forRange(c.layers(), (from, to) -> {
            for (int l = from; l < to; l++) {
                // the layer's patterns a block of query rows at a time: every pattern score in one pass
                LayerBehaviour b = LayerBehaviour.of(run.patterns(), l, c.heads(), tokens, model.causal(),
                        s.jsEpsilon(), special::contains, progress::cancelled);
                js[l] = b.js();
                cosine[l] = run.outputCosine()[l];
                disagreement[l] = AttentionBehaviour.disagreement(cosine[l]);
                entropy[l] = b.entropy();
                sink[l] = b.sinkMass();
                specialMass[l] = b.specialMass();
                roles[l] = b.roles();
                scored.done();
            }
        });
        for (int l = 0; l < c.layers(); l++) {
            tables.add(js[l]);
            tables.add(cosine[l]);
        }
        times.put("behaviour", millis(t1));

        long t3 = System.nanoTime();
        int[] probe = new int[0];
        double[][] prefix = null;
        if (s.probeLength() > 0) {
            stopIfCancelled(progress);
            progress.stage(Stage.PROBE);
            probe = RepeatedTokens.generate(s.probeBos(), s.probeLength(), c.vocabSize(), s.probeUsable(), s.probeSeed());
            int probeLength = probe.length;
            progress.counted(Stage.PROBE, 0, probeLength);
            CapturedRun.Patterns pr = model.patterns(probe, progress::cancelled,
                    done -> progress.counted(Stage.PROBE, done, probeLength));
            prefix = new double[c.layers()][c.heads()];
            for (int l = 0; l < c.layers(); l++) {
                stopIfCancelled(progress);
                for (int h = 0; h < c.heads(); h++) {
                    prefix[l][h] = HeadRoles.prefixMatching(pr, l, h, probe.length, s.probeLength());
                }
            }
        }
        times.put("roles", millis(t3));

        long t4 = System.nanoTime();
        int[] probeTokens = probe;
        double[][] prefixScores = prefix;
        java.util.function.Function<List<HeadAblation.Effect>, HeadReport> report = effects -> {
            List<HeadReport.Row> rows = new ArrayList<>();
            for (int l = 0; l < c.layers(); l++) {
                for (int h = 0; h < c.heads(); h++) {
                    int i = l * c.heads() + h;
                    double importance = i < effects.size() ? effects.get(i).lossIncrease() : Double.NaN;
                    rows.add(new HeadReport.Row(l, h, c.kvHeadOf(h), roles[l][h],
                            prefixScores == null ? Double.NaN : prefixScores[l][h], entropy[l][h], sink[l][h],
                            specialMass[l][h], importance));
                }
            }
            return new HeadReport(tokens.clone(), run.outcome(), tables, WeightOrthogonality.sharedKeyValue(c), rows,
                    penalties, disagreement, probeTokens, List.copyOf(effects), new LinkedHashMap<>(times), run);
        };
        List<HeadAblation.Effect> effects = List.of();
        if (s.ablation() != null) {
            stopIfCancelled(progress);
            progress.partial(report.apply(List.of()));
            progress.stage(Stage.ABLATION);
            progress.counted(Stage.ABLATION, 0, c.layers() * c.heads());
            float[][][] means = null;
            if (s.ablation() == HeadAblation.Mode.MEAN) {
                means = HeadAblation.meanOutputs(s.meanReference() == null ? run : model.capture(s.meanReference(),
                        true, progress::cancelled, done -> { }));
            }
            List<HeadAblation.Effect> done = new ArrayList<>();
            effects = model.ablate(run, s.ablation(), means, s.topK(), parallel, new HeadAblation.Work() {
                @Override
                public boolean cancelled() { return progress.cancelled(); }

                @Override
                public void headDone(HeadAblation.Effect e, int n, int total) {
                    done.add(e);
                    progress.headDone(e, n, total);
                    progress.counted(Stage.ABLATION, n, total);
                    if (n % c.heads() == 0 && n < total) {
                        progress.partial(report.apply(done)); // a layer's rows are complete
                    }
                }
            });
        }
        times.put("ablation", millis(t4));
        times.put("total", millis(t0));
        return report.apply(effects);
    }

    /** A stage's steps counted from whichever thread finishes one, told to the progress one at a time and in order. */
    private static final class Steps {
        private final Progress progress;
        private final Stage stage;
        private final int total;
        private int done;

        /** Tells the progress that none of the stage's {@code total} steps are done yet. */
        Steps(Progress progress, Stage stage, int total) {
            this.progress = progress;
            this.stage = stage;
            this.total = total;
            progress.counted(stage, 0, total);
        }

        synchronized void done() {
            progress.counted(stage, ++done, total);
        }
    }

    private static void stopIfCancelled(Progress progress) {
        if (progress.cancelled()) {
            throw new java.util.concurrent.CancellationException("head analysis cancelled");
        }
    }

    /**
     * The weight-space tables between the heads of two layers (the same layer allowed): column-space similarity
     * of W_Q, W_K, W_V, W_O, QK and OV, then the QK and OV circuit cosines. For one layer pass the same objects
     * twice, so each symmetric table is computed once per pair of heads.
     */
    public static List<HeadTable> weightTables(HeadSlices a, WeightOrthogonality.LayerSubspaces subA,
                                               HeadSlices b, WeightOrthogonality.LayerSubspaces subB) {
        return weightTables(a, subA, b, subB, Progress.NONE);
    }

    /** The tables above, asking {@code progress} to stop before each. */
    private static List<HeadTable> weightTables(HeadSlices a, WeightOrthogonality.LayerSubspaces subA,
                                                HeadSlices b, WeightOrthogonality.LayerSubspaces subB, Progress progress) {
        List<HeadTable> out = new ArrayList<>();
        for (WeightKind kind : WeightKind.values()) {
            stopIfCancelled(progress);
            out.add(WeightOrthogonality.similarity(subA, subB, kind));
        }
        for (WeightKind circuit : new WeightKind[] {WeightKind.QK, WeightKind.OV}) {
            out.add(WeightOrthogonality.circuitCosine(a, b, circuit, () -> stopIfCancelled(progress)));
        }
        return out;
    }

    /**
     * A layer's tables with itself, the tables {@link #weightTables(HeadSlices, WeightOrthogonality.LayerSubspaces,
     * HeadSlices, WeightOrthogonality.LayerSubspaces)} gives, with one kind's bases alive at a time: all six kinds'
     * bases beside the slices were ~210 MB a layer on the TinyLlama-1.1B shape, which outlived young collections while the layer's tables
     * ran and, two workers each holding a layer, grew G1's heap by ~1.1 GB over the stage (big11).
     */
    static List<HeadTable> layerWeightTables(HeadSlices slice, Progress progress) {
        List<HeadTable> out = new ArrayList<>();
        for (WeightKind kind : WeightKind.values()) {
            stopIfCancelled(progress);
            Subspace[] bases = WeightOrthogonality.LayerSubspaces.bases(slice, kind, () -> stopIfCancelled(progress));
            out.add(WeightOrthogonality.similarity(slice.layer(), bases, slice.layer(), bases, true, kind));
        }
        for (WeightKind circuit : new WeightKind[] {WeightKind.QK, WeightKind.OV}) {
            out.add(WeightOrthogonality.circuitCosine(slice, slice, circuit, () -> stopIfCancelled(progress)));
        }
        return out;
    }

    /** {@link #weightTables(HeadSlices, WeightOrthogonality.LayerSubspaces, HeadSlices, WeightOrthogonality.LayerSubspaces)} from the slices alone. */
    public static List<HeadTable> weightTables(HeadSlices a, HeadSlices b) {
        WeightOrthogonality.LayerSubspaces subA = WeightOrthogonality.LayerSubspaces.of(a);
        return weightTables(a, subA, b, a == b ? subA : WeightOrthogonality.LayerSubspaces.of(b));
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
