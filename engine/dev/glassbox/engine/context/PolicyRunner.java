package dev.glassbox.engine.context;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import dev.glassbox.engine.analysis.SinkMass;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.model.AttentionMemory;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LlamaForward;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.RelativePositions;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.model.Rope;
import dev.glassbox.engine.tensor.Kernels;
import dev.glassbox.engine.trace.Capture;

/**
 * Runs a Llama-family model token by token under a {@link ContextPolicy}: the model's own forward
 * ({@link LlamaForward}, the one decode uses), whose attention reads the policy's memory (which slots, which
 * rotary positions) instead of the plain causal cache.
 */
public final class PolicyRunner {
    private final LlamaModel model;
    private final ContextPolicy policy;
    private final ModelConfig c;
    private final LearnedCompression learned;

    public PolicyRunner(LlamaModel model, ContextPolicy policy) {
        this(model, policy, null);
    }

    /** A runner whose {@code compressive:...,fn=conv} compresses with the model's {@code learned} convolution. */
    public PolicyRunner(LlamaModel model, ContextPolicy policy, LearnedCompression learned) {
        this.model = model;
        this.policy = policy;
        this.c = model.config();
        this.learned = learned;
        newMemory(); // refuses fn=conv without weights here, not at the first token
    }

    private ContextMemory newMemory() {
        return policy instanceof ContextPolicy.Compressive cp ? cp.newMemory(c.layers(), learned) : policy.newMemory(c.layers());
    }

    public ContextPolicy policy() { return policy; }

    /**
     * Per-position results of a teacher-forced pass.
     *
     * @param nll            nll[t] = -ln p(tokens[t+1] | tokens[..t]) in nats; length n-1
     * @param massByDistance mean attention mass per distance bucket: 0 = the token itself, b >= 1 = [2^(b-1), 2^b)
     * @param peakEntries    most key/value entries one layer held at any time
     * @param trackedMass    attention mass on the tracked source range by [layer][head] at the last position, or null
     * @param nextToken      greedy argmax after the last position
     * @param firstTokenMass per layer, the mean attention mass (over queries after position 0 and heads) on the
     *                       slot holding position 0 (the attention sink of Xiao et al. 2024, sec. 3.1)
     */
    public record Result(float[] nll, double[] massByDistance, int peakEntries, double tokensPerSecond,
                         double[][] trackedMass, int nextToken, double[] firstTokenMass) {
    }

