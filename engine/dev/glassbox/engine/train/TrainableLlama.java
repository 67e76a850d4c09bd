package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.routing.Path;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.tensor.Parallel;

/**
 * A Llama-style decoder with its forward and backward passes written out layer by layer (after llm.c):
 * embedding; per block RMSNorm, q/k/v, RoPE, causal attention, output projection, residual, then RMSNorm,
 * SwiGLU MLP, residual; final RMSNorm; unembedding; cross-entropy. Same arithmetic as the inference
 * {@link dev.glassbox.engine.model.LlamaModel}, so a saved checkpoint runs there unchanged. The shape's
 * {@link BlockDesign} swaps in LayerNorm, GPT-2's GELU MLP, learned positions and projection biases
 * (as {@link dev.glassbox.engine.model.Gpt2Model} computes them).
 */
public final class TrainableLlama {

    /** The weights of one block; the MLP fields are null in an attention-only model, the dense ones with experts. */
    record Block(Param attnNorm, Param wq, Param wk, Param wv, Param wo,
                 Param ffnNorm, Param wGate, Param wUp, Param wDown, MixtureOfExperts moe) {
    }

    /** Activations of one block kept for the backward pass. */
    private static final class BlockActs {
        float[] attnNormed, attnRstd, q, k, v, att, attSlots, attnOut, mid, ffnNormed, ffnRstd, gate, up, act;
        float[] slotK, slotV; // learned compressed slots (compressive fn=conv)
        float[] relR; // xl-relative positions: this layer's R W_R^T for the forward's length
        float[] reconGradK, reconGradV; // the reconstruction loss's gradient for this layer's convolution, found with its value
        float[] attnMean, ffnMean; // LayerNorm only
    }

    private final ModelShape shape;
    private final Parallel par;
    /** Asked while the constructor allocates (only there). */
    private final BooleanSupplier stop;
    private final Param embed;
    private final Block[] blocks;
    private final Param finalNorm;
    private final Param lmHead;
    private final BlockExtras[] extras;
    private final Param positions;
    private final Param finalNormBias;
    private final List<Param> params;
    private final Rope rope;
    private final Param relContentBias, relPositionBias; // xl-relative: u and v of Dai et al. 2019 sec. 3.3, shared by layers
    private final Param[] relNet; // xl-relative: each layer's W_R
    private final CompressionConv compression;
    private double reconstruction;

    private int batch;
    private int seq;
    private Path[] rowPaths;
    private long expertSeed;
    private int[] inputs;
    private AttentionMask mask;
    private BlockActs[] acts;
    private float[] residual, finalNormed, finalRstd, finalMean, probs, losses;

    /** Names of the xl-relative tensors (Glassbox-specific, after the reference code's r_w_bias, r_r_bias, r_net). */
    public static final String RELATIVE_PREFIX = dev.glassbox.engine.model.RelativePositions.PREFIX;

    public TrainableLlama(ModelShape shape, Parallel par) {
        this(shape, par, () -> false);
    }

