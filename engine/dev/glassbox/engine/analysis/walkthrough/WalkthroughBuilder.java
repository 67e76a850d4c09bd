package dev.glassbox.engine.analysis.walkthrough;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.analysis.walkthrough.Values.Grid;
import dev.glassbox.engine.analysis.walkthrough.Values.Source;
import dev.glassbox.engine.analysis.walkthrough.Values.Strip;
import dev.glassbox.engine.model.BertModel;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Gpt2Model;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.model.Sampler;
import dev.glassbox.engine.model.SentencePooling;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.trace.Captured;
import dev.glassbox.engine.trace.HookName;
import dev.glassbox.engine.trace.HookPoint;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.Trace;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.trace.TraceStep;

/**
 * Builds a {@link Walkthrough} from the engine's trace of one run (every hook captured at every position) and lays
 * out the forward pass at one position. Values a hook holds are taken from it; values between two hooks (the normed
 * residual, raw and scaled scores, the MLP's inside) are recomputed with the family's own kernels and end in a
 * value that must equal the next hook (its {@link Source} says which).
 */
public final class WalkthroughBuilder {
    /** The walkthrough draws a tokens x tokens mask; beyond this a classroom cannot read it. */
    public static final int MAX_TOKENS = 64;
    /** How many of the most likely next tokens the sampling steps show. */
    public static final int SHOWN_TOKENS = 12;

    /** What to show: the position, the detailed layer and head, and the sampler's settings. */
    public record Request(int position, int layer, int head, float temperature, int topK, float topP, long seed) {
    }

    private final LoadedModel loaded;
    /** The decoder's arithmetic, or null for an encoder. */
    private final BlockMath math;
    /** The encoder's arithmetic, or null for a decoder. */
    private final BertMath bert;
    /** True for a decoder: position p sees keys 0..p; an encoder's every position sees all keys. */
    private final boolean causal;
    private final ModelConfig c;
    private final int[] tokens;
    private final List<String> texts;
    private final Request r;
    private final List<Map<HookName, Captured>> captured = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();

    private WalkthroughBuilder(LoadedModel loaded, Trace trace, int[] tokens, Request r) {
        this.loaded = loaded;
        requireShown(loaded);
        this.math = switch (loaded.model()) {
            case LlamaModel l -> new BlockMath.Llama(l);
            case Gpt2Model g -> new BlockMath.Gpt2(g);
            case BertModel b -> null;
            default -> throw new IllegalArgumentException("the walkthrough follows Llama, Qwen2 and GPT-2 decoders and"
                    + " BERT encoders; " + loaded.name() + " is a " + loaded.config().architecture() + " model");
        };
        this.bert = loaded.model() instanceof BertModel b ? new BertMath(b) : null;
        this.causal = bert == null;
        this.c = loaded.config();
        this.tokens = tokens;
        this.r = r;
        if (causal) {
            for (TraceStep st : trace.steps()) {
                captured.add(st.tensors());
            }
        } else if (trace.length() == 1 && trace.steps().getFirst().get(HookName.of(HookPoint.EMBED))
                .filter(e -> e.dim(0) == tokens.length).isPresent()) {
            for (int pos = 0; pos < tokens.length; pos++) {
                captured.add(EncoderRows.at(trace.steps().getFirst().tensors(), pos, tokens.length));
            }
        } else {
            throw new IllegalArgumentException("an encoder's trace is one step holding the embeddings of all "
                    + tokens.length + " tokens; this one has " + trace.length() + " steps");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens: type a few words to walk through");
        }
        if (tokens.length > MAX_TOKENS || tokens.length > c.contextLength()) {
            throw new IllegalArgumentException("the prompt is " + tokens.length + " tokens; the walkthrough shows at most "
                    + Math.min(MAX_TOKENS, c.contextLength()) + ", shorten it");
        }
        check(r.position(), tokens.length, "position");
        check(r.layer(), c.layers(), "layer");
        check(r.head(), c.heads(), "head");
        List<String> t = new ArrayList<>();
        for (int id : tokens) {
            t.add(loaded.tokenizer() == null ? "#" + id : loaded.tokenizer().display(id));
        }
        this.texts = List.copyOf(t);
    }

