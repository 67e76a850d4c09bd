package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.tensor.Parallel;

/**
 * The networks one {@link EncoderObjective} trains and its loss on a batch. MLM: encoder + {@link MlmHead}, loss the
 * mean cross-entropy over the batch's labelled positions. NSP: BERT's joint loss, that plus the mean {@link NspHead}
 * cross-entropy over the examples. RTD (ELECTRA, Clark et al. 2020, eq. 3): a small generator (encoder + MLM head,
 * sharing the discriminator's token and position embeddings, sec. 3.2) fills the masked positions by sampling from its
 * softmax; the discriminator (encoder + {@link RtdHead}) labels every token of the result; loss L_MLM(generator) +
 * lambda L_Disc with L_Disc the mean over all tokens. No gradient flows through the sampling (sec. 2).
 */
public final class EncoderModels {
    /** ELECTRA's discriminator loss weight (Clark et al. 2020, sec. 3.1: lambda = 50). */
    public static final float ELECTRA_LAMBDA = 50f;

    private final EncoderObjective objective;
    private final TrainableEncoder encoder;
    private final MlmHead mlm;
    private final NspHead nsp;
    private final TrainableEncoder generator;
    private final MlmHead generatorMlm;
    private final RtdHead rtd;
    private final float lambda;
    private final List<Param> params;

    private List<TrainableEncoder.Pass> passes = List.of(), genPasses = List.of();
    private List<MlmHead.Pass> mlmPasses = List.of();
    private List<NspHead.Pass> nspPasses = List.of();
    private List<RtdHead.Pass> rtdPasses = List.of();
    private int labelled, tokens;

    /** Metrics of one batch: the summed loss and its parts, and the counts accuracies are made of. */
    public record Loss(double total, double mlm, double nsp, double disc, int mlmCorrect, int mlmCount, int nspCorrect,
                       int nspCount, int rtdCorrect, int rtdOriginal, int rtdTokens) {
        public double mlmAccuracy() { return mlmCount == 0 ? Double.NaN : (double) mlmCorrect / mlmCount; }

        public double nspAccuracy() { return nspCount == 0 ? Double.NaN : (double) nspCorrect / nspCount; }

        public double rtdAccuracy() { return rtdTokens == 0 ? Double.NaN : (double) rtdCorrect / rtdTokens; }

        /** The accuracy of always answering "original". */
        public double rtdBaseline() { return rtdTokens == 0 ? Double.NaN : (double) rtdOriginal / rtdTokens; }
    }

    /**
     * @param generatorShape the RTD generator's shape (same dim and vocabulary as {@code shape}); ignored otherwise
     */
    public EncoderModels(EncoderObjective objective, EncoderShape shape, EncoderShape generatorShape, float lambda,
                         Parallel par) {
        this.objective = objective;
        this.lambda = lambda;
        encoder = new TrainableEncoder(shape, par);
        LinkedHashSet<Param> ps = new LinkedHashSet<>(encoder.params());
        if (objective == EncoderObjective.RTD) {
            if (generatorShape.dim() != shape.dim() || generatorShape.vocab() != shape.vocab()
                    || generatorShape.maxPositions() != shape.maxPositions()) {
                throw new IllegalArgumentException("the generator shares the discriminator's embeddings: same dim, "
                        + "vocabulary and positions needed");
            }
            mlm = null;
            nsp = null;
            rtd = new RtdHead(encoder);
            generator = new TrainableEncoder(generatorShape, par, "generator." + TrainableEncoder.PREFIX,
                    encoder.wordEmbeddings(), encoder.positionEmbeddings());
            generatorMlm = new MlmHead(generator, "generator." + MlmHead.PREFIX);
            ps.addAll(rtd.params());
            ps.addAll(generator.params());
            ps.addAll(generatorMlm.params());
        } else {
            mlm = new MlmHead(encoder);
            nsp = objective == EncoderObjective.NSP ? new NspHead(encoder) : null;
            generator = null;
            generatorMlm = null;
            rtd = null;
            ps.addAll(mlm.params());
            if (nsp != null) ps.addAll(nsp.params());
        }
        params = List.copyOf(ps);
    }

    /** ELECTRA's smaller generator for a discriminator of {@code s}: half the layers (at least 1), a quarter of the MLP. */
    public static EncoderShape generatorShape(EncoderShape s) {
        return new EncoderShape(s.vocab(), s.dim(), Math.max(1, s.hidden() / 4), Math.max(1, s.layers() / 2), s.heads(),
                s.maxPositions(), s.typeVocab(), s.normEps());
    }

    public void initialise(long seed) {
        TrainableEncoder.initialise(params, new Random(seed));
    }

    public EncoderObjective objective() { return objective; }

    /** The encoder that is saved: BERT's for MLM and NSP, ELECTRA's discriminator for RTD. */
    public TrainableEncoder encoder() { return encoder; }

    public MlmHead mlmHead() { return mlm; }

    public NspHead nspHead() { return nsp; }

    public RtdHead rtdHead() { return rtd; }

    public TrainableEncoder generator() { return generator; }

    /** Every trained parameter once (the shared embeddings once). */
    public List<Param> params() { return params; }

    public long parameterCount() {
        long n = 0;
        for (Param p : params) n += p.size();
        return n;
    }