    /** Teacher-forces {@code tokens}; {@code track} = [from, to] source positions to report attention mass on, or null. */
    public Result run(int[] tokens, int[] track, BooleanSupplier cancelled, IntConsumer progress) {
        if (tokens.length == 0) throw new IllegalArgumentException("nothing to run: no tokens");
        Session s = new Session(track);
        float[] nll = new float[tokens.length - 1];
        long start = System.nanoTime();
        float[] logits = null;
        for (int t = 0; t < tokens.length; t++) {
            if (cancelled.getAsBoolean()) throw new CancellationException("cancelled at position " + t);
            s.trackNow = t == tokens.length - 1;
            logits = s.step(tokens[t]);
            if (t + 1 < tokens.length) nll[t] = (float) -Softmax.logProb(logits, tokens[t + 1]);
            if (progress != null) progress.accept(t + 1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(nll, s.massByDistance(), s.peak, tokens.length / seconds, s.tracked, Kernels.argmax(logits),
                s.firstTokenMass());
    }

    /** Greedy continuation of {@code prompt} under the policy. */
    public int[] greedy(int[] prompt, int newTokens, BooleanSupplier cancelled) {
        Session s = new Session(null);
        float[] logits = null;
        for (int token : prompt) {
            if (cancelled.getAsBoolean()) throw new CancellationException("cancelled");
            logits = s.step(token);
        }
        int[] out = new int[newTokens];
        for (int i = 0; i < newTokens; i++) {
            out[i] = Kernels.argmax(logits);
            if (i + 1 < newTokens) logits = s.step(out[i]);
        }
        return out;
    }

    /**
     * One sequence under the policy: the model's own forward ({@link LlamaForward}) attending over the policy's
     * memory instead of the plain causal cache, plus the attention statistics the lab reports.
     */
    public final class Session {
        private final ContextMemory memory = newMemory();
        private final LlamaForward forward;
        private final Visible v = new Visible();
        private final double[] mass = new double[34];
        private final double[] firstMass = new double[c.layers()];
        private final int[] track;
        private final double[][] tracked;
        private long massCount;
        private float[][] rotated = new float[0][];
        private int[] distances = new int[0];
        private float[] att = new float[64];
        private float[] probs = new float[0];
        private int position;
        private int peak;
        boolean trackNow;

        Session(int[] track) {
            this.track = track;
            this.tracked = track == null ? null : new double[c.layers()][c.heads()];
            this.forward = new LlamaForward(model, new PolicyAttention(), Capture.none(c.layers()), Intervention.NONE);
        }

        public int position() { return position; }

        /** Forwards one token at the next position and returns the logits (reused by the next call). */
        public float[] step(int token) {
            return forward.forward(token, position++);
        }

        /** The policy's memory as the block's attention: which slots a query sees and at which rotary positions. */
        private final class PolicyAttention implements AttentionMemory {
            private int ropePosition = -1;
            private Rope rope;
            private float logitScale;

            @Override
            public void attend(int l, int t, float[] q, float[] k, float[] value, float[] out) {
                int hd = c.headDim();
                if (t != ropePosition) { // scaled ropes (dynamic NTK, YaRN) depend on the length so far
                    rope = ropeFor(t + 1);
                    logitScale = (float) (rope.attentionFactor() * rope.attentionFactor() / Math.sqrt(hd));
                    ropePosition = t;
                }
                float[] kRaw = k.clone();
                boolean relative = model.relative() != null; // xl-relative: keys stay unrotated, distances enter the score
                if (!relative) rope.apply(k, 0, c.kvHeads(), hd, t);
                memory.append(l, t, kRaw, k.clone(), value.clone());
                memory.visible(l, t, v);
                peak = Math.max(peak, memory.entries(l));
                if (!relative) rope.apply(q, 0, c.heads(), hd, v.queryPosition);
                attendVisible(l, t, q, out);
            }

            /** [heads, visible slots] of the last query (slot order is the memory's, not positions). */
            @Override
            public float[] pattern(int layer, int pos) {
                return Arrays.copyOf(probs, c.heads() * v.count);
            }

            private void attendVisible(int l, int t, float[] q, float[] out) {
                int hd = c.headDim();
                int n = v.count;
                if (rotated.length < n) rotated = new float[n * 2][];
                if (att.length < n) att = new float[n * 2];
                if (probs.length < c.heads() * n) probs = new float[c.heads() * n * 2];
                RelativePositions rel = model.relative();
                float[] table = null;
                if (rel != null) {
                    if (distances.length < n) distances = new int[n * 2];
                    int most = 0;
                    for (int i = 0; i < n; i++) {
                        // a pooled slot (NaN key position) is taken at its range's centre
                        float keyAt = Float.isNaN(v.keyPosition[i]) ? (v.from[i] + v.to[i]) / 2f : v.keyPosition[i];
                        distances[i] = Math.max(0, Math.round(v.queryPosition - keyAt));
                        most = Math.max(most, distances[i]);
                    }
                    table = model.relativeTable(l, most + 1);
                }
                for (int i = 0; i < n; i++) {
                    if (rel != null || Float.isNaN(v.keyPosition[i])) {
                        rotated[i] = v.keys[i];
                    } else {
                        float[] r = v.keys[i].clone();
                        rope.apply(r, 0, c.kvHeads(), hd, v.keyPosition[i]);
                        rotated[i] = r;
                    }
                }
                for (int h = 0; h < c.heads(); h++) {
                    int kvOff = c.kvHeadOf(h) * hd;
                    for (int i = 0; i < n; i++) {
                        att[i] = rel != null
                                ? RelativePositions.score(q, h, hd, rel.u(), rel.v(), rotated[i], kvOff, table, distances[i] * c.qDim(), logitScale)
                                : Kernels.dot(q, h * hd, rotated[i], kvOff, hd) * logitScale;
                    }
                    Kernels.softmax(att, 0, n);
                    System.arraycopy(att, 0, probs, h * n, n);
                    Arrays.fill(out, h * hd, (h + 1) * hd, 0f);
                    for (int i = 0; i < n; i++) {
                        Kernels.axpy(out, h * hd, att[i], v.values[i], kvOff, hd);
                        long distance = Math.round(t - (v.from[i] + v.to[i]) / 2.0);
                        int bucket = distance <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(distance);
                        mass[Math.min(bucket, mass.length - 1)] += att[i];
                        if (SinkMass.counts(t) && v.from[i] == 0) firstMass[l] += att[i];
                        if (memory instanceof ContextPolicy.CompressiveMemory cm && v.from[i] == v.to[i]) {
                            cm.used(l, v.from[i], att[i]);
                        }
                        if (trackNow && tracked != null && v.to[i] >= track[0] && v.from[i] <= track[1]) {
                            tracked[l][h] += att[i];
                        }
                    }
                    massCount++;
                }
            }
        }

        double[] firstTokenMass() {
            double[] out = firstMass.clone();
            for (int l = 0; l < out.length; l++) out[l] /= SinkMass.queriesCounted(position) * c.heads();
            return out;
        }

        double[] massByDistance() {
            double[] out = mass.clone();
            for (int i = 0; i < out.length; i++) out[i] /= Math.max(1, massCount);
            return out;
        }
    }

    private Rope ropeFor(int length) {
        return switch (policy.rope()) {
            case ContextPolicy.RopeChoice.Model m -> model.rope();
            case ContextPolicy.RopeChoice.Scaled s -> s.scaling().rope(c.ropeStyle(), c.headDim(), c.ropeTheta(),
                    s.factor(), s.original(), length);
        };
    }
}
