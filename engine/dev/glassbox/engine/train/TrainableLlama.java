package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.glassbox.engine.tensor.Parallel;

/**
 * A Llama-style decoder with its forward and backward passes written out layer by layer (after llm.c):
 * embedding; per block RMSNorm, q/k/v, RoPE, causal attention, output projection, residual, then RMSNorm,
 * SwiGLU MLP, residual; final RMSNorm; unembedding; cross-entropy. Same arithmetic as the inference
 * {@link dev.glassbox.engine.model.LlamaModel}, so a saved checkpoint runs there unchanged.
 */
public final class TrainableLlama {

    /** The weights of one block; the MLP fields are null in an attention-only model. */
    record Block(Param attnNorm, Param wq, Param wk, Param wv, Param wo,
                 Param ffnNorm, Param wGate, Param wUp, Param wDown) {
    }

    /** Activations of one block kept for the backward pass. */
    private static final class BlockActs {
        float[] attnNormed, attnRstd, q, k, v, att, attSlots, attnOut, mid, ffnNormed, ffnRstd, gate, up, act;
    }

    private final ModelShape shape;
    private final Parallel par;
    private final Param embed;
    private final Block[] blocks;
    private final Param finalNorm;
    private final Param lmHead;
    private final List<Param> params;
    private final Rope rope;

    private int batch;
    private int seq;
    private int[] inputs;
    private AttentionMask mask;
    private BlockActs[] acts;
    private float[] residual, finalNormed, finalRstd, probs, losses;

    public TrainableLlama(ModelShape shape, Parallel par) {
        this.shape = shape;
        this.par = par;
        int d = shape.dim();
        List<Param> ps = new ArrayList<>();
        embed = add(ps, new Param("model.embed_tokens.weight", shape.vocab(), d));
        blocks = new Block[shape.layers()];
        for (int l = 0; l < shape.layers(); l++) {
            String p = "model.layers." + l + ".";
            Param an = add(ps, new Param(p + "input_layernorm.weight", d, 1));
            Param q = add(ps, new Param(p + "self_attn.q_proj.weight", shape.qDim(), d));
            Param k = add(ps, new Param(p + "self_attn.k_proj.weight", shape.kvDim(), d));
            Param v = add(ps, new Param(p + "self_attn.v_proj.weight", shape.kvDim(), d));
            Param o = add(ps, new Param(p + "self_attn.o_proj.weight", d, shape.qDim()));
            Param fn = null, g = null, u = null, dn = null;
            if (!shape.attentionOnly()) {
                fn = add(ps, new Param(p + "post_attention_layernorm.weight", d, 1));
                g = add(ps, new Param(p + "mlp.gate_proj.weight", shape.hidden(), d));
                u = add(ps, new Param(p + "mlp.up_proj.weight", shape.hidden(), d));
                dn = add(ps, new Param(p + "mlp.down_proj.weight", d, shape.hidden()));
            }
            blocks[l] = new Block(an, q, k, v, o, fn, g, u, dn);
        }
        finalNorm = add(ps, new Param("model.norm.weight", d, 1));
        lmHead = shape.tied() ? embed : add(ps, new Param("lm_head.weight", shape.vocab(), d));
        params = Collections.unmodifiableList(ps);
        rope = new Rope(shape.headDim(), shape.seq(), shape.ropeTheta());
    }

    private static Param add(List<Param> ps, Param p) {
        ps.add(p);
        return p;
    }

