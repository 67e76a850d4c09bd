package dev.glassbox.engine.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.analysis.FirstNonFinite;
import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.Capture;

/**
 * Samples routes per token and measures what they do to the prediction. Earlier tokens run densely; the token
 * at position t is re-forwarded at t once per distinct path (each forward rewrites only position t's cache
 * entries of the layers it runs, and position t attends to nothing later), then densely to restore the cache.
 */
public final class RouteSampler {

    /** One distinct path at one position: how often it was drawn and what it predicts. */
    public record PathOutcome(Path path, int count, int[] topIds, float[] topProbs, double klToFull, double nextTokenNll) {
    }

    /**
     * @param klEnsemble  KL(full || mean of the sampled paths' distributions)
     * @param meanKl      mean over samples of KL(full || path)
     * @param fullNll     -ln p_full(next token), NaN at the last position
     */
    public record TokenRoutes(int position, int token, int nextToken, int[] fullTopIds, float[] fullTopProbs,
                              List<PathOutcome> paths, double meanKl, double klEnsemble,
                              double fullNll, double meanPathNll, double ensembleNll) {
    }

    private RouteSampler() {
    }

    public static List<TokenRoutes> sample(DecoderModel model, int[] tokens, RoutingPolicy policy, int samples, long seed,
                                           int topK, BooleanSupplier cancelled) {
        return sample(model, tokens, policy, samples, seed, topK, cancelled, done -> { });
    }

    /** {@link #sample(DecoderModel, int[], RoutingPolicy, int, long, int, BooleanSupplier)} telling {@code positionsDone} after each position. */
    public static List<TokenRoutes> sample(DecoderModel model, int[] tokens, RoutingPolicy policy, int samples, long seed,
                                           int topK, BooleanSupplier cancelled, java.util.function.IntConsumer positionsDone) {
        if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        int layers = model.config().layers();
        Switch sw = new Switch();
        DecoderSession s = model.newSession(Capture.none(layers), sw);
        Random rng = new Random(seed);
        List<TokenRoutes> out = new ArrayList<>();
        for (int t = 0; t < tokens.length; t++) {
            stopIfCancelled(cancelled, t);
            Map<Path, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i < samples; i++) counts.merge(policy.sample(layers, rng), 1, Integer::sum);
            Map<Path, double[]> dists = new LinkedHashMap<>();
            for (Path p : counts.keySet()) {
                // a position runs up to samples + 1 forwards (0.7 s of CPU on stories110M): Cancel is asked before each
                stopIfCancelled(cancelled, t);
                sw.path = p;
                dists.put(p, Softmax.probabilities(FirstNonFinite.check(model, tokens, 0, t, s.forward(tokens[t], t))));
            }
            sw.path = null;
            stopIfCancelled(cancelled, t);
            double[] full = Softmax.probabilities(FirstNonFinite.check(model, tokens, 0, t, s.forward(tokens[t], t)));
            int next = t + 1 < tokens.length ? tokens[t + 1] : -1;
            double[] ensemble = new double[full.length];
            List<PathOutcome> outcomes = new ArrayList<>();
            double klSum = 0;
            double nllSum = 0;
            for (var e : counts.entrySet()) {
                double[] d = dists.get(e.getKey());
                int n = e.getValue();
                for (int i = 0; i < d.length; i++) ensemble[i] += d[i] * n / samples;
                double kl = kl(full, d);
                double nll = next < 0 ? Double.NaN : -Math.log(d[next]);
                klSum += kl * n;
                nllSum += nll * n;
                int[] top = top(d, topK);
                outcomes.add(new PathOutcome(e.getKey(), n, top, probs(d, top), kl, nll));
            }
            outcomes.sort((a, b) -> Integer.compare(b.count(), a.count()));
            int[] fullTop = top(full, topK);
            out.add(new TokenRoutes(t, tokens[t], next, fullTop, probs(full, fullTop), List.copyOf(outcomes),
                    klSum / samples, kl(full, ensemble), next < 0 ? Double.NaN : -Math.log(full[next]),
                    nllSum / samples, next < 0 ? Double.NaN : -Math.log(ensemble[next])));
            positionsDone.accept(t + 1);
        }
        return out;
    }

    /** The routed path for the token being re-forwarded; null = dense. */
    private static final class Switch implements Intervention {
        Path path;

        @Override
        public boolean skipLayer(int layer, int position) {
            return path != null && !path.runs(layer);
        }
    }

    /** KL(p || q) in nats; q is floored at 1e-12 so a path that rules out a token gives a large but finite value. */
    public static double kl(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) s += p[i] * (Math.log(p[i]) - Math.log(Math.max(q[i], 1e-12)));
        }
        return Math.max(0, s);
    }

    static int[] top(double[] p, int k) {
        int n = Math.min(k, p.length);
        int[] idx = new int[n];
        boolean[] used = new boolean[p.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) if (!used[i] && (best < 0 || p[i] > p[best])) best = i;
            idx[j] = best;
            used[best] = true;
        }
        return idx;
    }

    static float[] probs(double[] p, int[] idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = (float) p[idx[i]];
        return out;
    }

    private static void stopIfCancelled(BooleanSupplier cancelled, int position) {
        if (cancelled.getAsBoolean()) throw new CancellationException("cancelled at position " + position);
    }
}
