package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.tensor.Parallel;

/**
 * An encoder-decoder transformer (Vaswani et al. 2017, sec. 3.1) with Llama-style pre-RMSNorm blocks, its
 * forward and backward passes written out sublayer by sublayer as {@link TrainableLlama} does. Encoder
 * blocks: bidirectional self-attention with RoPE, SwiGLU MLP; a final RMSNorm gives the memory the decoder
 * reads. Decoder blocks: causal self-attention with RoPE, cross-attention (queries from the decoder, keys and
 * values from the encoder memory; no rotation, since the two sides count positions separately), SwiGLU MLP.
 * One embedding table serves both inputs and the output projection (sec. 3.4). Trained with teacher forcing;
 * the loss is the cross-entropy of the target tokens.
 */
public final class TrainableSeq2Seq {

    /** A pre-norm attention sublayer: y = x + Wo attention(norm(x) Wq, m Wk, m Wv), m = norm(x) or the memory. */
    private static final class AttentionSublayer {
        final Param norm, wq, wk, wv, wo;
        final boolean rotary;
        float[] normed, rstd, q, k, v, att, heads;

        AttentionSublayer(List<Param> ps, String normName, String prefix, int d, boolean rotary) {
            norm = add(ps, new Param(normName, d, 1));
            wq = add(ps, new Param(prefix + "q_proj.weight", d, d));
            wk = add(ps, new Param(prefix + "k_proj.weight", d, d));
            wv = add(ps, new Param(prefix + "v_proj.weight", d, d));
            wo = add(ps, new Param(prefix + "o_proj.weight", d, d));
            this.rotary = rotary;
        }

        /** @param memory null for self-attention, else the encoder memory [batch * keys, dim] */
        float[] forward(float[] x, float[] memory, CrossAttention.Geometry g, Rope rope, float eps, Parallel par) {
            int d = g.width();
            int nq = g.batch() * g.queries();
            int nk = g.batch() * g.keys();
            normed = new float[nq * d];
            rstd = new float[nq];
            q = new float[nq * d];
            k = new float[nk * d];
            v = new float[nk * d];
            att = new float[g.batch() * g.heads() * g.queries() * g.keys()];
            heads = new float[nq * d];
            RmsNorm.forward(normed, rstd, x, norm.value(), nq, d, eps);
            float[] kv = memory == null ? normed : memory;
            Linear.forward(q, normed, wq.value(), nq, d, d, par);
            Linear.forward(k, kv, wk.value(), nk, d, d, par);
            Linear.forward(v, kv, wv.value(), nk, d, d, par);
            if (rotary) {
                rope.forward(q, nq, g.queries(), g.heads());
                rope.forward(k, nk, g.keys(), g.heads());
            }
            CrossAttention.forward(heads, att, q, k, v, g, par);
            float[] y = new float[nq * d];
            Linear.forward(y, heads, wo.value(), nq, d, d, par);
            for (int i = 0; i < y.length; i++) {
                y[i] += x[i];
            }
            return y;
        }

        /** dx += dL/dx (residual and normed paths); dMemory += dL/dmemory when this is cross-attention. */
        void backward(float[] dx, float[] dMemory, float[] dy, float[] x, float[] memory, CrossAttention.Geometry g,
                      Rope rope, Parallel par) {
            int d = g.width();
            int nq = g.batch() * g.queries();
            int nk = g.batch() * g.keys();
            float[] dHeads = new float[nq * d];
            Linear.backward(dHeads, wo.grad(), dy, heads, wo.value(), nq, d, d, par);
            float[] dq = new float[nq * d];
            float[] dk = new float[nk * d];
            float[] dv = new float[nk * d];
            CrossAttention.backward(dq, dk, dv, dHeads, att, q, k, v, g, par);
            if (rotary) {
                rope.backward(dq, nq, g.queries(), g.heads());
                rope.backward(dk, nk, g.keys(), g.heads());
            }
            float[] dNormed = new float[nq * d];
            Linear.backward(dNormed, wq.grad(), dq, normed, wq.value(), nq, d, d, par);
            float[] kv = memory == null ? normed : memory;
            float[] dKv = memory == null ? dNormed : dMemory;
            Linear.backward(dKv, wk.grad(), dk, kv, wk.value(), nk, d, d, par);
            Linear.backward(dKv, wv.grad(), dv, kv, wv.value(), nk, d, d, par);
            for (int i = 0; i < nq * d; i++) {
                dx[i] += dy[i];
            }
            RmsNorm.backward(dx, norm.grad(), dNormed, x, norm.value(), rstd, nq, d);
        }
    }