    /**
     * GPT-2's initialisation (Radford et al. 2019, sec. 2.3): N(0, 0.02), residual output projections scaled
     * by 1/sqrt(2 * layers); norm gains 1. Drawn in parameter order from one seeded generator.
     */
    public void initialise(long seed) {
        Random r = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * shape.layers());
        for (Param p : params) {
            float[] w = p.value();
            if (!p.isMatrix()) {
                Arrays.fill(w, 1f);
                continue;
            }
            boolean residualOut = p.name().endsWith("o_proj.weight") || p.name().endsWith("down_proj.weight");
            double std = residualOut ? residualStd : 0.02;
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (r.nextGaussian() * std);
            }
        }
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
            if (!shape.attentionOnly()) {
                a.ffnNormed = new float[n * d];
                a.ffnRstd = new float[n];
                a.gate = new float[n * shape.hidden()];
                a.up = new float[n * shape.hidden()];
                a.act = new float[n * shape.hidden()];
            }
            acts[l] = a;
        }
        residual = new float[(shape.layers() + 1) * n * d];
        finalNormed = new float[n * d];
        finalRstd = new float[n];
        probs = new float[n * shape.vocab()];
        losses = new float[n];
    }

    /**
     * Runs the forward pass on {@code batch} rows of {@code seq} tokens and returns the mean loss over the
     * targets that are not {@link CrossEntropy#IGNORE}. Afterwards {@link #probabilities()} holds the softmax.
     */
    public double forward(int[] tokens, int[] targets, int b, int t) {
        ensureBuffers(b, t);
        int n = b * t;
        int d = shape.dim();
        inputs = tokens;
        Embedding.forward(residual, tokens, embed.value(), n, d);
        float[] x = new float[n * d];
        float[] tmp = new float[n * d];
        for (int l = 0; l < shape.layers(); l++) {
            Block w = blocks[l];
            BlockActs a = acts[l];
            System.arraycopy(residual, l * n * d, x, 0, n * d);
            RmsNorm.forward(a.attnNormed, a.attnRstd, x, w.attnNorm().value(), n, d, shape.normEps());
            Linear.forward(a.q, a.attnNormed, w.wq().value(), n, d, shape.qDim(), par);
            Linear.forward(a.k, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par);
            Linear.forward(a.v, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par);
            rope.forward(a.q, n, t, shape.heads());
            rope.forward(a.k, n, t, shape.kvHeads());
            if (mask == null) {
                Attention.forward(a.attnOut, a.att, a.q, a.k, a.v, b, t, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            } else {
                MaskedAttention.forward(a.attnOut, a.att, a.attSlots, a.q, a.k, a.v, mask, b, shape.heads(),
                        shape.kvHeads(), shape.headDim(), par);
            }
            Linear.forward(tmp, a.attnOut, w.wo().value(), n, shape.qDim(), d, par);
            for (int i = 0; i < n * d; i++) {
                a.mid[i] = x[i] + tmp[i];
            }
            int next = (l + 1) * n * d;
            if (shape.attentionOnly()) {
                System.arraycopy(a.mid, 0, residual, next, n * d);
                continue;
            }
            int h = shape.hidden();
            RmsNorm.forward(a.ffnNormed, a.ffnRstd, a.mid, w.ffnNorm().value(), n, d, shape.normEps());
            Linear.forward(a.gate, a.ffnNormed, w.wGate().value(), n, d, h, par);
            Linear.forward(a.up, a.ffnNormed, w.wUp().value(), n, d, h, par);
            SwiGlu.forward(a.act, a.gate, a.up, n * h);
            Linear.forward(tmp, a.act, w.wDown().value(), n, h, d, par);
            for (int i = 0; i < n * d; i++) {
                residual[next + i] = a.mid[i] + tmp[i];
            }
        }
        float[] last = Arrays.copyOfRange(residual, shape.layers() * n * d, (shape.layers() + 1) * n * d);
        RmsNorm.forward(finalNormed, finalRstd, last, finalNorm.value(), n, d, shape.normEps());
        Linear.forward(probs, finalNormed, lmHead.value(), n, d, shape.vocab(), par);
        if (targets == null) {
            return Double.NaN;
        }
        return CrossEntropy.forward(probs, losses, targets, n, shape.vocab());
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
        int n = batch * seq;
        int d = shape.dim();
        int vocab = shape.vocab();
        float[] dLogits = new float[n * vocab];
        CrossEntropy.backward(dLogits, probs, targets, n, vocab);
        float[] dFinal = new float[n * d];
        Linear.backward(dFinal, lmHead.grad(), dLogits, finalNormed, lmHead.value(), n, d, vocab, par);
        float[] dx = new float[n * d];
        float[] last = Arrays.copyOfRange(residual, shape.layers() * n * d, (shape.layers() + 1) * n * d);
        RmsNorm.backward(dx, finalNorm.grad(), dFinal, last, finalNorm.value(), finalRstd, n, d);

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
        for (int l = shape.layers() - 1; l >= 0; l--) {
            Block w = blocks[l];
            BlockActs a = acts[l];
            System.arraycopy(dx, 0, dMid, 0, n * d);
            if (!shape.attentionOnly()) {
                int h = shape.hidden();
                Arrays.fill(dAct, 0f);
                Arrays.fill(dGate, 0f);
                Arrays.fill(dUp, 0f);
                Arrays.fill(dNormed, 0f);
                Linear.backward(dAct, w.wDown().grad(), dx, a.act, w.wDown().value(), n, h, d, par);
                SwiGlu.backward(dGate, dUp, dAct, a.gate, a.up, n * h);
                Linear.backward(dNormed, w.wGate().grad(), dGate, a.ffnNormed, w.wGate().value(), n, d, h, par);
                Linear.backward(dNormed, w.wUp().grad(), dUp, a.ffnNormed, w.wUp().value(), n, d, h, par);
                RmsNorm.backward(dMid, w.ffnNorm().grad(), dNormed, a.mid, w.ffnNorm().value(), a.ffnRstd, n, d);
            }
            Arrays.fill(dAttnOut, 0f);
            Arrays.fill(dq, 0f);
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            Arrays.fill(dNormed, 0f);
            Linear.backward(dAttnOut, w.wo().grad(), dMid, a.attnOut, w.wo().value(), n, shape.qDim(), d, par);
            if (mask == null) {
                Attention.backward(dq, dk, dv, dAttnOut, a.att, a.q, a.k, a.v,
                        batch, seq, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            } else {
                if (detaching) {
                    Arrays.fill(dkCut, 0f);
                    Arrays.fill(dvCut, 0f);
                }
                MaskedAttention.backward(dq, dk, dv, dkCut, dvCut, dAttnOut, a.att, a.attSlots, a.q, a.k, a.v, mask,
                        batch, shape.heads(), shape.kvHeads(), shape.headDim(), par);
            }
            rope.backward(dq, n, seq, shape.heads());
            rope.backward(dk, n, seq, shape.kvHeads());
            Linear.backward(dNormed, w.wq().grad(), dq, a.attnNormed, w.wq().value(), n, d, shape.qDim(), par);
            Linear.backward(dNormed, w.wk().grad(), dk, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par);
            Linear.backward(dNormed, w.wv().grad(), dv, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par);
            System.arraycopy(residual, l * n * d, x, 0, n * d);
            if (detaching) {
                // stop-gradient memory (Dai et al. 2019 sec. 3.2): its keys/values train W_k, W_v and the norm gain only
                Arrays.fill(dNormedCut, 0f);
                rope.backward(dkCut, n, seq, shape.kvHeads());
                Linear.backward(dNormedCut, w.wk().grad(), dkCut, a.attnNormed, w.wk().value(), n, d, shape.kvDim(), par);
                Linear.backward(dNormedCut, w.wv().grad(), dvCut, a.attnNormed, w.wv().value(), n, d, shape.kvDim(), par);
                RmsNorm.backward(dxCut, w.attnNorm().grad(), dNormedCut, x, w.attnNorm().value(), a.attnRstd, n, d);
            }
            System.arraycopy(dMid, 0, dx, 0, n * d);
            RmsNorm.backward(dx, w.attnNorm().grad(), dNormed, x, w.attnNorm().value(), a.attnRstd, n, d);
        }
        Embedding.backward(embed.grad(), dx, inputs, n, d);
    }

    /** Global L2 norm of all gradients (Pascanu et al. 2013 clip by this); scales them down to {@code max} if above. */
    public double clipGradNorm(double max) {
        double ss = 0;
        for (Param p : params) {
            for (float g : p.grad()) {
                ss += (double) g * g;
            }
        }
        double norm = Math.sqrt(ss);
        if (max > 0 && norm > max) {
            float s = (float) (max / (norm + 1e-6));
            for (Param p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= s;
                }
            }
        }
        return norm;
    }
}
