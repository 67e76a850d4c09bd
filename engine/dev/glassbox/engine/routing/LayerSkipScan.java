package dev.glassbox.engine.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import dev.glassbox.engine.tensor.Softmax;
import dev.glassbox.engine.model.DecoderModel;
import dev.glassbox.engine.model.DecoderSession;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.trace.Capture;

/** Skips each layer alone (LayerDrop pruning of one layer, Fan et al. 2020) and measures the damage. */
public final class LayerSkipScan {

    /** Which positions skip the layer. */
    public enum Mode {
        /**
         * Only the predicting token skips it: the earlier tokens' keys and values come from the full-depth run, so
         * the measure isolates what the layer does for this one prediction (as {@link RouteSampler} samples paths).
         */
        TOKEN,
        /**
         * Every position skips it, so later tokens also attend to keys and values computed without the layer: the
         * model with the layer removed, as the trainer's random routing drops a layer for the whole sequence.
         */
        SEQUENCE;

        public String label() { return name().toLowerCase(Locale.ROOT); }

        /** "token" or "sequence" (any case); a clear error otherwise. */
        public static Mode parse(String text) {
            for (Mode m : values()) if (m.label().equalsIgnoreCase(text.strip())) return m;
            throw new IllegalArgumentException("skip mode must be token or sequence, got '" + text + "'");
        }
    }

    /**
     * @param meanKl  mean over positions of KL(full depth || layer skipped), nats
     * @param meanNll mean next-token nll with the layer skipped (positions that have a next token)
     * @param fullNll the same at full depth
     */
    public record Row(int layer, double meanKl, double meanNll, double fullNll) {
    }

    private LayerSkipScan() {
    }

    /** {@link Mode#TOKEN}: the predicting token alone skips the layer. */
    public static List<Row> run(DecoderModel model, int[] ids, long seed, int topK, BooleanSupplier cancelled, IntConsumer layerDone) {
        return run(model, ids, Mode.TOKEN, seed, topK, cancelled, layerDone);
    }

    public static List<Row> run(DecoderModel model, int[] ids, Mode mode, long seed, int topK, BooleanSupplier cancelled,
                                IntConsumer layerDone) {
        return mode == Mode.TOKEN ? perToken(model, ids, seed, topK, cancelled, layerDone) : perSequence(model, ids, cancelled, layerDone);
    }

    private static List<Row> perToken(DecoderModel model, int[] ids, long seed, int topK, BooleanSupplier cancelled, IntConsumer layerDone) {
        int layers = model.config().layers();
        List<Row> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            List<RouteSampler.TokenRoutes> rs = RouteSampler.sample(model, ids, RoutingPolicy.parse("skip:" + l, layers), 1, seed,
                    topK, cancelled);
            double kl = 0, nll = 0, full = 0;
            for (RouteSampler.TokenRoutes r : rs) {
                kl += r.meanKl() / rs.size();
                if (r.nextToken() >= 0) {
                    nll += r.meanPathNll() / (rs.size() - 1);
                    full += r.fullNll() / (rs.size() - 1);
                }
            }
            out.add(new Row(l, kl, nll, full));
            layerDone.accept(l);
        }
        return out;
    }

    /** One full-depth session and one session per skipped layer, run side by side over the sequence. */
    private static List<Row> perSequence(DecoderModel model, int[] ids, BooleanSupplier cancelled, IntConsumer layerDone) {
        int layers = model.config().layers();
        DecoderSession dense = model.newSession(Capture.none(layers), Intervention.NONE, ids.length);
        DecoderSession[] skipped = new DecoderSession[layers];
        for (int l = 0; l < layers; l++) {
            int gone = l;
            skipped[l] = model.newSession(Capture.none(layers), new Intervention() {
                @Override
                public boolean skipLayer(int layer, int position) {
                    return layer == gone;
                }
            }, ids.length);
        }
        double[] kl = new double[layers];
        double[] nll = new double[layers];
        double full = 0;
        int scored = Math.max(1, ids.length - 1);
        for (int t = 0; t < ids.length; t++) {
            if (cancelled.getAsBoolean()) throw new CancellationException("cancelled at position " + t);
            double[] p = Softmax.probabilities(dense.forward(ids[t], t));
            int next = t + 1 < ids.length ? ids[t + 1] : -1;
            if (next >= 0) full += -Math.log(p[next]) / scored;
            for (int l = 0; l < layers; l++) {
                double[] q = Softmax.probabilities(skipped[l].forward(ids[t], t));
                kl[l] += RouteSampler.kl(p, q) / ids.length;
                if (next >= 0) nll[l] += -Math.log(q[next]) / scored;
            }
        }
        List<Row> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            out.add(new Row(l, kl[l], nll[l], full));
            layerDone.accept(l);
        }
        return out;
    }
}