    /** A pre-norm SwiGLU sublayer: y = x + down(silu(gate norm(x)) * up norm(x)). */
    private static final class MlpSublayer {
        final Param norm, gate, up, down;
        float[] normed, rstd, g, u, act;

        MlpSublayer(List<Param> ps, String p, int d, int hidden) {
            norm = add(ps, new Param(p + "post_attention_layernorm.weight", d, 1));
            gate = add(ps, new Param(p + "mlp.gate_proj.weight", hidden, d));
            up = add(ps, new Param(p + "mlp.up_proj.weight", hidden, d));
            down = add(ps, new Param(p + "mlp.down_proj.weight", d, hidden));
        }

        float[] forward(float[] x, int n, int d, int h, float eps, Parallel par) {
            normed = new float[n * d];
            rstd = new float[n];
            g = new float[n * h];
            u = new float[n * h];
            act = new float[n * h];
            RmsNorm.forward(normed, rstd, x, norm.value(), n, d, eps);
            Linear.forward(g, normed, gate.value(), n, d, h, par);
            Linear.forward(u, normed, up.value(), n, d, h, par);
            SwiGlu.forward(act, g, u, n * h);
            float[] y = new float[n * d];
            Linear.forward(y, act, down.value(), n, h, d, par);
            for (int i = 0; i < y.length; i++) {
                y[i] += x[i];
            }
            return y;
        }

        void backward(float[] dx, float[] dy, float[] x, int n, int d, int h, Parallel par) {
            float[] dAct = new float[n * h];
            Linear.backward(dAct, down.grad(), dy, act, down.value(), n, h, d, par);
            float[] dg = new float[n * h];
            float[] du = new float[n * h];
            SwiGlu.backward(dg, du, dAct, g, u, n * h);
            float[] dNormed = new float[n * d];
            Linear.backward(dNormed, gate.grad(), dg, normed, gate.value(), n, d, h, par);
            Linear.backward(dNormed, up.grad(), du, normed, up.value(), n, d, h, par);
            for (int i = 0; i < n * d; i++) {
                dx[i] += dy[i];
            }
            RmsNorm.backward(dx, norm.grad(), dNormed, x, norm.value(), rstd, n, d);
        }
    }

    private record EncoderBlock(AttentionSublayer self, MlpSublayer mlp) {
    }

    private record DecoderBlock(AttentionSublayer self, AttentionSublayer cross, MlpSublayer mlp) {
    }

    private final Seq2SeqShape shape;
    private final Parallel par;
    private final Param embed;
    private final EncoderBlock[] encoder;
    private final Param encoderNorm;
    private final DecoderBlock[] decoder;
    private final Param decoderNorm;
    private final List<Param> params;
    private final Rope rope;

    // activations of the last forward
    private Seq2SeqBatch last;
    private float[][] encX, encMid, decX, decMid, decCross;
    private float[] memory, memoryRstd, finalNormed, finalRstd, probs, losses;

