package dev.glassbox.engine.analysis.walkthrough;

import static dev.glassbox.engine.analysis.walkthrough.WalkthroughBuilder.ids;
import static dev.glassbox.engine.analysis.walkthrough.WalkthroughBuilder.slice;
import static dev.glassbox.engine.analysis.walkthrough.WalkthroughBuilder.sub;
import static dev.glassbox.engine.model.Seq2SeqModel.decoderHook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.analysis.walkthrough.Values.Grid;
import dev.glassbox.engine.analysis.walkthrough.Values.Source;
import dev.glassbox.engine.analysis.walkthrough.Values.Strip;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.Seq2SeqModel;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * The walkthrough of an encoder-decoder ({@link Seq2SeqModel}) at one output position: the source encoded (one
 * step), the decoder's input token and embedding, the blocks before the chosen one, the chosen block's causal
 * self-attention (one step) and its cross-attention in full (query from the decoder's stream, keys and values from
 * the encoder's output for every source token, scores, scale, no mask, softmax, weighted sum, output projection),
 * its MLP, the later blocks, the final norm, the logits and the greedy choice. Values come from the hooks of one
 * traced greedy decode ({@link Seq2SeqModel#trace}) or are recomputed with the model's own kernels in its order and
 * name the hook they must equal.
 */
public final class Seq2SeqWalkthrough {

    /** A greedy decode of one source with every hook kept; {@code session.hooks(p)} holds position p's. */
    public record Traced(int[] source, Seq2SeqModel.Decoded decoded, Seq2SeqModel.Session session) {
    }

    private final LoadedModel loaded;
    private final Seq2SeqModel model;
    private final ModelConfig c;
    private final Traced run;
    private final WalkthroughBuilder.Request r;
    private final Map<String, float[]> hooks;
    private final List<String> sourceTexts;
    private final List<String> inputTexts;
    private final int[] inputs;
    private final List<Step> steps = new ArrayList<>();

    private Seq2SeqWalkthrough(LoadedModel loaded, Traced run, WalkthroughBuilder.Request r) {
        this.loaded = loaded;
        this.model = loaded.seq2seq();
        this.c = model.config();
        this.run = run;
        this.r = r;
        int positions = run.session().position();
        check(r.position(), positions, "output position");
        check(r.layer(), c.layers(), "layer");
        check(r.head(), c.heads(), "head");
        // the decoder's inputs: the start marker, then each token it chose before
        inputs = new int[positions];
        inputs[0] = model.spec().startToken();
        for (int i = 1; i < positions; i++) {
            inputs[i] = run.decoded().output()[i - 1];
        }
        this.hooks = run.session().hooks(r.position());
        this.sourceTexts = texts(run.source());
        this.inputTexts = texts(inputs);
    }

    private static void check(int value, int count, String what) {
        if (value < 0 || value >= count) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.." + (count - 1));
        }
    }

    /** Encodes {@code text} as the source and decodes it greedily with every hook kept. */
    public static Traced trace(LoadedModel loaded, String text, BooleanSupplier cancelled) {
        Seq2SeqModel m = loaded.seq2seq();
        int[] source = m.sourceIds(loaded.tokenizer().encode(text));
        if (source.length > WalkthroughBuilder.MAX_TOKENS) {
            throw new IllegalArgumentException("the source is " + source.length + " tokens; the walkthrough shows at most "
                    + WalkthroughBuilder.MAX_TOKENS + ", shorten it");
        }
        Seq2SeqModel.Session s = m.trace(source);
        Seq2SeqModel.Decoded d = m.generate(s, s.capacity(), cancelled, token -> { });
        if (d.stop() == dev.glassbox.engine.model.Generation.StopReason.CANCELLED) {
            throw new java.util.concurrent.CancellationException("the walkthrough's run was cancelled");
        }
        return new Traced(source, d, s);
    }

    /** Traces {@code text} once ({@link #trace}) and lays out the output position {@code request} chooses. */
    public static Walkthrough run(LoadedModel loaded, String text, WalkthroughBuilder.Request request,
                                  BooleanSupplier cancelled) {
        return build(loaded, trace(loaded, text, cancelled), request);
    }

    public static Walkthrough build(LoadedModel loaded, Traced run, WalkthroughBuilder.Request request) {
        return new Seq2SeqWalkthrough(loaded, run, request).build();
    }

    private Walkthrough build() {
        int p = r.position();
        encoderStep();
        add(StepKind.S2S_TOKEN, -1, "“" + inputTexts.get(p) + "” → " + inputs[p], null,
                List.of(new Strip("id", ids(inputs), inputTexts, null)), inputTexts.get(p), inputs[p], p);
        float[] row = new float[c.dim()];
        model.weights().embedding().readRow(inputs[p], row, 0);
        String embed = decoderHook("embed");
        add(StepKind.EMBED, -1, "x₀ = E[" + inputs[p] + "]", embed, List.of(derived("E[" + inputs[p] + "]", row, embed)),
                inputTexts.get(p), inputs[p], c.dim());
        for (int l = 0; l < r.layer(); l++) {
            layerSummary(l);
        }
        block(r.layer(), r.head());
        for (int l = r.layer() + 1; l < c.layers(); l++) {
            layerSummary(l);
        }
        int chosen = headSteps();
        return new Walkthrough(loaded.name(), inputTexts, p, r.layer(), r.head(), chosen, p, steps);
    }

    // ---- steps ----

    private void encoderStep() {
        int s = run.source().length;
        float[] memory = hooks.get(Seq2SeqModel.MEMORY_HOOK);
        add(StepKind.S2S_SOURCE, -1, "m = RMSNorm(encoder(x₀ … x" + sub(s - 1) + "))", Seq2SeqModel.MEMORY_HOOK, List.of(
                new Strip("id", ids(run.source()), sourceTexts, null),
                new Grid("m", s, c.dim(), memory, sourceTexts, List.of(), Source.range(Seq2SeqModel.MEMORY_HOOK, 0, memory.length, true))),
                s, model.encoderLayers(), c.dim());
    }

    private void layerSummary(int l) {
        add(StepKind.S2S_LAYER, l, "x ← x + self(norm(x));  x ← x + cross(norm(x), m);  x ← x + mlp(norm(x))",
                decoderHook(l, "resid_post"), List.of(residualIn(l), captured("x‴", decoderHook(l, "resid_post"))), l);
    }

    /** The chosen block: self-attention in one step, cross-attention in full, the MLP. */
    private void block(int l, int h) {
        Seq2SeqModel.DecoderLayer w = weights(l);
        int dim = c.dim();
        int hd = c.headDim();
        int s = run.source().length;
        int p = r.position();
        Strip x = residualIn(l);
        String selfOut = decoderHook(l, "attn.out");
        String mid = decoderHook(l, "resid_mid");
        float[] afterSelf = add(x.values(), hooks.get(selfOut));
        add(StepKind.S2S_SELF_ATTN, l, "x′ = x + SelfAttn(RMSNorm(x)),   keys 0 … " + p + " (causal)", mid,
                List.of(x, captured("self", selfOut), derived("x′", afterSelf, mid)), p + 1, l);

        Strip xMid = captured("x′", mid);
        float[] xn = rmsnorm(xMid.values(), w.cross().norm());
        add(StepKind.NORM, l, "x̂ = x′ / √(mean(x′²) + ε) ⊙ g", null, List.of(xMid, derived("x̂", xn, null)), dim, l);

        String qHook = decoderHook(l, "cross_attn.q");
        String kHook = decoderHook(l, "cross_attn.k");
        String vHook = decoderHook(l, "cross_attn.v");
        float[] q = matvec(w.cross().wq(), xn);
        float[] keys = headRows(kHook, h, s);
        float[] vals = headRows(vHook, h, s);
        add(StepKind.CROSS_QKV, l, "q = W_q x̂,   kₛ = W_k mₛ,   vₛ = W_v mₛ", qHook, List.of(
                new Strip("q" + sub(h), slice(q, h * hd, hd), List.of(), Source.range(qHook, h * hd, hd, false)),
                new Grid("K" + sub(h), s, hd, keys, sourceTexts, List.of(), headSource(kHook, h, s)),
                new Grid("V" + sub(h), s, hd, vals, sourceTexts, List.of(), headSource(vHook, h, s))), h, s, hd);

        float[] qh = slice(hooks.get(qHook), h * hd, hd);
        float[] raw = new float[s];
        Kernels.scores(qh, 0, keys, 0, s, hd, 1f, raw, 0);
        add(StepKind.CROSS_SCORES, l, "sₛ = q · kₛ", null, List.of(new Strip("q·kₛ", raw, sourceTexts, null)), s, h);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] scaled = new float[s];
        Kernels.scores(qh, 0, keys, 0, s, hd, scale, scaled, 0);
        add(StepKind.SCALE, l, "sₛ / √d = sₛ / √" + hd + " = sₛ × " + String.format(Locale.ROOT, "%.4f", scale), null,
                List.of(new Strip("sₛ/√d", scaled, sourceTexts, null)), hd, scale);

        int positions = run.session().position();
        float[] all = new float[positions * s];
        float[] pattern = new float[positions * s];
        String patternHook = decoderHook(l, "cross_attn.pattern");
        for (int i = 0; i < positions; i++) {
            Map<String, float[]> at = run.session().hooks(i);
            Kernels.scores(at.get(qHook), h * hd, keys, 0, s, hd, scale, all, i * s);
            System.arraycopy(at.get(patternHook), h * s, pattern, i * s, s);
        }
        add(StepKind.CROSS_NO_MASK, l, "sₛ + mₛ,   mₛ = 0 (0 ≤ s < " + s + ")", null, List.of(
                new Grid("S", positions, s, all, inputTexts, sourceTexts, null),
                new Strip("S" + sub(p), scaled, sourceTexts, null)), p, s);

        float[] a = scaled.clone();
        Kernels.softmax(a, 0, s);
        add(StepKind.CROSS_SOFTMAX, l, "aₛ = e^(sₛ) / Σⱼ e^(sⱼ)", patternHook, List.of(
                new Strip("aₛ", a, sourceTexts, Source.range(patternHook, h * s, s, false)),
                new Grid("A" + sub(h), positions, s, pattern, inputTexts, sourceTexts, null)), h, p);

        String headOut = decoderHook(l, "cross_attn.head_out");
        float[] o = new float[hd];
        Kernels.weightedSum(a, 0, s, vals, 0, hd, o, 0);
        add(StepKind.WEIGHTED_SUM, l, "o" + sub(h) + " = Σₛ aₛ vₛ", headOut, List.of(
                new Grid("V" + sub(h), s, hd, vals, sourceTexts, List.of(), null),
                new Strip("o" + sub(h), o, List.of(), Source.range(headOut, h * hd, hd, false))), h, s);

        float[] heads = hooks.get(headOut);
        List<String> headNames = new ArrayList<>();
        for (int i = 0; i < c.heads(); i++) {
            headNames.add("o" + sub(i));
        }
        add(StepKind.CONCAT, l, "[o₀ ; o₁ ; … ; o" + sub(c.heads() - 1) + "]", headOut, List.of(
                new Grid("o", c.heads(), hd, heads, headNames, List.of(), Source.range(headOut, 0, heads.length, true))),
                c.heads(), c.qDim());

        String crossOut = decoderHook(l, "cross_attn.out");
        float[] out = matvec(w.cross().wo(), heads);
        add(StepKind.OUT_PROJ, l, "cross = W_o [o₀ ; … ; o" + sub(c.heads() - 1) + "]", crossOut,
                List.of(derived("cross", out, crossOut)), c.qDim(), dim);
        String midCross = decoderHook(l, "resid_mid_cross");
        add(StepKind.RESID_CROSS, l, "x″ = x′ + cross", midCross,
                List.of(xMid, derived("cross", out, crossOut), derived("x″", add(xMid.values(), out), midCross)), l);

        mlpSteps(l, w.mlp());
    }

    /** RMSNorm, SwiGLU and the residual add, as {@link Seq2SeqModel}'s MLP computes them. */
    private void mlpSteps(int l, Seq2SeqModel.Mlp f) {
        Strip x = captured("x″", decoderHook(l, "resid_mid_cross"));
        float[] xn = rmsnorm(x.values(), f.norm());
        add(StepKind.MLP_NORM, l, "x̂″ = x″ / √(mean(x″²) + ε) ⊙ g", null, List.of(x, derived("x̂″", xn, null)), c.dim());
        float[] g = matvec(f.gate(), xn);
        float[] u = matvec(f.up(), xn);
        add(StepKind.MLP_GATE_UP, l, "g = W_gate x̂″,   u = W_up x̂″", null,
                List.of(derived("g", g, null), derived("u", u, null)), c.hiddenDim(), c.dim());
        float[] act = g.clone();
        Kernels.swiglu(act, u, c.hiddenDim());
        add(StepKind.MLP_ACT, l, "h = silu(g) ⊙ u,   silu(z) = z / (1 + e^(−z))", null,
                List.of(derived("h", act, null)), c.hiddenDim());
        String mlpOut = decoderHook(l, "mlp.out");
        float[] down = matvec(f.down(), act);
        add(StepKind.MLP_DOWN, l, "mlp = W_down h", mlpOut, List.of(derived("mlp", down, mlpOut)), c.hiddenDim(), c.dim());
        String post = decoderHook(l, "resid_post");
        add(StepKind.RESID_POST, l, "x‴ = x″ + mlp", post,
                List.of(x, new Strip("mlp", down, List.of(), null), derived("x‴", add(x.values(), down), post)), l);
    }

    /** Final norm, the logits (the embedding reused as output matrix) and the greedy choice; returns the token. */
    private int headSteps() {
        String last = decoderHook(c.layers() - 1, "resid_post");
        String lnFinal = decoderHook("ln_final");
        float[] xn = rmsnorm(hooks.get(last), model.weights().decoderNorm());
        add(StepKind.FINAL_NORM, -1, "x̂ = x / √(mean(x²) + ε) ⊙ g", lnFinal,
                List.of(captured("x", last), derived("x̂", xn, lnFinal)), c.dim());

        String logits = decoderHook("logits");
        float[] z = matvec(model.weights().embedding(), hooks.get(lnFinal));
        int[] top = WalkthroughBuilder.topIndices(z, Math.min(WalkthroughBuilder.SHOWN_TOKENS, z.length));
        List<String> names = new ArrayList<>();
        float[] shown = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            names.add(text(top[i]));
            shown[i] = z[top[i]];
        }
        add(StepKind.LOGITS, -1, "z = E x̂", logits, List.of(new Strip("z", shown, names, new Source(logits, top, false))),
                c.vocabSize(), top.length);

        int chosen = Kernels.argmax(hooks.get(logits));
        add(StepKind.S2S_OUTPUT, -1, "next = argmax z  →  “" + text(chosen) + "” (" + chosen + ")", logits,
                List.of(new Strip("z", new float[] {z[chosen]}, List.of(text(chosen)),
                        new Source(logits, new int[] {chosen}, false))), text(chosen), chosen);
        return chosen;
    }

    // ---- helpers ----

    private void add(StepKind kind, int layer, String formula, String hook, List<Values> values, Object... args) {
        steps.add(Step.of(kind, layer, formula, hook, values, args));
    }

    private Seq2SeqModel.DecoderLayer weights(int l) {
        return model.weights().decoder()[l];
    }

    /** The residual entering decoder block {@code l}: the embedding or the previous block's output. */
    private Strip residualIn(int l) {
        return captured("x", l == 0 ? decoderHook("embed") : decoderHook(l - 1, "resid_post"));
    }

    private Strip captured(String label, String hook) {
        float[] v = hooks.get(hook);
        return new Strip(label, v, List.of(), Source.range(hook, 0, v.length, true));
    }

    private static Strip derived(String label, float[] v, String equals) {
        return new Strip(label, v, List.of(), equals == null ? null : Source.range(equals, 0, v.length, false));
    }

    /** Head {@code h}'s columns of a [S, qDim] hook as an S x headDim matrix. */
    private float[] headRows(String hook, int h, int s) {
        int hd = c.headDim();
        float[] all = hooks.get(hook);
        float[] out = new float[s * hd];
        for (int t = 0; t < s; t++) {
            System.arraycopy(all, t * c.qDim() + h * hd, out, t * hd, hd);
        }
        return out;
    }

    /** Where {@link #headRows} took its values from. */
    private Source headSource(String hook, int h, int s) {
        int hd = c.headDim();
        int[] ix = new int[s * hd];
        for (int t = 0; t < s; t++) {
            for (int j = 0; j < hd; j++) {
                ix[t * hd + j] = t * c.qDim() + h * hd + j;
            }
        }
        return new Source(hook, ix, true);
    }

    private float[] rmsnorm(float[] x, float[] gain) {
        float[] out = new float[c.dim()];
        Kernels.rmsnorm(out, x, gain, c.dim(), c.normEps());
        return out;
    }

    private static float[] matvec(dev.glassbox.engine.tensor.Tensor w, float[] x) {
        return BlockMath.matvec(w, x, null, Parallel.SERIAL);
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = a.clone();
        Kernels.add(out, b, out.length);
        return out;
    }


    private String text(int id) {
        Tokenizer t = loaded.tokenizer();
        return t == null ? "#" + id : t.display(id);
    }

    private List<String> texts(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(text(id));
        }
        return List.copyOf(out);
    }
}
