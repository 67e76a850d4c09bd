package dev.glassbox.engine.analysis.heads;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.AttentionStore;
import dev.glassbox.engine.trace.AttentionThumbnails;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;

/**
 * One forward pass over a token sequence with every layer's attention patterns and per-head outputs.
 *
 * @param patterns     per layer and head the pattern, row q holding keys 0..q for a decoder (recomputed from the
 *                     run's {@link AttentionStore} as asked, so a long run holds no layers x heads x n² array)
 * @param headOutputs  [layer][position][head][headDim], the attention-weighted values before W_O; null when the run
 *                     was captured for the scores alone ({@link #forScores}: no ablation reads them)
 * @param residuals    [layer][position][dim], the residual stream entering each layer, from which an ablation of
 *                     a head in layer l restarts (layers before l are unchanged by it); null as the head outputs
 * @param outputCosine per layer the heads' output cosine table ({@link AttentionBehaviour#outputCosine}), summed as
 *                     the pass ran
 * @param outcome      loss and final logits of the same pass
 */
public record CapturedRun(int[] tokens, Patterns patterns, float[][][][] headOutputs, float[][][] residuals,
                          HeadTable[] outputCosine, RunOutcome outcome) {

    /** A run that kept its head outputs and residuals, its output cosine tables computed from them. */
    static CapturedRun keeping(int[] tokens, Patterns patterns, float[][][][] headOutputs, float[][][] residuals,
                               RunOutcome outcome) {
        HeadTable[] cosine = new HeadTable[headOutputs.length];
        for (int l = 0; l < cosine.length; l++) {
            cosine[l] = AttentionBehaviour.outputCosine(l, headOutputs[l]);
        }
        return new CapturedRun(tokens, patterns, headOutputs, residuals, cosine, outcome);
    }

    /** [layer][position][head][headDim]; only a run captured for ablation ({@link #of}) kept them. */
    @Override
    public float[][][][] headOutputs() {
        return kept(headOutputs, "head outputs");
    }

    /** [layer][position][dim]; only a run captured for ablation ({@link #of}) kept them. */
    @Override
    public float[][][] residuals() {
        return kept(residuals, "residuals");
    }

    /** Whether the head outputs and residuals were kept (what an ablation or mean outputs read). */
    public boolean keptActivations() {
        return headOutputs != null;
    }

    private static <T> T kept(T values, String what) {
        if (values == null) {
            throw new IllegalStateException("this run was captured for the head scores alone and kept no " + what);
        }
        return values;
    }

    /** A run's attention patterns, a layer or a head at a time. */
    public interface Patterns {
        int layers();

        /** [heads][queries][keys] of layer {@code l} (a decoder's rows are causal: row q has q + 1 keys, or zeros past q). */
        float[][][] layer(int l);

        /** Head {@code h} of layer {@code l}: [queries][keys]. */
        default float[][] head(int l, int h) {
            return layer(l)[h];
        }

        /**
         * Rows {@code from} .. {@code to - 1} of head {@code h} in layer {@code l} copied into {@code out} (each array as
         * long as the rows: {@link #head}'s last row), so a long pattern can be read a block of rows at a time.
         */
        default void rows(int l, int h, int from, int to, float[][] out) {
            float[][] all = head(l, h);
            for (int q = from; q < to; q++) {
                System.arraycopy(all[q], 0, out[q - from], 0, all[q].length);
            }
        }

        /** Patterns held whole, [layer][head][query][key] (an encoder's). */
        static Patterns of(float[][][][] all) {
            return new Patterns() {
                @Override
                public int layers() { return all.length; }

                @Override
                public float[][][] layer(int l) { return all[l]; }
            };
        }

        /** Patterns recomputed from {@code store} over its first {@code n} positions on each call. */
        static Patterns of(AttentionStore store, int n) {
            return new Patterns() {
                @Override
                public int layers() { return store.layers(); }

                @Override
                public float[][][] layer(int l) { return store.layer(l, n); }

                @Override
                public float[][] head(int l, int h) { return store.head(l, h, n); }

                @Override
                public void rows(int l, int h, int from, int to, float[][] out) { store.rows(l, h, from, to, out); }
            };
        }
    }

    /** Patterns, head outputs and the residual stream entering each layer (the embedding, then each layer's output). */
    static final String HOOKS = "embed,blocks.*.attn.pattern,blocks.*.attn.head_out,blocks.*.resid_post";

    /** Patterns and head outputs only (the output cosine is summed as each step arrives). */
    private static final String SCORE_HOOKS = "blocks.*.attn.pattern,blocks.*.attn.head_out";

    private static final String PATTERNS = "blocks.*.attn.pattern";

    public int length() { return tokens.length; }

    public int layers() { return patterns.layers(); }

    public static CapturedRun of(DecoderModel model, int[] tokens) {
        return of(model, tokens, Intervention.NONE);
    }

    /**
     * The pass with {@code intervention} applied (e.g. a {@link HeadSet} ablated), keeping what an ablation reads
     * beside the patterns: head outputs and residuals. It runs as the model's prefill (blocks of positions through each
     * weight matrix at once where the model batches).
     */
    public static CapturedRun of(DecoderModel model, int[] tokens, Intervention intervention) {
        return capture(model, tokens, intervention, true, null, done -> { });
    }

    /**
     * {@link #of(DecoderModel, int[], Intervention)} stopped by {@code cancelled} (may be null: never; checked as
     * {@link DecoderSession#prefillCancellable} does, a {@link java.util.concurrent.CancellationException} then), each
     * position's arrival counted to {@code positions} (how many are done, as each block of the prefill ends).
     */
    public static CapturedRun of(DecoderModel model, int[] tokens, Intervention intervention,
                                 java.util.function.BooleanSupplier cancelled, java.util.function.IntConsumer positions) {
        return capture(model, tokens, intervention, true, cancelled, positions);
    }

    /**
     * The pass with {@code intervention} keeping only what the head scores read: the patterns (as queries and keys),
     * the output cosine tables (summed as the pass runs) and the outcome; no head outputs or residuals, which at
     * thousands of tokens are twice the patterns' store. Stopped and told as {@link #of(DecoderModel, int[],
     * Intervention, java.util.function.BooleanSupplier, java.util.function.IntConsumer)}.
     */
    public static CapturedRun forScores(DecoderModel model, int[] tokens, Intervention intervention) {
        return capture(model, tokens, intervention, false, null, done -> { });
    }

    /** {@link #forScores(DecoderModel, int[], Intervention)} stopped and counted. */
    public static CapturedRun forScores(DecoderModel model, int[] tokens, Intervention intervention,
                                        java.util.function.BooleanSupplier cancelled,
                                        java.util.function.IntConsumer positions) {
        return capture(model, tokens, intervention, false, cancelled, positions);
    }

    private static CapturedRun capture(DecoderModel model, int[] tokens, Intervention intervention, boolean activations,
                                       java.util.function.BooleanSupplier cancelled,
                                       java.util.function.IntConsumer positions) {
        var c = model.config();
        int layers = c.layers();
        int heads = c.heads();
        int hd = c.headDim();
        checkMemory(layers, heads, hd, c.kvHeads(), tokens.length, c.dim(), activations);
        Capture capture = new Capture(HookSelection.of(activations ? HOOKS : SCORE_HOOKS), layers).storingPatterns();
        DecoderSession s = RunOutcome.session(model, capture, intervention, tokens);
        HookName[] entering = new HookName[layers];
        HookName[] headOut = new HookName[layers];
        OutputCosine[] cosine = new OutputCosine[layers];
        for (int l = 0; l < layers; l++) {
            entering[l] = l == 0 ? HookName.of(HookPoint.EMBED) : HookName.of(HookPoint.RESID_POST, l - 1);
            headOut[l] = HookName.of(HookPoint.ATTN_HEAD_OUT, l);
            cosine[l] = new OutputCosine(l, heads);
        }
        float[][][][] outs = activations ? new float[layers][tokens.length][][] : null;
        float[][][] residuals = activations ? new float[layers][tokens.length][] : null;
        // each step's values are taken as it arrives (no trace of the whole run is kept beside them)
        RunOutcome outcome = RunOutcome.prefill(s, tokens, (pos, token, captured) -> {
            for (int l = 0; l < layers; l++) {
                float[] flat = values(captured, headOut[l], "head outputs for layer " + l);
                cosine[l].add(flat, hd);
                if (activations) {
                    residuals[l][pos] = values(captured, entering[l], "the residual stream entering layer " + l);
                    float[][] perHead = new float[heads][hd];
                    for (int h = 0; h < heads; h++) {
                        System.arraycopy(flat, h * hd, perHead[h], 0, hd);
                    }
                    outs[l][pos] = perHead;
                }
            }
            positions.accept(pos + 1);
        }, cancelled);
        AttentionStore store = capture.attention().orElseThrow(() ->
                new IllegalStateException("the model kept no attention patterns to analyse"));
        HeadTable[] tables = new HeadTable[layers];
        for (int l = 0; l < layers; l++) {
            tables[l] = cosine[l].table();
        }
        return new CapturedRun(tokens.clone(), Patterns.of(store, tokens.length), outs, residuals, tables, outcome);
    }

    /**
     * Only the attention patterns of the pass with {@code intervention} (queries and keys in a store: no head outputs
     * or residuals), for scores read off patterns alone such as the probe's prefix matching.
     */
    public static Patterns patterns(DecoderModel model, int[] tokens, Intervention intervention) {
        return patterns(model, tokens, intervention, null, done -> { });
    }

    /** {@link #patterns(DecoderModel, int[], Intervention)} stopped and counted as {@link #of(DecoderModel, int[], Intervention, java.util.function.BooleanSupplier, java.util.function.IntConsumer)} is. */
    public static Patterns patterns(DecoderModel model, int[] tokens, Intervention intervention,
                                    java.util.function.BooleanSupplier cancelled, java.util.function.IntConsumer positions) {
        Capture capture = new Capture(HookSelection.of(PATTERNS), model.config().layers()).storingPatterns();
        RunOutcome.prefill(RunOutcome.session(model, capture, intervention, tokens), tokens,
                (pos, token, captured) -> positions.accept(pos + 1), cancelled);
        AttentionStore store = capture.attention().orElseThrow(() ->
                new IllegalStateException("the model kept no attention patterns to analyse"));
        return Patterns.of(store, tokens.length);
    }

    private static float[] values(java.util.Map<HookName, Captured> captured, HookName hook, String what) {
        Captured c = captured.get(hook);
        if (c == null) {
            throw new IllegalStateException("the model captured no " + what);
        }
        return c.values();
    }

    /**
     * Refuses clearly, rather than run out of heap, a decoder's run whose {@link #bytes} exceed half the heap.
     */
    static void checkMemory(int layers, int heads, int headDim, int kvHeads, int length, int dim, boolean activations) {
        budget(bytes(layers, heads, headDim, kvHeads, length, dim, activations), layers, heads, length, 2);
    }

    /**
     * What a decoder's captured run keeps: its store ({@link #storeBytes}), for an ablation the head outputs and
     * residuals (one array a head and position, one a position), and, while the scores read it, two workers' blocks of
     * pattern rows ({@link LayerBehaviour}).
     */
    static double bytes(int layers, int heads, int headDim, int kvHeads, int length, int dim, boolean activations) {
        double bytes = storeBytes(layers, heads, headDim, kvHeads, length) + 2 * 4.0 * LayerBehaviour.blockFloats(heads, length);
        if (activations) {
            bytes += (double) layers * length * (heads * (ARRAY_HEADER + 4.0 * headDim) + ARRAY_HEADER + 4.0 * heads
                    + ARRAY_HEADER + 4.0 * dim);
        }
        return bytes;
    }

    /**
     * The store of a session sized for the run ({@code AttentionStore.bytes()}): each position's query, key and value
     * in every layer, and each head's thumbnail.
     */
    static double storeBytes(int layers, int heads, int headDim, int kvHeads, int length) {
        return 4.0 * layers * length * (heads + 2.0 * kvHeads) * headDim
                + 4.0 * layers * heads * Math.pow(AttentionThumbnails.side(length), 2);
    }

    /** A float or reference array's header in the heap (16 bytes with compressed class pointers). */
    static final double ARRAY_HEADER = 16;

    /** An encoder's run holds every layer's full [heads, T, T] patterns. */
    static void checkEncoderMemory(int layers, int heads, int headDim, int length) {
        // the trace's square patterns plus the assembled matrices, and the head outputs twice
        budget(4.0 * layers * heads * ((double) length * length * 2 + 2.0 * length * headDim), layers, heads, length, 3);
    }

    /** Refuses {@code bytes} beyond 1/{@code part} of the heap (the estimate counts what the run keeps exactly). */
    private static void budget(double bytes, int layers, int heads, int length, int part) {
        double budget = Runtime.getRuntime().maxMemory() / (double) part;
        if (bytes > budget) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "capturing %d layers x %d heads at %d tokens needs about %.0f MB, more than %s of the %.0f MB heap;"
                            + " use fewer tokens or a larger -Xmx", layers, heads, length, bytes / 1e6,
                    part == 2 ? "half" : "a third",
                    Runtime.getRuntime().maxMemory() / 1e6));
        }
    }
}