    public TrainableSeq2Seq(Seq2SeqShape shape, Parallel par) {
        this.shape = shape;
        this.par = par;
        int d = shape.dim();
        List<Param> ps = new ArrayList<>();
        embed = add(ps, new Param("model.shared.weight", shape.vocab(), d));
        encoder = new EncoderBlock[shape.encoderLayers()];
        for (int l = 0; l < encoder.length; l++) {
            String p = "model.encoder.layers." + l + ".";
            encoder[l] = new EncoderBlock(new AttentionSublayer(ps, p + "input_layernorm.weight", p + "self_attn.", d, true),
                    new MlpSublayer(ps, p, d, shape.hidden()));
        }
        encoderNorm = add(ps, new Param("model.encoder.norm.weight", d, 1));
        decoder = new DecoderBlock[shape.decoderLayers()];
        for (int l = 0; l < decoder.length; l++) {
            String p = "model.decoder.layers." + l + ".";
            AttentionSublayer self = new AttentionSublayer(ps, p + "input_layernorm.weight", p + "self_attn.", d, true);
            AttentionSublayer cross = new AttentionSublayer(ps, p + "cross_attn_layernorm.weight", p + "cross_attn.", d, false);
            decoder[l] = new DecoderBlock(self, cross, new MlpSublayer(ps, p, d, shape.hidden()));
        }
        decoderNorm = add(ps, new Param("model.decoder.norm.weight", d, 1));
        params = Collections.unmodifiableList(ps);
        rope = new Rope(shape.headDim(), Math.max(shape.maxSource(), shape.maxTarget()), shape.ropeTheta());
    }

    private static Param add(List<Param> ps, Param p) {
        ps.add(p);
        return p;
    }