    /**
     * The model with zeroed weights and gradients, {@code stop} asked before each array is allocated (see
     * {@link Param#allocate}): a stop throws {@link CancellationException}.
     */
    public TrainableLlama(ModelShape shape, Parallel par, BooleanSupplier stop) {
        this.shape = shape;
        this.par = par;
        this.stop = stop;
        int d = shape.dim();
        List<Param> ps = new ArrayList<>();
        BlockDesign design = shape.design();
        boolean layerNorm = design.norm() == BlockDesign.Norm.LAYER;
        boolean gelu = design.mlp() == BlockDesign.Mlp.GELU;
        boolean ab = design.attentionBias();
        embed = add(ps, "model.embed_tokens.weight", shape.vocab(), d);
        positions = design.positions() == BlockDesign.Positions.LEARNED
                ? add(ps, "model.embed_positions.weight", shape.seq(), d) : null;
        boolean relative = design.positions() == BlockDesign.Positions.XL_RELATIVE;
        relContentBias = relative ? add(ps, RELATIVE_PREFIX + "r_w_bias", shape.qDim(), 1) : null;
        relPositionBias = relative ? add(ps, RELATIVE_PREFIX + "r_r_bias", shape.qDim(), 1) : null;
        relNet = relative ? new Param[shape.layers()] : null;
        blocks = new Block[shape.layers()];
        extras = new BlockExtras[shape.layers()];
        for (int l = 0; l < shape.layers(); l++) {
            String p = "model.layers." + l + ".";
            Param an = add(ps, p + "input_layernorm.weight", d, 1);
            Param anb = layerNorm ? add(ps, p + "input_layernorm.bias", d, 1) : null;
            Param q = add(ps, p + "self_attn.q_proj.weight", shape.qDim(), d);
            Param qb = ab ? add(ps, p + "self_attn.q_proj.bias", shape.qDim(), 1) : null;
            Param k = add(ps, p + "self_attn.k_proj.weight", shape.kvDim(), d);
            Param kb = ab ? add(ps, p + "self_attn.k_proj.bias", shape.kvDim(), 1) : null;
            Param v = add(ps, p + "self_attn.v_proj.weight", shape.kvDim(), d);
            Param vb = ab ? add(ps, p + "self_attn.v_proj.bias", shape.kvDim(), 1) : null;
            Param o = add(ps, p + "self_attn.o_proj.weight", d, shape.qDim());
            Param ob = ab ? add(ps, p + "self_attn.o_proj.bias", d, 1) : null;
            Param fn = null, fnb = null, g = null, u = null, ub = null, dn = null, dnb = null;
            MixtureOfExperts moe = null;
            if (shape.routing().moe()) {
                fn = add(ps, p + "post_attention_layernorm.weight", d, 1);
                fnb = layerNorm ? add(ps, p + "post_attention_layernorm.bias", d, 1) : null;
                moe = new MixtureOfExperts(l, shape, ps, par, stop);
            } else if (!shape.attentionOnly()) {
                fn = add(ps, p + "post_attention_layernorm.weight", d, 1);
                fnb = layerNorm ? add(ps, p + "post_attention_layernorm.bias", d, 1) : null;
                if (gelu) {
                    u = add(ps, p + "mlp.c_fc.weight", shape.hidden(), d);
                    ub = add(ps, p + "mlp.c_fc.bias", shape.hidden(), 1);
                    dn = add(ps, p + "mlp.c_proj.weight", d, shape.hidden());
                    dnb = add(ps, p + "mlp.c_proj.bias", d, 1);
                } else {
                    g = add(ps, p + "mlp.gate_proj.weight", shape.hidden(), d);
                    u = add(ps, p + "mlp.up_proj.weight", shape.hidden(), d);
                    dn = add(ps, p + "mlp.down_proj.weight", d, shape.hidden());
                }
            }
            if (relative) relNet[l] = add(ps, RELATIVE_PREFIX + l + ".r_net.weight", shape.qDim(), d);
            blocks[l] = new Block(an, q, k, v, o, fn, g, u, dn, moe);
            extras[l] = new BlockExtras(anb, qb, kb, vb, ob, fnb, ub, dnb);
        }
        finalNorm = add(ps, "model.norm.weight", d, 1);
        finalNormBias = layerNorm ? add(ps, "model.norm.bias", d, 1) : null;
        lmHead = shape.tied() ? embed : add(ps, "lm_head.weight", shape.vocab(), d);
        compression = shape.context().policy() instanceof dev.glassbox.engine.context.ContextPolicy.Compressive c
                && c.pool() == dev.glassbox.engine.context.ContextPolicy.Compressive.Pool.CONV
                ? new CompressionConv(shape.layers(), shape.kvDim(), c.rate(), ps) : null;
        params = Collections.unmodifiableList(ps);
        rope = design.positions() == BlockDesign.Positions.ROPE ? new Rope(shape.headDim(), shape.seq(), shape.ropeTheta()) : null;
    }

    private Param add(List<Param> ps, String name, int rows, int cols) {
        Param p = Param.allocate(name, rows, cols, stop);
        ps.add(p);
        return p;
    }