    private static void check(int value, int count, String what) {
        if (value < 0 || value >= count) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.." + (count - 1));
        }
    }

    /**
     * Traces {@code prompt} once with every hook (the engine's {@link TraceRun}) and lays out that run; an
     * encoder-decoder's prompt is its source, decoded greedily ({@link Seq2SeqWalkthrough}).
     */
    public static Walkthrough run(LoadedModel model, String prompt, Request request, BooleanSupplier cancelled) {
        requireShown(model);
        if (model.isSeq2Seq()) {
            return Seq2SeqWalkthrough.run(model, prompt, request, cancelled);
        }
        if (model.tokenizer() != null && model.tokenizer().encode(prompt).length > MAX_TOKENS) {
            throw new IllegalArgumentException("the prompt is " + model.tokenizer().encode(prompt).length
                    + " tokens; the walkthrough shows at most " + MAX_TOKENS + ", shorten it");
        }
        TraceRun.Result result = TraceRun.run(new TraceRun.Request(model, prompt, HookSelection.ALL,
                new Generation.Settings(0, request.temperature(), request.topP(), request.topK(), request.seed(), false)),
                step -> { }, cancelled);
        if (result.trace().length() == 0) {
            throw new java.util.concurrent.CancellationException("the walkthrough's run was cancelled");
        }
        return build(model, result.trace(), result.tokens(), request);
    }

    /** Refuses, before any work, a model whose attention the steps would misstate. */
    private static void requireShown(LoadedModel model) {
        // the steps draw rotary positions; Transformer-XL's relative score terms (a)-(d) are not drawn yet
        if (model.model() instanceof LlamaModel l && l.relative() != null) {
            throw new IllegalArgumentException("the walkthrough does not yet show Transformer-XL relative positions,"
                    + " which " + model.name() + " uses");
        }
    }

    /**
     * Lays out the forward pass {@code request} chooses in {@code trace}, a trace with every hook
     * ({@link HookSelection#ALL}): a decoder's at every position, or an encoder's one step holding all positions.
     */
    public static Walkthrough build(LoadedModel model, Trace trace, Request request) {
        return build(model, trace, trace.tokens(), request);
    }

    /**
     * {@link #build(LoadedModel, Trace, Request)} with the run's token ids ({@link TraceRun.Result#tokens()}), which
     * an encoder's trace does not list (its one step holds every position).
     */
    public static Walkthrough build(LoadedModel model, Trace trace, int[] tokens, Request request) {
        return new WalkthroughBuilder(model, trace, tokens.clone(), request).build();
    }

    private Walkthrough build() {
        int p = r.position();
        if (causal) {
            tokenSteps(p);
        } else {
            encoderEmbedSteps(p);
        }
        for (int l = 0; l < r.layer(); l++) {
            layerSummary(l);
        }
        if (causal) {
            attentionSteps(r.layer(), r.head(), p);
            mlpSteps(r.layer(), p);
        } else {
            encoderBlockSteps(r.layer(), r.head(), p);
        }
        for (int l = r.layer() + 1; l < c.layers(); l++) {
            layerSummary(l);
        }
        int sampled = causal ? headSteps(p) : encoderOutput(p);
        return new Walkthrough(loaded.name(), texts, p, r.layer(), r.head(), sampled, causal ? p : 0, steps);
    }

    // ---- captured values ----

    private Captured hook(int pos, HookName name) {
        Captured v = captured.get(pos).get(name);
        if (v == null) {
            throw new IllegalStateException(loaded.name() + " did not capture " + name + " at position " + pos);
        }
        return v;
    }

    private float[] values(int pos, HookPoint point, int layer) {
        return hook(pos, name(point, layer)).values();
    }

    private static HookName name(HookPoint point, int layer) {
        return point.perLayer() ? HookName.of(point, layer) : HookName.of(point);
    }

    static float[] slice(float[] v, int from, int n) {
        return Arrays.copyOfRange(v, from, from + n);
    }

    private Strip captured(String label, int pos, HookPoint point, int layer) {
        float[] v = values(pos, point, layer);
        return new Strip(label, v, List.of(), source(name(point, layer), 0, v.length, true));
    }

    private Strip derived(String label, float[] v, HookName equals) {
        return new Strip(label, v, List.of(), equals == null ? null : source(equals, 0, v.length, false));
    }

    private Source source(HookName hook, int from, int count, boolean captured) {
        int[] ix = new int[count];
        for (int i = 0; i < count; i++) {
            ix[i] = from + i;
        }
        return source(hook, ix, captured);
    }

    /**
     * A source for indices into {@code hook}'s values at the walkthrough's position; for an encoder they become
     * indices into the trace's one step, which holds every position.
     */
    private Source source(HookName hook, int[] ix, boolean captured) {
        return new Source(hook.toString(), causal ? ix : EncoderRows.indicesInTrace(hook, ix, r.position(), tokens.length,
                values(r.position(), hook.point(), hook.layer()).length), captured);
    }

    private void add(StepKind kind, int layer, String formula, HookName hook, List<Values> values, Object... args) {
        steps.add(Step.of(kind, layer, formula, hook == null ? null : hook.toString(), values, args));
    }

    /** The residual entering {@code layer} at {@code pos}: the embedding or the previous block's output. */
    private Strip residualIn(int layer, int pos) {
        return layer == 0 ? captured("x", pos, HookPoint.EMBED, -1) : captured("x", pos, HookPoint.RESID_POST, layer - 1);
    }

    // ---- steps ----

    private void tokenSteps(int p) {
        add(StepKind.TOKEN, -1, "“" + texts.get(p) + "” → " + tokens[p], null,
                List.of(new Strip("id", ids(tokens), texts, null)), texts.get(p), tokens[p], p, c.vocabSize());
        float[] row = math.tokenRow(tokens[p]);
        float[] pos = math.positionRow(p);
        HookName embed = HookName.of(HookPoint.EMBED);
        if (pos == null) {
            add(StepKind.EMBED, -1, "x₀ = E[" + tokens[p] + "]", embed, List.of(derived("E[" + tokens[p] + "]", row, embed)),
                    texts.get(p), tokens[p], c.dim());
        } else {
            float[] x = row.clone();
            Kernels.add(x, pos, x.length);
            add(StepKind.EMBED, -1, "x₀ = E[" + tokens[p] + "] + P[" + p + "]", embed,
                    List.of(derived("E[" + tokens[p] + "]", row, null), derived("P[" + p + "]", pos, null), derived("x₀", x, embed)),
                    texts.get(p), tokens[p], c.dim());
        }
    }

    private void layerSummary(int l) {
        int p = r.position();
        HookName post = HookName.of(HookPoint.RESID_POST, l);
        add(causal ? StepKind.LAYER : StepKind.ENC_LAYER, l, causal ? "x ← x + attn(norm(x));  x ← x + mlp(norm(x))"
                : "x ← LayerNorm(x + attn(x));  x ← LayerNorm(x + mlp(x))", post,
                List.of(residualIn(l, p), captured("x′", p, HookPoint.RESID_POST, l)), l);
    }

    private void attentionSteps(int l, int h, int p) {
        int hd = c.headDim();
        int g = c.kvHeadOf(h);
        Strip x = residualIn(l, p);
        float[] xn = math.attnNorm(l, x.values());
        add(StepKind.NORM, l, math.normFormula(), null, List.of(x, derived("x̂", xn, null)), c.dim(), l);

        float[][] qkv = math.qkv(l, xn);
        Rope rope = math.rope();
        HookName qHook = HookName.of(HookPoint.ATTN_Q, l);
        HookName kHook = HookName.of(HookPoint.ATTN_K, l);
        HookName vHook = HookName.of(HookPoint.ATTN_V, l);
        String bias = math.hasBias() ? " + b" : "";
        add(StepKind.QKV, l, "q = W_q x̂" + bias + ",  k = W_k x̂" + bias + ",  v = W_v x̂" + bias, vHook, List.of(
                sliceOf("q" + sub(h), qkv[0], h * hd, hd, rope == null ? qHook : null),
                sliceOf("k" + sub(g), qkv[1], g * hd, hd, rope == null ? kHook : null),
                sliceOf("v" + sub(g), qkv[2], g * hd, hd, vHook)), h, g, hd, l);
        if (rope != null) {
            float[] q = qkv[0].clone();
            float[] k = qkv[1].clone();
            rope.apply(q, 0, c.heads(), hd, p);
            rope.apply(k, 0, c.kvHeads(), hd, p);
            float[] angles = new float[hd / 2];
            for (int i = 0; i < angles.length; i++) {
                angles[i] = p * rope.invFreq()[i];
            }
            add(StepKind.ROPE, l, "(a, b) ← (a·cos φᵢ − b·sin φᵢ,  a·sin φᵢ + b·cos φᵢ),  φᵢ = p·θ^(−2i/d)", qHook, List.of(
                    derived("φ", angles, null),
                    sliceOf("q" + sub(h) + "′", q, h * hd, hd, qHook),
                    sliceOf("k" + sub(g) + "′", k, g * hd, hd, kHook)), p, hd / 2, c.ropeTheta());
        }

        float[] heads = attendSteps(l, h, g, p);

        HookName attnOut = HookName.of(HookPoint.ATTN_OUT, l);
        float[] out = math.outProj(l, heads);
        add(StepKind.OUT_PROJ, l, "attn = W_o [o₀ ; … ; o" + sub(c.heads() - 1) + "]" + bias, attnOut,
                List.of(derived("attn", out, attnOut)), c.qDim(), c.dim());

        float[] mid = x.values();
        Kernels.add(mid, out, mid.length);
        HookName residMid = HookName.of(HookPoint.RESID_MID, l);
        add(StepKind.RESID_MID, l, "x′ = x + attn", residMid,
                List.of(x, derived("attn", out, attnOut), derived("x′", mid, residMid)), l);
    }

    private void mlpSteps(int l, int p) {
        Strip mid = captured("x′", p, HookPoint.RESID_MID, l);
        BlockMath.MlpShape shape = math.mlp(l);
        HookName mlpOut = HookName.of(HookPoint.MLP_OUT, l);
        float[] down;
        if (shape == null) {
            return; // attention-only block: x′ is the block's output
        }
        float[] xn = math.mlpNorm(l, mid.values());
        add(StepKind.MLP_NORM, l, math.normFormula(), null, List.of(mid, derived("x̂′", xn, null)), c.dim());
        if (shape == BlockMath.MlpShape.EXPERTS) {
            HookName route = HookName.of(HookPoint.ROUTE, l);
            Captured rc = hook(p, route);
            int experts = rc.dim(1);
            List<String> names = new ArrayList<>();
            for (int e = 0; e < experts; e++) {
                names.add("E" + sub(e));
            }
            add(StepKind.ROUTER, l, "P(e) = softmax(W_r x̂′)ₑ", route, List.of(
                    new Grid("route", 2, experts, rc.values(), List.of("P(e)", "wₑ"), names,
                            source(route, 0, rc.values().length, true))), experts);
            down = values(p, HookPoint.MLP_OUT, l);
            add(StepKind.MLP_DOWN, l, "mlp = Σₑ wₑ · W_down,ₑ (silu(W_gate,ₑ x̂′) ⊙ W_up,ₑ x̂′)", mlpOut,
                    List.of(captured("mlp", p, HookPoint.MLP_OUT, l)), c.hiddenDim(), c.dim());
        } else {
            float[][] in = math.mlpIn(l, xn);
            float[] act = math.mlpAct(in);
            down = math.mlpDown(l, act);
            if (shape == BlockMath.MlpShape.SWIGLU) {
                add(StepKind.MLP_GATE_UP, l, "g = W_gate x̂′,   u = W_up x̂′", null,
                        List.of(derived("g", in[0], null), derived("u", in[1], null)), c.hiddenDim(), c.dim());
                add(StepKind.MLP_ACT, l, "h = silu(g) ⊙ u,   silu(z) = z / (1 + e^(−z))", null,
                        List.of(derived("h", act, null)), c.hiddenDim());
                add(StepKind.MLP_DOWN, l, "mlp = W_down h", mlpOut, List.of(derived("mlp", down, mlpOut)), c.hiddenDim(), c.dim());
            } else {
                add(StepKind.MLP_GATE_UP, l, "u = W_fc x̂′ + b_fc", null, List.of(derived("u", in[0], null)),
                        c.hiddenDim(), c.dim());
                add(StepKind.MLP_ACT, l, "h = gelu(u) = ½u(1 + tanh(√(2/π)(u + 0.044715u³)))", null,
                        List.of(derived("h", act, null)), c.hiddenDim());
                add(StepKind.MLP_DOWN, l, "mlp = W_proj h + b_proj", mlpOut, List.of(derived("mlp", down, mlpOut)),
                        c.hiddenDim(), c.dim());
            }
        }
        float[] post = mid.values();
        Kernels.add(post, down, post.length);
        HookName residPost = HookName.of(HookPoint.RESID_POST, l);
        add(StepKind.RESID_POST, l, "x″ = x′ + mlp", residPost,
                List.of(mid, new Strip("mlp", down, List.of(), null), derived("x″", post, residPost)), l);
    }

    /** Final norm, logits and the sampler; returns the sampled token. */
    private int headSteps(int p) {
        float[] last = values(p, HookPoint.RESID_POST, c.layers() - 1);
        HookName lnFinal = HookName.of(HookPoint.FINAL_NORM);
        float[] xn = math.finalNorm(last);
        add(StepKind.FINAL_NORM, -1, math.normFormula(), lnFinal, List.of(
                new Strip("x", last, List.of(), source(HookName.of(HookPoint.RESID_POST, c.layers() - 1), 0, last.length, true)),
                derived("x̂", xn, lnFinal)), c.dim());

        HookName logitsHook = HookName.of(HookPoint.LOGITS);
        float[] z = math.unembed(values(p, HookPoint.FINAL_NORM, -1));
        int[] top = topIndices(z, Math.min(SHOWN_TOKENS, z.length));
        List<String> names = new ArrayList<>();
        for (int id : top) {
            names.add(loaded.tokenizer() == null ? "#" + id : loaded.tokenizer().display(id));
        }
        add(StepKind.LOGITS, -1, "z = W_out x̂", logitsHook,
                List.of(new Strip("z", pick(z, top), names, source(logitsHook, top, false))), c.vocabSize(), top.length);

        Sampler sampler = new Sampler(c.vocabSize(), r.temperature(), r.topP(), r.topK(), r.seed());
        float[] tempered = sampler.tempered(z);
        add(StepKind.TEMPERATURE, -1, "pᵢ = e^(zᵢ/T) / Σⱼ e^(zⱼ/T),   T = " + fmt(r.temperature()), null,
                List.of(new Strip("p", pick(tempered, top), names, null)), r.temperature());
        float[] kept = sampler.distribution(z);
        int survivors = 0;
        for (float v : kept) {
            if (v > 0) survivors++;
        }
        add(StepKind.TOP_K_P, -1, "p′ ∝ p · [i ∈ top-" + (r.topK() == 0 ? "∞" : r.topK()) + " ∩ top-p " + fmt(r.topP()) + "]", null,
                List.of(new Strip("p′", pick(kept, top), names, null)), r.topK(), r.topP(), survivors);
        int sampled = sampler.sample(z);
        String text = loaded.tokenizer() == null ? "#" + sampled : loaded.tokenizer().display(sampled);
        add(StepKind.SAMPLE, -1, "next ~ p′  →  “" + text + "” (" + sampled + ")", null,
                List.of(new Strip("p′", new float[] {kept[sampled]}, List.of(text), null)), text, sampled, kept[sampled]);
        return sampled;
    }

    /** How many keys position {@code i} attends to: 0..i for a decoder, every position for an encoder. */
    private int visible(int i) {
        return causal ? i + 1 : tokens.length;
    }

    /**
     * q·k, scale, mask, softmax, weighted sum and concatenation for head {@code h} (key/value head {@code g}) of
     * layer {@code l} at {@code p}, from the captured queries, keys and values; returns all heads' outputs at p.
     */
    private float[] attendSteps(int l, int h, int g, int p) {
        int hd = c.headDim();
        int n = visible(p);
        int len = tokens.length;
        float[] q = slice(values(p, HookPoint.ATTN_Q, l), h * hd, hd);
        float[] keys = rows(HookPoint.ATTN_K, l, g, n);
        float[] raw = new float[n];
        Kernels.scores(q, 0, keys, 0, n, hd, 1f, raw, 0);
        List<String> seen = texts.subList(0, n);
        add(causal ? StepKind.SCORES : StepKind.ENC_SCORES, l, "sₜ = q · kₜ", null, List.of(
                new Grid("K" + sub(g), n, hd, keys, seen, List.of(), null),
                new Strip("q·kₜ", raw, seen, null)), n, h);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] scaled = new float[n];
        Kernels.scores(q, 0, keys, 0, n, hd, scale, scaled, 0);
        add(StepKind.SCALE, l, "sₜ / √d = sₜ / √" + hd + " = sₜ × " + String.format(Locale.ROOT, "%.4f", scale), null,
                List.of(new Strip("sₜ/√d", scaled, seen, null)), hd, scale);

        float[] all = new float[len * len];
        float[] allKeys = rows(HookPoint.ATTN_K, l, g, len);
        for (int i = 0; i < len; i++) {
            Kernels.scores(values(i, HookPoint.ATTN_Q, l), h * hd, allKeys, 0, visible(i), hd, scale, all, i * len);
            Arrays.fill(all, i * len + visible(i), (i + 1) * len, Float.NEGATIVE_INFINITY);
        }
        List<Values> maskValues = List.of(new Grid("S + M", len, len, all, texts, texts, null),
                new Strip("(S + M)" + sub(p), slice(all, p * len, len), texts, null));
        if (causal) {
            add(StepKind.MASK, l, "sₜ + mₜ,   mₜ = 0 (t ≤ " + p + "),  −∞ (t > " + p + ")", null, maskValues, p, len);
        } else {
            add(StepKind.NO_MASK, l, "sₜ + mₜ,   mₜ = 0 (0 ≤ t < " + len + ")", null, maskValues, p, len);
        }

        float[] a = scaled.clone();
        Kernels.softmax(a, 0, n);
        HookName pattern = HookName.of(HookPoint.ATTN_PATTERN, l);
        float[] patternGrid = new float[len * len];
        for (int i = 0; i < len; i++) {
            System.arraycopy(values(i, HookPoint.ATTN_PATTERN, l), h * visible(i), patternGrid, i * len, visible(i));
        }
        add(causal ? StepKind.SOFTMAX : StepKind.ENC_SOFTMAX, l, "aₜ = e^(sₜ) / Σⱼ e^(sⱼ)", pattern, List.of(
                new Strip("aₜ", a, seen, source(pattern, h * n, n, false)),
                new Grid("A" + sub(h), len, len, patternGrid, texts, texts, null)), h, p);

        float[] vals = rows(HookPoint.ATTN_V, l, g, n);
        float[] o = new float[hd];
        Kernels.weightedSum(a, 0, n, vals, 0, hd, o, 0);
        HookName headOut = HookName.of(HookPoint.ATTN_HEAD_OUT, l);
        add(StepKind.WEIGHTED_SUM, l, "o" + sub(h) + " = Σₜ aₜ vₜ", headOut, List.of(
                new Grid("V" + sub(g), n, hd, vals, seen, List.of(), null),
                new Strip("o" + sub(h), o, List.of(), source(headOut, h * hd, hd, false))), h, n);

        float[] heads = values(p, HookPoint.ATTN_HEAD_OUT, l);
        List<String> headNames = new ArrayList<>();
        for (int i = 0; i < c.heads(); i++) {
            headNames.add("o" + sub(i));
        }
        add(StepKind.CONCAT, l, "[o₀ ; o₁ ; … ; o" + sub(c.heads() - 1) + "]", headOut, List.of(
                new Grid("o", c.heads(), hd, heads, headNames, List.of(), source(headOut, 0, heads.length, true))),
                c.heads(), c.qDim());
        return heads;
    }

    // ---- encoder (BERT) steps ----

    /** Token → id, word + position + type rows, and the embedding LayerNorm that gives hook embed. */
    private void encoderEmbedSteps(int p) {
        add(StepKind.TOKEN, -1, "“" + texts.get(p) + "” → " + tokens[p], null,
                List.of(new Strip("id", ids(tokens), texts, null)), texts.get(p), tokens[p], p, c.vocabSize());
        int type = 0; // one sentence: every token is of type 0 (the run passes no type ids)
        float[] sum = bert.embeddingSum(tokens[p], p, type);
        add(StepKind.ENC_EMBED, -1, "e = W[" + tokens[p] + "] + P[" + p + "] + T[" + type + "]", null, List.of(
                derived("W[" + tokens[p] + "]", bert.wordRow(tokens[p]), null),
                derived("P[" + p + "]", bert.positionRow(p), null),
                derived("T[" + type + "]", bert.typeRow(type), null),
                derived("e", sum, null)), texts.get(p), tokens[p], p, type, c.dim());
        HookName embed = HookName.of(HookPoint.EMBED);
        add(StepKind.ENC_EMBED_NORM, -1, "x₀ = LayerNorm(e) = (e − μ) / √(σ² + ε) ⊙ γ + β", embed,
                List.of(derived("x₀", bert.embeddingNorm(sum), embed)), c.dim());
    }

    /** The chosen layer of a post-LN encoder block: attention without a mask, add and norm, GELU MLP, add and norm. */
    private void encoderBlockSteps(int l, int h, int p) {
        int hd = c.headDim();
        Strip x = residualIn(l, p);
        float[][] qkv = bert.qkv(l, x.values());
        add(StepKind.QKV, l, "q = W_q x + b,  k = W_k x + b,  v = W_v x + b", HookName.of(HookPoint.ATTN_V, l), List.of(
                x,
                sliceOf("q" + sub(h), qkv[0], h * hd, hd, HookName.of(HookPoint.ATTN_Q, l)),
                sliceOf("k" + sub(h), qkv[1], h * hd, hd, HookName.of(HookPoint.ATTN_K, l)),
                sliceOf("v" + sub(h), qkv[2], h * hd, hd, HookName.of(HookPoint.ATTN_V, l))), h, h, hd, l);
        float[] heads = attendSteps(l, h, h, p);

        HookName attnOut = HookName.of(HookPoint.ATTN_OUT, l);
        float[] out = bert.outProj(l, heads);
        add(StepKind.OUT_PROJ, l, "attn = W_o [o₀ ; … ; o" + sub(c.heads() - 1) + "] + b", attnOut,
                List.of(derived("attn", out, attnOut)), c.qDim(), c.dim());
        HookName residMid = HookName.of(HookPoint.RESID_MID, l);
        add(StepKind.ADD_NORM_ATTN, l, "x′ = LayerNorm(x + attn)", residMid,
                List.of(x, derived("attn", out, attnOut), derived("x′", bert.addNormAttn(l, x.values(), out), residMid)), l);

        Strip mid = captured("x′", p, HookPoint.RESID_MID, l);
        float[] u = bert.mlpIn(l, mid.values());
        float[] act = bert.gelu(u);
        HookName mlpOut = HookName.of(HookPoint.MLP_OUT, l);
        float[] down = bert.mlpOut(l, act);
        add(StepKind.MLP_GATE_UP, l, "u = W_in x′ + b_in", null, List.of(mid, derived("u", u, null)), c.hiddenDim(), c.dim());
        add(StepKind.MLP_ACT, l, "h = gelu(u) = ½u(1 + erf(u / √2))", null, List.of(derived("h", act, null)), c.hiddenDim());
        add(StepKind.MLP_DOWN, l, "mlp = W_out h + b_out", mlpOut, List.of(derived("mlp", down, mlpOut)), c.hiddenDim(), c.dim());
        HookName residPost = HookName.of(HookPoint.RESID_POST, l);
        add(StepKind.ADD_NORM_MLP, l, "x″ = LayerNorm(x′ + mlp)", residPost,
                List.of(mid, derived("mlp", down, mlpOut), derived("x″", bert.addNormMlp(l, mid.values(), down), residPost)), l);
    }

    /** The last hidden state at p and the sentence embedding pooled from all positions; returns -1 (no sample). */
    private int encoderOutput(int p) {
        int last = c.layers() - 1;
        float[][] hidden = new float[tokens.length][];
        for (int t = 0; t < hidden.length; t++) {
            hidden[t] = values(t, HookPoint.RESID_POST, last);
        }
        SentencePooling pooling = ((BertModel) loaded.model()).pooling();
        double[] e = pooling.embed(hidden);
        float[] sentence = new float[e.length];
        for (int i = 0; i < e.length; i++) {
            sentence[i] = (float) e[i];
        }
        String pooled = pooling == SentencePooling.CLS ? "h₀" : "mean(h₀ … h" + sub(hidden.length - 1) + ")";
        add(StepKind.ENCODER_OUTPUT, -1, "h" + sub(p) + " = x″" + sub(p) + " (L" + last + "),   ē = " + pooled + " / ‖" + pooled + "‖",
                HookName.of(HookPoint.RESID_POST, last),
                List.of(captured("h" + sub(p), p, HookPoint.RESID_POST, last), derived("ē", sentence, null)),
                p, c.dim(), pooling.label(), hidden.length);
        return -1;
    }

    // ---- helpers ----

    /** Head {@code g}'s slice of {@code point} at positions 0..n-1 as an n x headDim matrix. */
    private float[] rows(HookPoint point, int layer, int g, int n) {
        int hd = c.headDim();
        float[] out = new float[n * hd];
        for (int t = 0; t < n; t++) {
            System.arraycopy(values(t, point, layer), g * hd, out, t * hd, hd);
        }
        return out;
    }

    private Strip sliceOf(String label, float[] v, int from, int n, HookName equals) {
        return new Strip(label, slice(v, from, n), List.of(), equals == null ? null : source(equals, from, n, false));
    }

    /** Token ids as the numbers a strip shows. */
    static float[] ids(int[] ids) {
        float[] out = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private static float[] pick(float[] v, int[] ix) {
        float[] out = new float[ix.length];
        for (int i = 0; i < ix.length; i++) {
            out[i] = v[ix[i]];
        }
        return out;
    }

    /** The indices of the {@code k} largest values, largest first (ties by lower index). */
    static int[] topIndices(float[] v, int k) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static String fmt(float v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A number as Unicode subscript digits (q₁₂). */
    static String sub(int n) {
        StringBuilder s = new StringBuilder();
        for (char ch : Integer.toString(n).toCharArray()) {
            s.append((char) ('₀' + (ch - '0')));
        }
        return s.toString();
    }
}
