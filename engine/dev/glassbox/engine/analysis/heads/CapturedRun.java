package dev.glassbox.engine.analysis.heads;

import java.util.ArrayList;
import java.util.List;

import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.trace.TraceStep;

/**
 * One forward pass over a token sequence with every layer's attention patterns and per-head outputs.
 *
 * @param patterns    [layer][head][query][key], zeros above the diagonal
 * @param headOutputs [layer][position][head][headDim], the attention-weighted values before W_O
 * @param residuals   [layer][position][dim], the residual stream entering each layer, from which an ablation of
 *                    a head in layer l restarts (layers before l are unchanged by it)
 * @param outcome     loss and final logits of the same pass
 */
public record CapturedRun(int[] tokens, float[][][][] patterns, float[][][][] headOutputs, float[][][] residuals,
                          RunOutcome outcome) {

    /** Patterns, head outputs and the residual stream entering each layer (the embedding, then each layer's output). */
    static final String HOOKS = "embed,blocks.*.attn.pattern,blocks.*.attn.head_out,blocks.*.resid_post";

    public int length() { return tokens.length; }

    public int layers() { return patterns.length; }

    public static CapturedRun of(DecoderModel model, int[] tokens) {
        return of(model, tokens, Intervention.NONE);
    }

    /** The pass with {@code intervention} applied (e.g. a {@link HeadSet} ablated): what the views show of it. */
    public static CapturedRun of(DecoderModel model, int[] tokens, Intervention intervention) {
        int layers = model.config().layers();
        int heads = model.config().heads();
        int hd = model.config().headDim();
        checkMemory(layers, heads, hd, tokens.length);
        Capture capture = new Capture(HookSelection.of(HOOKS), layers);
        DecoderSession s = RunOutcome.session(model, capture, intervention, tokens);
        List<TraceStep> steps = new ArrayList<>(tokens.length);
        RunOutcome outcome = RunOutcome.forward(s, tokens, (pos, token) ->
                steps.add(new TraceStep(pos, token, false, s.drainCaptured())));
        Trace trace = Trace.of(steps);
        float[][][][] patterns = new float[layers][][][];
        float[][][][] outs = new float[layers][][][];
        float[][][] residuals = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            int layer = l;
            HookName entering = l == 0 ? HookName.of(HookPoint.EMBED) : HookName.of(HookPoint.RESID_POST, l - 1);
            residuals[l] = trace.stacked(entering).orElseThrow(() ->
                    new IllegalStateException("the model captured no residual stream entering layer " + layer));
            patterns[l] = trace.attentionPattern(l).orElseThrow(() ->
                    new IllegalStateException("the model captured no attention pattern for layer " + layer));
            float[][] flat = trace.stacked(HookName.of(HookPoint.ATTN_HEAD_OUT, l)).orElseThrow(() ->
                    new IllegalStateException("the model captured no head outputs for layer " + layer));
            outs[l] = new float[flat.length][heads][hd];
            for (int p = 0; p < flat.length; p++) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(flat[p], h * hd, outs[l][p][h], 0, hd);
                }
            }
        }
        return new CapturedRun(tokens.clone(), patterns, outs, residuals, outcome);
    }

    /** Patterns grow with layers x heads x T²: refuse clearly rather than run out of heap. */
    static void checkMemory(int layers, int heads, int headDim, int length) {
        // the trace's triangular rows plus the assembled square matrices, and the head outputs twice
        double bytes = 4.0 * layers * heads * ((double) length * length * 1.5 + 2.0 * length * headDim);
        double budget = Runtime.getRuntime().maxMemory() / 3.0;
        if (bytes > budget) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "capturing %d layers x %d heads at %d tokens needs about %.0f MB, more than a third of the %.0f MB heap;"
                            + " use fewer tokens or a larger -Xmx", layers, heads, length, bytes / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6));
        }
    }
}