    /**
     * GPT-2's initialisation (Radford et al. 2019, sec. 2.3): N(0, 0.02), residual output projections scaled
     * by 1/sqrt(2 * layers); norm gains 1, biases 0. Drawn in parameter order from one seeded generator.
     */
    public void initialise(long seed) {
        initialise(seed, () -> false);
    }

    /**
     * {@link #initialise(long)} asking {@code stop} before each parameter (drawing a stories110M-shaped model takes
     * seconds, one 768 x 2048 matrix tens of ms); false when it stopped, the weights then part drawn.
     */
    public boolean initialise(long seed, java.util.function.BooleanSupplier stop) {
        Random r = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * shape.layers());
        for (Param p : params) {
            if (stop.getAsBoolean()) return false;
            float[] w = p.value();
            if (!p.isMatrix()) {
                Arrays.fill(w, p.name().endsWith(".bias") || p.name().endsWith("_bias") ? 0f : 1f);
                continue;
            }
            boolean residualOut = p.name().endsWith("o_proj.weight") || p.name().endsWith("down_proj.weight")
                    || p.name().endsWith(".w2.weight") || p.name().endsWith("mlp.c_proj.weight");
            double std = residualOut ? residualStd : 0.02;
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (r.nextGaussian() * std);
            }
        }
        if (compression != null) compression.initialiseAsMean();
        return true;
    }

    public ModelShape shape() { return shape; }

    /** Parameters in a fixed order (tied models list the embedding once). */
    public List<Param> params() { return params; }

    public Map<String, Param> paramsByName() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params) {
            m.put(p.name(), p);
        }
        return m;
    }

    public long parameterCount() {
        long n = 0;
        for (Param p : params) {
            n += p.size();
        }
        return n;
    }

    private void ensureBuffers(int b, int t) {
        if (t > shape.seq()) {
            throw new IllegalArgumentException("sequence of " + t + " exceeds the model's context of " + shape.seq());
        }
        if (b == batch && t == seq) {
            return;
        }
        batch = b;
        seq = t;
        mask = AttentionMask.of(shape.context(), t);
        int n = b * t;
        int d = shape.dim();
        acts = new BlockActs[shape.layers()];
        for (int l = 0; l < shape.layers(); l++) {
            BlockActs a = new BlockActs();
            a.attnNormed = new float[n * d];
            a.attnRstd = new float[n];
            a.q = new float[n * shape.qDim()];
            a.k = new float[n * shape.kvDim()];
            a.v = new float[n * shape.kvDim()];
            a.att = new float[b * shape.heads() * t * t];
            a.attSlots = mask == null ? null : new float[b * shape.heads() * t * mask.slots];
            a.attnOut = new float[n * shape.qDim()];
            a.mid = new float[n * d];
            a.attnMean = new float[n];
            if (!shape.attentionOnly()) {
                a.ffnNormed = new float[n * d];
                a.ffnRstd = new float[n];
                a.ffnMean = new float[n];
                a.gate = new float[n * shape.hidden()];
                a.up = new float[n * shape.hidden()];
                a.act = new float[n * shape.hidden()];
            }
            acts[l] = a;
        }
        residual = new float[(shape.layers() + 1) * n * d];
        finalNormed = new float[n * d];
        finalRstd = new float[n];
        finalMean = new float[n];
        probs = new float[n * shape.vocab()];
        losses = new float[n];
    }

    /**
     * Runs the forward pass on {@code batch} rows of {@code seq} tokens and returns the mean loss over the
     * targets that are not {@link CrossEntropy#IGNORE}. Afterwards {@link #probabilities()} holds the softmax.
     */
    public double forward(int[] tokens, int[] targets, int b, int t) {
        return forward(tokens, targets, b, t, NEVER);
    }

    /**
     * {@link #forward(int[], int[], int, int)} that asks {@code cancelled} before each half of every layer, before its
     * down projection, before the unembedding and inside every large matrix product (per tile of rows, see
     * {@code MatMul.product}), and throws {@link CancellationException} when it says yes. Only activations are written before
     * that point: the parameters (and their gradients) are as they were.
     */
    public double forward(int[] tokens, int[] targets, int b, int t, BooleanSupplier cancelled) {
        ensureBuffers(b, t);
        int n = b * t;
        int d = shape.dim();
        inputs = tokens;
        reconstruction = 0;
        Embedding.forward(residual, tokens, embed.value(), n, d);
        if (positions != null) {
            LearnedPositions.forward(residual, positions.value(), n, t, d);
        }
        float[] x = new float[n * d];
        float[] tmp = new float[n * d];
        for (int l = 0; l < shape.layers(); l++) {
            checkCancel(cancelled, "forward", l);
            Block w = blocks[l];
            BlockActs a = acts[l];
            System.arraycopy(residual, l * n * d, x, 0, n * d);
            BlockExtras e = extras[l];
            normForward(a.attnNormed, a.attnMean, a.attnRstd, x, w.attnNorm(), e.attnNormBias(), n);
            Linear.forward(a.q, a.attnNormed, w.wq().value(), n, d, shape.qDim(), par, cancelled);
            Linear.forward(a.k, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par, cancelled);
            Linear.forward(a.v, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par, cancelled);
            addBias(a.q, e.bq(), n);
            addBias(a.k, e.bk(), n);
            addBias(a.v, e.bv(), n);
            if (rope != null) {
                rope.forward(a.q, n, t, shape.heads());
                rope.forward(a.k, n, t, shape.kvHeads());
            }
            if (relNet != null) {
                a.relR = RelativeAttention.projected(relNet[l].value(), t, shape.qDim(), d);
                RelativeAttention.forward(a.attnOut, a.att, a.q, a.k, a.v, relContentBias.value(), relPositionBias.value(),
                        a.relR, mask == null ? null : mask.visible, b, t, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            } else if (mask == null) {
                Attention.forward(a.attnOut, a.att, a.q, a.k, a.v, b, t, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            } else {
                if (compression != null) {
                    a.slotK = CompressionConv.slots(compression.key(l).value(), a.k, mask, b, shape.kvDim(), compression.rate);
                    a.slotV = CompressionConv.slots(compression.value(l).value(), a.v, mask, b, shape.kvDim(), compression.rate);
                }
                MaskedAttention.forward(a.attnOut, a.att, a.attSlots, a.q, a.k, a.v, a.slotK, a.slotV, mask, b,
                        shape.heads(), shape.kvHeads(), shape.headDim(), par);
                if (compression != null) {
                    a.reconGradK = new float[compression.key(l).size()];
                    a.reconGradV = new float[compression.value(l).size()];
                }
                reconstruction += ContextTraining.reconstructionLoss(this, l, a.q, a.k, a.v, a.reconGradK, a.reconGradV);
            }
            Linear.forward(tmp, a.attnOut, w.wo().value(), n, shape.qDim(), d, par, cancelled);
            addBias(tmp, e.bo(), n);
            for (int i = 0; i < n * d; i++) {
                a.mid[i] = x[i] + tmp[i];
            }
            int next = (l + 1) * n * d;
            if (shape.attentionOnly()) {
                System.arraycopy(a.mid, 0, residual, next, n * d);
                skipRows(l, t, d);
                continue;
            }
            checkCancel(cancelled, "forward", l);
            int h = shape.hidden();
            normForward(a.ffnNormed, a.ffnMean, a.ffnRstd, a.mid, w.ffnNorm(), e.ffnNormBias(), n);
            if (w.moe() != null) {
                w.moe().forward(tmp, a.ffnNormed, tokens, n, new Random(expertSeed * 0x9E3779B97F4A7C15L + l));
            } else {
                Linear.forward(a.up, a.ffnNormed, w.wUp().value(), n, d, h, par, cancelled);
                if (w.wGate() != null) {
                    Linear.forward(a.gate, a.ffnNormed, w.wGate().value(), n, d, h, par, cancelled);
                    SwiGlu.forward(a.act, a.gate, a.up, n * h);
                } else {
                    addBias(a.up, e.upBias(), n);
                    Gelu.forward(a.act, a.up, n * h);
                }
                checkCancel(cancelled, "forward", l);
                Linear.forward(tmp, a.act, w.wDown().value(), n, h, d, par, cancelled);
                addBias(tmp, e.downBias(), n);
            }
            for (int i = 0; i < n * d; i++) {
                residual[next + i] = a.mid[i] + tmp[i];
            }
            skipRows(l, t, d);
        }
        checkCancel(cancelled, "forward", shape.layers());
        float[] last = Arrays.copyOfRange(residual, shape.layers() * n * d, (shape.layers() + 1) * n * d);
        normForward(finalNormed, finalMean, finalRstd, last, finalNorm, finalNormBias, n);
        Linear.forward(probs, finalNormed, lmHead.value(), n, d, shape.vocab(), par, cancelled);
        if (targets == null) {
            return Double.NaN;
        }
        return CrossEntropy.forward(probs, losses, targets, n, shape.vocab());
    }

    /**
     * Routing for the following forwards: {@code paths} gives each batch row the layers it runs (null = all, see
     * {@link RandomRouting}); {@code seed} seeds the random expert router.
     */
    void setRouting(Path[] paths, long seed) {
        rowPaths = paths == null ? null : paths.clone();
        expertSeed = seed;
    }

    /** Rows whose path skips layer {@code l} leave it with their input: residual[l + 1] = residual[l]. */
    private void skipRows(int l, int t, int d) {
        if (rowPaths == null) {
            return;
        }
        int n = batch * t;
        for (int r = 0; r < batch; r++) {
            if (!rowPaths[r].runs(l)) {
                System.arraycopy(residual, l * n * d + r * t * d, residual, (l + 1) * n * d + r * t * d, t * d);
            }
        }
    }

    /** After {@link #forward}: the summed load-balancing loss of the MoE layers (alpha included; 0 for dense models). */
    public double balanceLoss() {
        double s = 0;
        for (Block b : blocks) {
            if (b.moe() != null) s += b.moe().balanceLoss();
        }
        return s;
    }

    /**
     * After {@link #forward} under compressive memory: the attention-reconstruction loss summed over layers
     * ({@link ReconstructionLoss}); 0 for other methods.
     */
    public double reconstructionLoss() {
        return reconstruction;
    }

    /** The learned compression (compressive fn=conv), else null. */
    CompressionConv compression() {
        return compression;
    }

    /** Geometry of the reconstruction loss on the current batch. */
    ReconstructionLoss.Geometry reconstructionGeometry(int segment, int rate) {
        return new ReconstructionLoss.Geometry(batch, seq, shape.heads(), shape.kvHeads(), shape.headDim(), segment, rate);
    }

    /** After {@link #forward}: the experts of each position in MoE layer {@code layer}, first choice first. */
    public int[][] experts(int layer) {
        if (blocks[layer].moe() == null) throw new IllegalArgumentException("layer " + layer + " has no experts");
        return blocks[layer].moe().chosen();
    }

    /** The logits of one sequence (batch 1), [tokens.length, vocab], without touching gradients. */
    public float[] logits(int[] tokens) {
        forward(tokens, null, 1, tokens.length);
        return Arrays.copyOf(probs, tokens.length * shape.vocab());
    }

    /**
     * Samples {@code n} tokens after {@code prompt} by recomputing the whole window each step (slow but
     * independent of any cache); temperature 0 is greedy. Stops early at BOS (the document separator).
     */
    public int[] generate(int[] prompt, int n, float temperature, Random r) {
        int[] seqTokens = java.util.Arrays.copyOf(prompt, prompt.length + n);
        int len = prompt.length;
        int vocab = shape.vocab();
        for (int i = 0; i < n; i++) {
            int from = Math.max(0, len - shape.seq());
            float[] logits = logits(java.util.Arrays.copyOfRange(seqTokens, from, len));
            int off = (len - from - 1) * vocab;
            int next = 0;
            if (temperature <= 0) {
                for (int v = 1; v < vocab; v++) {
                    if (logits[off + v] > logits[off + next]) next = v;
                }
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]);
                double[] p = new double[vocab];
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    p[v] = Math.exp((logits[off + v] - max) / temperature);
                    sum += p[v];
                }
                double u = r.nextDouble() * sum;
                while (next < vocab - 1 && (u -= p[next]) > 0) next++;
            }
            if (next == CharTokenizer.BOS_ID) break;
            seqTokens[len++] = next;
        }
        return java.util.Arrays.copyOfRange(seqTokens, prompt.length, len);
    }

    /** After {@link #forward}: softmax probabilities [batch * seq, vocab]. */
    public float[] probabilities() { return probs; }

    /** After {@link #forward}: per-position losses (0 where ignored). */
    public float[] losses() { return losses; }

    /**
     * After {@link #forward}: attention probabilities of a layer, [batch, heads, seq, seq]; under a context method
     * with pooled slots (ROSA, compressive) the mass on the slots is not in it, so rows may sum to less than 1.
     */
    public float[] attention(int layer) { return acts[layer].att; }

    public void zeroGrad() {
        for (Param p : params) {
            Arrays.fill(p.grad(), 0f);
        }
    }

    /** Accumulates the gradient of the last forward's mean loss into every {@link Param#grad()}. */
    public void backward(int[] targets) {
        backward(targets, NEVER);
    }

    /**
     * {@link #backward(int[])} that asks {@code cancelled} before the unembedding's gradient, between the weight
     * gradients of every layer and inside every large matrix product (per tile of rows), throwing {@link CancellationException} when it says yes: the gradients are then partial (the
     * trainer zeroes them before the next backward), the parameters untouched.
     */
    public void backward(int[] targets, BooleanSupplier cancelled) {
        checkCancel(cancelled, "backward", shape.layers());
        int n = batch * seq;
        int d = shape.dim();
        int vocab = shape.vocab();
        float[] dLogits = new float[n * vocab];
        CrossEntropy.backward(dLogits, probs, targets, n, vocab);
        float[] dFinal = new float[n * d];
        Linear.backward(dFinal, lmHead.grad(), dLogits, finalNormed, lmHead.value(), n, d, vocab, par, cancelled);
        float[] dx = new float[n * d];
        float[] last = Arrays.copyOfRange(residual, shape.layers() * n * d, (shape.layers() + 1) * n * d);
        normBackward(dx, finalNorm, finalNormBias, dFinal, last, finalMean, finalRstd, n);

        float[] x = new float[n * d];
        float[] dNormed = new float[n * d];
        float[] dMid = new float[n * d];
        float[] dAttnOut = new float[n * shape.qDim()];
        float[] dq = new float[n * shape.qDim()];
        float[] dk = new float[n * shape.kvDim()];
        float[] dv = new float[n * shape.kvDim()];
        boolean detaching = mask != null && mask.detached != null;
        float[] dkCut = detaching ? new float[n * shape.kvDim()] : null;
        float[] dvCut = detaching ? new float[n * shape.kvDim()] : null;
        float[] dNormedCut = detaching ? new float[n * d] : null;
        float[] dxCut = detaching ? new float[n * d] : null;
        float[] dGate = shape.attentionOnly() ? null : new float[n * shape.hidden()];
        float[] dUp = shape.attentionOnly() ? null : new float[n * shape.hidden()];
        float[] dAct = shape.attentionOnly() ? null : new float[n * shape.hidden()];
        float[] passed = rowPaths == null ? null : new float[n * d];
        for (int l = shape.layers() - 1; l >= 0; l--) {
            checkCancel(cancelled, "backward", l);
            Block w = blocks[l];
            BlockActs a = acts[l];
            if (passed != null) {
                // rows that skipped this layer take their gradient straight through; the block sees zero for them
                Arrays.fill(passed, 0f);
                for (int r = 0; r < batch; r++) {
                    if (!rowPaths[r].runs(l)) {
                        System.arraycopy(dx, r * seq * d, passed, r * seq * d, seq * d);
                        Arrays.fill(dx, r * seq * d, (r + 1) * seq * d, 0f);
                    }
                }
            }
            BlockExtras e = extras[l];
            System.arraycopy(dx, 0, dMid, 0, n * d);
            if (w.moe() != null) {
                Arrays.fill(dNormed, 0f);
                w.moe().backward(dNormed, dx);
                normBackward(dMid, w.ffnNorm(), e.ffnNormBias(), dNormed, a.mid, a.ffnMean, a.ffnRstd, n);
            } else if (!shape.attentionOnly()) {
                int h = shape.hidden();
                Arrays.fill(dAct, 0f);
                Arrays.fill(dGate, 0f);
                Arrays.fill(dUp, 0f);
                Arrays.fill(dNormed, 0f);
                backBias(e.downBias(), dx, n);
                Linear.backward(dAct, w.wDown().grad(), dx, a.act, w.wDown().value(), n, h, d, par, cancelled);
                checkCancel(cancelled, "backward", l);
                if (w.wGate() != null) {
                    SwiGlu.backward(dGate, dUp, dAct, a.gate, a.up, n * h);
                    Linear.backward(dNormed, w.wGate().grad(), dGate, a.ffnNormed, w.wGate().value(), n, d, h, par, cancelled);
                    checkCancel(cancelled, "backward", l);
                } else {
                    Gelu.backward(dUp, dAct, a.up, n * h);
                    backBias(e.upBias(), dUp, n);
                }
                Linear.backward(dNormed, w.wUp().grad(), dUp, a.ffnNormed, w.wUp().value(), n, d, h, par, cancelled);
                normBackward(dMid, w.ffnNorm(), e.ffnNormBias(), dNormed, a.mid, a.ffnMean, a.ffnRstd, n);
            }
            checkCancel(cancelled, "backward", l);
            Arrays.fill(dAttnOut, 0f);
            Arrays.fill(dq, 0f);
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            Arrays.fill(dNormed, 0f);
            backBias(e.bo(), dMid, n);
            Linear.backward(dAttnOut, w.wo().grad(), dMid, a.attnOut, w.wo().value(), n, shape.qDim(), d, par, cancelled);
            checkCancel(cancelled, "backward", l);
            if (relNet != null) {
                if (detaching) {
                    Arrays.fill(dkCut, 0f);
                    Arrays.fill(dvCut, 0f);
                }
                RelativeAttention.backward(dq, dk, dv, dkCut, dvCut, detaching ? mask.detached : null,
                        relContentBias.grad(), relPositionBias.grad(), relNet[l].grad(), dAttnOut, a.att, a.q, a.k, a.v,
                        relContentBias.value(), relPositionBias.value(), a.relR, mask == null ? null : mask.visible,
                        batch, seq, shape.heads(), shape.kvHeads(), shape.headDim(), d);
            } else if (mask == null) {
                Attention.backward(dq, dk, dv, dAttnOut, a.att, a.q, a.k, a.v,
                        batch, seq, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            } else {
                if (detaching) {
                    Arrays.fill(dkCut, 0f);
                    Arrays.fill(dvCut, 0f);
                }
                float[] dSlotK = compression == null ? null : new float[a.slotK.length];
                float[] dSlotV = compression == null ? null : new float[a.slotV.length];
                MaskedAttention.backward(dq, dk, dv, dkCut, dvCut, dAttnOut, a.att, a.attSlots, a.q, a.k, a.v, a.slotK,
                        a.slotV, dSlotK, dSlotV, mask, batch, shape.heads(), shape.kvHeads(), shape.headDim(), par);
                if (compression != null) {
                    // slots are stop-gradient memory: their gradient reaches W_k, W_v through f_c but never f_c itself
                    CompressionConv.slotsBackward(compression.key(l).value(), dkCut, dSlotK, mask, batch, shape.kvDim(), compression.rate);
                    CompressionConv.slotsBackward(compression.value(l).value(), dvCut, dSlotV, mask, batch, shape.kvDim(), compression.rate);
                    Kernels.add(compression.key(l).grad(), a.reconGradK, a.reconGradK.length);
                    Kernels.add(compression.value(l).grad(), a.reconGradV, a.reconGradV.length);
                }
            }
            checkCancel(cancelled, "backward", l);
            if (rope != null) {
                rope.backward(dq, n, seq, shape.heads());
                rope.backward(dk, n, seq, shape.kvHeads());
            }
            backBias(e.bq(), dq, n);
            backBias(e.bk(), dk, n);
            backBias(e.bv(), dv, n);
            Linear.backward(dNormed, w.wq().grad(), dq, a.attnNormed, w.wq().value(), n, d, shape.qDim(), par, cancelled);
            Linear.backward(dNormed, w.wk().grad(), dk, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par, cancelled);
            Linear.backward(dNormed, w.wv().grad(), dv, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par, cancelled);
            System.arraycopy(residual, l * n * d, x, 0, n * d);
            if (detaching) {
                // stop-gradient memory (Dai et al. 2019 sec. 3.2): its keys/values train W_k, W_v and the norm gain only
                Arrays.fill(dNormedCut, 0f);
                if (rope != null) {
                    rope.backward(dkCut, n, seq, shape.kvHeads());
                }
                backBias(e.bk(), dkCut, n);
                backBias(e.bv(), dvCut, n);
                Linear.backward(dNormedCut, w.wk().grad(), dkCut, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par, cancelled);
                Linear.backward(dNormedCut, w.wv().grad(), dvCut, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par, cancelled);
                normBackward(dxCut, w.attnNorm(), e.attnNormBias(), dNormedCut, x, a.attnMean, a.attnRstd, n);
            }
            System.arraycopy(dMid, 0, dx, 0, n * d);
            normBackward(dx, w.attnNorm(), e.attnNormBias(), dNormed, x, a.attnMean, a.attnRstd, n);
            if (passed != null) {
                for (int i = 0; i < n * d; i++) dx[i] += passed[i];
            }
        }
        Embedding.backward(embed.grad(), dx, inputs, n, d);
        if (positions != null) {
            LearnedPositions.backward(positions.grad(), dx, n, seq, d);
        }
    }

    private static final BooleanSupplier NEVER = () -> false;

    private static void checkCancel(BooleanSupplier cancelled, String pass, int layer) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled in the " + pass + " pass at layer " + layer);
        }
    }

    /** RMSNorm when the design has no norm bias, else LayerNorm; {@code mean} is unused by RMSNorm. */
    private void normForward(float[] y, float[] mean, float[] rstd, float[] x, Param gain, Param bias, int n) {
        if (bias == null) {
            RmsNorm.forward(y, rstd, x, gain.value(), n, shape.dim(), shape.normEps());
        } else {
            LayerNorm.forward(y, mean, rstd, x, gain.value(), bias.value(), n, shape.dim(), shape.normEps());
        }
    }

    private void normBackward(float[] dx, Param gain, Param bias, float[] dy, float[] x, float[] mean, float[] rstd, int n) {
        if (bias == null) {
            RmsNorm.backward(dx, gain.grad(), dy, x, gain.value(), rstd, n, shape.dim());
        } else {
            LayerNorm.backward(dx, gain.grad(), bias.grad(), dy, x, gain.value(), mean, rstd, n, shape.dim());
        }
    }

    /** y += bias on every row when the design has this bias. */
    private static void addBias(float[] y, Param bias, int n) {
        if (bias != null) {
            Bias.forward(y, bias.value(), n, bias.rows());
        }
    }

    private static void backBias(Param bias, float[] dy, int n) {
        if (bias != null) {
            Bias.backward(bias.grad(), dy, n, bias.rows());
        }
    }

    /**
     * Global L2 norm of all gradients (Pascanu et al. 2013 clip by this); scales them down to {@code max} if above.
     * A learned compression (trained by its own loss) is clipped on its own, so its gradient never rescales the
     * model's; the model's norm is returned.
     */
    public double clipGradNorm(double max) {
        if (compression == null) return clip(params, max);
        List<Param> conv = new ArrayList<>();
        List<Param> rest = new ArrayList<>();
        for (Param p : params) (p.name().contains(CompressionConv.NAME_PART) ? conv : rest).add(p);
        clip(conv, max);
        return clip(rest, max);
    }

    static double clip(List<Param> ps, double max) {
        double ss = 0;
        for (Param p : ps) {
            for (float g : p.grad()) {
                ss += (double) g * g;
            }
        }
        double norm = Math.sqrt(ss);
        if (max > 0 && norm > max) {
            float s = (float) (max / (norm + 1e-6));
            for (Param p : ps) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= s;
                }
            }
        }
        return norm;
    }
}