    /**
     * GPT-2's initialisation (Radford et al. 2019, sec. 2.3): N(0, 0.02), residual output projections scaled by
     * 1/sqrt(number of residual sublayers of their stack); norm gains 1. One seeded generator, parameter order.
     */
    public void initialise(long seed) {
        Random r = new Random(seed);
        double encStd = 0.02 / Math.sqrt(2.0 * shape.encoderLayers());
        double decStd = 0.02 / Math.sqrt(3.0 * shape.decoderLayers());
        for (Param p : params) {
            float[] w = p.value();
            if (!p.isMatrix()) {
                Arrays.fill(w, 1f);
                continue;
            }
            boolean residualOut = p.name().endsWith("o_proj.weight") || p.name().endsWith("down_proj.weight");
            double std = !residualOut ? 0.02 : p.name().startsWith("model.encoder.") ? encStd : decStd;
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (r.nextGaussian() * std);
            }
        }
    }

    public Seq2SeqShape shape() { return shape; }

    /** Parameters in a fixed order: embedding, encoder blocks, encoder norm, decoder blocks, decoder norm. */
    public List<Param> params() { return params; }

    public long parameterCount() {
        long n = 0;
        for (Param p : params) {
            n += p.size();
        }
        return n;
    }

    private void check(Seq2SeqBatch b) {
        if (b.sourceSeq() > shape.maxSource()) {
            throw new IllegalArgumentException("source of " + b.sourceSeq() + " tokens exceeds the model's "
                    + shape.maxSource());
        }
        if (b.targetSeq() > shape.maxTarget()) {
            throw new IllegalArgumentException("target of " + b.targetSeq() + " tokens exceeds the model's "
                    + shape.maxTarget());
        }
    }

    private CrossAttention.Geometry encoderGeometry(Seq2SeqBatch b) {
        return new CrossAttention.Geometry(b.batch(), b.sourceSeq(), b.sourceSeq(), b.sourceLengths(), false,
                shape.heads(), shape.headDim());
    }

    private CrossAttention.Geometry selfGeometry(Seq2SeqBatch b) {
        int[] all = new int[b.batch()];
        Arrays.fill(all, b.targetSeq());
        return new CrossAttention.Geometry(b.batch(), b.targetSeq(), b.targetSeq(), all, true, shape.heads(), shape.headDim());
    }

    private CrossAttention.Geometry crossGeometry(Seq2SeqBatch b) {
        return new CrossAttention.Geometry(b.batch(), b.targetSeq(), b.sourceSeq(), b.sourceLengths(), false,
                shape.heads(), shape.headDim());
    }

    /**
     * The forward pass over a batch; returns the mean target loss (NaN when {@code b.targets()} is null).
     * Afterwards {@link #probabilities()} holds the softmax of every decoder position.
     */
    public double forward(Seq2SeqBatch b) {
        check(b);
        last = b;
        int d = shape.dim();
        int h = shape.hidden();
        float eps = shape.normEps();
        int ns = b.batch() * b.sourceSeq();
        int nt = b.batch() * b.targetSeq();
        CrossAttention.Geometry eg = encoderGeometry(b);
        encX = new float[encoder.length + 1][];
        encMid = new float[encoder.length][];
        encX[0] = new float[ns * d];
        Embedding.forward(encX[0], b.source(), embed.value(), ns, d);
        for (int l = 0; l < encoder.length; l++) {
            encMid[l] = encoder[l].self().forward(encX[l], null, eg, rope, eps, par);
            encX[l + 1] = encoder[l].mlp().forward(encMid[l], ns, d, h, eps, par);
        }
        memory = new float[ns * d];
        memoryRstd = new float[ns];
        RmsNorm.forward(memory, memoryRstd, encX[encoder.length], encoderNorm.value(), ns, d, eps);

        CrossAttention.Geometry sg = selfGeometry(b);
        CrossAttention.Geometry cg = crossGeometry(b);
        decX = new float[decoder.length + 1][];
        decMid = new float[decoder.length][];
        decCross = new float[decoder.length][];
        decX[0] = new float[nt * d];
        Embedding.forward(decX[0], b.targetIn(), embed.value(), nt, d);
        for (int l = 0; l < decoder.length; l++) {
            decMid[l] = decoder[l].self().forward(decX[l], null, sg, rope, eps, par);
            decCross[l] = decoder[l].cross().forward(decMid[l], memory, cg, rope, eps, par);
            decX[l + 1] = decoder[l].mlp().forward(decCross[l], nt, d, h, eps, par);
        }
        finalNormed = new float[nt * d];
        finalRstd = new float[nt];
        RmsNorm.forward(finalNormed, finalRstd, decX[decoder.length], decoderNorm.value(), nt, d, eps);
        probs = new float[nt * shape.vocab()];
        losses = new float[nt];
        Linear.forward(probs, finalNormed, embed.value(), nt, d, shape.vocab(), par);
        if (b.targets() == null) {
            return Double.NaN;
        }
        return CrossEntropy.forward(probs, losses, b.targets(), nt, shape.vocab());
    }

    /** Logits [targetIn.length, vocab] of one pair (decoder input given), without touching gradients. */
    public float[] logits(int[] source, int[] targetIn) {
        forward(Seq2SeqBatch.single(source, targetIn, null));
        return probs.clone();
    }

    /** After a forward without targets: logits; with targets: softmax probabilities. [batch * targetSeq, vocab]. */
    public float[] probabilities() { return probs; }

    /** After {@link #forward}: encoder self-attention of a layer, [batch, heads, source, source]. */
    public float[] encoderAttention(int layer) { return encoder[layer].self().att; }

    /** After {@link #forward}: decoder self-attention of a layer, [batch, heads, target, target]. */
    public float[] decoderAttention(int layer) { return decoder[layer].self().att; }

    /** After {@link #forward}: cross-attention of a layer, [batch, heads, target, source]. */
    public float[] crossAttention(int layer) { return decoder[layer].cross().att; }

    public void zeroGrad() {
        for (Param p : params) {
            Arrays.fill(p.grad(), 0f);
        }
    }

    /** Accumulates the gradient of the last forward's mean loss into every {@link Param#grad()}. */
    public void backward() {
        Seq2SeqBatch b = last;
        if (b == null || b.targets() == null) {
            throw new IllegalStateException("backward needs a forward with targets first");
        }
        int d = shape.dim();
        int h = shape.hidden();
        int vocab = shape.vocab();
        int ns = b.batch() * b.sourceSeq();
        int nt = b.batch() * b.targetSeq();
        float[] dLogits = new float[nt * vocab];
        CrossEntropy.backward(dLogits, probs, b.targets(), nt, vocab);
        float[] dFinal = new float[nt * d];
        Linear.backward(dFinal, embed.grad(), dLogits, finalNormed, embed.value(), nt, d, vocab, par);
        float[] dx = new float[nt * d];
        RmsNorm.backward(dx, decoderNorm.grad(), dFinal, decX[decoder.length], decoderNorm.value(), finalRstd, nt, d);

        CrossAttention.Geometry sg = selfGeometry(b);
        CrossAttention.Geometry cg = crossGeometry(b);
        float[] dMemory = new float[ns * d];
        for (int l = decoder.length - 1; l >= 0; l--) {
            float[] dCross = new float[nt * d];
            decoder[l].mlp().backward(dCross, dx, decCross[l], nt, d, h, par);
            float[] dMid = new float[nt * d];
            decoder[l].cross().backward(dMid, dMemory, dCross, decMid[l], memory, cg, rope, par);
            float[] dIn = new float[nt * d];
            decoder[l].self().backward(dIn, null, dMid, decX[l], null, sg, rope, par);
            dx = dIn;
        }
        Embedding.backward(embed.grad(), dx, b.targetIn(), nt, d);

        CrossAttention.Geometry eg = encoderGeometry(b);
        float[] de = new float[ns * d];
        RmsNorm.backward(de, encoderNorm.grad(), dMemory, encX[encoder.length], encoderNorm.value(), memoryRstd, ns, d);
        for (int l = encoder.length - 1; l >= 0; l--) {
            float[] dMid = new float[ns * d];
            encoder[l].mlp().backward(dMid, de, encMid[l], ns, d, h, par);
            float[] dIn = new float[ns * d];
            encoder[l].self().backward(dIn, null, dMid, encX[l], null, eg, rope, par);
            de = dIn;
        }
        Embedding.backward(embed.grad(), de, b.source(), ns, d);
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
        if (norm > max) {
            float s = (float) (max / norm);
            for (Param p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= s;
                }
            }
        }
        return norm;
    }

    /**
     * Greedy decoding of several sources at once by re-running the decoder on the growing prefix (no cache:
     * slow but independent of the engine's). Each output stops before {@code eos} or after {@code maxNew} tokens.
     */
    public int[][] greedy(int[][] sources, int start, int eos, int maxNew) {
        int n = sources.length;
        int sMax = 0;
        for (int[] s : sources) {
            sMax = Math.max(sMax, s.length);
        }
        int[] src = new int[n * sMax];
        int[] lens = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(sources[i], 0, src, i * sMax, sources[i].length);
            lens[i] = sources[i].length;
        }
        int steps = Math.min(maxNew, shape.maxTarget());
        int[][] out = new int[n][steps + 1];
        int[] produced = new int[n];
        boolean[] done = new boolean[n];
        int vocab = shape.vocab();
        for (int t = 1; t <= steps; t++) {
            int[] tin = new int[n * t];
            for (int i = 0; i < n; i++) {
                tin[i * t] = start;
                System.arraycopy(out[i], 0, tin, i * t + 1, t - 1);
            }
            forward(new Seq2SeqBatch(src, lens, tin, null, n, sMax, t));
            boolean all = true;
            for (int i = 0; i < n; i++) {
                if (done[i]) {
                    continue;
                }
                int off = (i * t + t - 1) * vocab;
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (probs[off + v] > probs[off + best]) best = v;
                }
                if (best == eos) {
                    done[i] = true;
                } else {
                    out[i][produced[i]++] = best;
                    all = false;
                }
            }
            if (all) {
                break;
            }
        }
        int[][] result = new int[n][];
        for (int i = 0; i < n; i++) {
            result[i] = Arrays.copyOf(out[i], produced[i]);
        }
        return result;
    }
}