    public void zeroGrad() {
        for (Param p : params) Arrays.fill(p.grad(), 0f);
    }

    /** Runs the objective on {@code batch}; {@code sampling} draws the RTD generator's tokens. Keeps what backward needs. */
    public Loss forward(List<EncoderExample> batch, Random sampling) {
        List<TrainableEncoder.Pass> ps = new ArrayList<>();
        List<MlmHead.Pass> ms = new ArrayList<>();
        List<NspHead.Pass> ns = new ArrayList<>();
        List<TrainableEncoder.Pass> gs = new ArrayList<>();
        List<RtdHead.Pass> rs = new ArrayList<>();
        double mlmSum = 0, nspSum = 0, discSum = 0;
        int mlmCorrect = 0, nspCorrect = 0, rtdCorrect = 0, original = 0;
        labelled = 0;
        tokens = 0;
        MlmHead lm = objective == EncoderObjective.RTD ? generatorMlm : mlm;
        TrainableEncoder lmEncoder = objective == EncoderObjective.RTD ? generator : encoder;
        int vocab = encoder.shape().vocab();
        for (EncoderExample e : batch) {
            TrainableEncoder.Pass p = lmEncoder.forward(e);
            MlmHead.Pass m = lm.forward(p);
            ms.add(m);
            mlmSum += m.lossSum();
            mlmCorrect += m.correct(vocab);
            labelled += m.rows().length;
            if (objective == EncoderObjective.RTD) {
                gs.add(p);
                int[] corrupted = e.ids().clone();
                boolean[] replaced = new boolean[e.length()];
                for (int j = 0; j < m.rows().length; j++) {
                    int row = m.rows()[j];
                    int sampled = sample(m.probabilities(), j * vocab, vocab, sampling);
                    corrupted[row] = sampled;
                    replaced[row] = sampled != m.targets()[j]; // a sampled original counts as original (sec. 2)
                }
                EncoderExample input = new EncoderExample(corrupted, e.types(), e.positions(), e.visible(), null,
                        EncoderExample.NO_LABEL);
                TrainableEncoder.Pass d = encoder.forward(input);
                RtdHead.Pass r = rtd.forward(d, replaced);
                ps.add(d);
                rs.add(r);
                discSum += r.lossSum();
                rtdCorrect += r.correct();
                original += r.original();
                tokens += r.tokens();
            } else {
                ps.add(p);
                if (nsp != null) {
                    NspHead.Pass n = nsp.forward(p);
                    ns.add(n);
                    nspSum += n.loss();
                    if (n.correct()) nspCorrect++;
                }
            }
        }
        passes = ps;
        mlmPasses = ms;
        nspPasses = ns;
        genPasses = gs;
        rtdPasses = rs;
        double mlmLoss = labelled == 0 ? 0 : mlmSum / labelled;
        double nspLoss = ns.isEmpty() ? 0 : nspSum / ns.size();
        double discLoss = tokens == 0 ? 0 : discSum / tokens;
        double total = mlmLoss + nspLoss + (objective == EncoderObjective.RTD ? lambda * discLoss : 0);
        return new Loss(total, mlmLoss, nspLoss, discLoss, mlmCorrect, labelled, nspCorrect, ns.size(), rtdCorrect,
                original, tokens);
    }

    /** Accumulates the gradient of the last {@link #forward}'s total loss. */
    public void backward() {
        int d = encoder.shape().dim();
        float mlmScale = labelled == 0 ? 0f : 1f / labelled;
        for (int i = 0; i < passes.size(); i++) {
            if (objective == EncoderObjective.RTD) {
                TrainableEncoder.Pass g = genPasses.get(i);
                float[] dGen = new float[g.n * d];
                generatorMlm.backward(mlmPasses.get(i), mlmScale, dGen);
                generator.backward(g, dGen);
                TrainableEncoder.Pass p = passes.get(i);
                float[] dDisc = new float[p.n * d];
                rtd.backward(rtdPasses.get(i), lambda / tokens, dDisc);
                encoder.backward(p, dDisc);
            } else {
                TrainableEncoder.Pass p = passes.get(i);
                float[] dh = new float[p.n * d];
                mlm.backward(mlmPasses.get(i), mlmScale, dh);
                if (nsp != null) nsp.backward(nspPasses.get(i), 1f / passes.size(), dh);
                encoder.backward(p, dh);
            }
        }
    }

    /** After {@link #forward}: the MLM head's pass on example {@code i} (the generator's under RTD). */
    public MlmHead.Pass mlmPass(int i) { return mlmPasses.get(i); }

    /** After {@link #forward}: the encoder pass of example {@code i} (the discriminator's under RTD). */
    public TrainableEncoder.Pass pass(int i) { return passes.get(i); }

    private static int sample(float[] probs, int off, int vocab, Random r) {
        double u = r.nextDouble();
        double acc = 0;
        for (int v = 0; v < vocab; v++) {
            acc += probs[off + v];
            if (u < acc) return v;
        }
        return vocab - 1;
    }

    /** Global L2 norm of every gradient, scaled down to {@code max} when above (as the decoder trainer clips). */
    public double clipGradNorm(double max) {
        return TrainableLlama.clip(params, max);
    }
}
