package dev.glassbox.engine.context;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.analysis.FirstNonFinite;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.tokenizer.Tokenizer;

/**
 * Compares context-window methods on one model and text: per method a teacher-forced pass (nll per position,
 * attention mass by distance), its coverage, its cost, and a passkey grid. Shared by the
 * {@code context-compare} command and the desktop Context lab.
 */
public final class ContextLab {

    /** Passkey grid: prompt lengths x {@code depths} evenly spaced needle depths (no lengths = no grid). */
    public record PasskeySettings(int[] lengths, int depths) {
        public PasskeySettings {
            lengths = lengths.clone();
            if (depths < 1 && lengths.length > 0) throw new IllegalArgumentException("passkey depths must be >= 1, got " + depths);
        }

        public static PasskeySettings none() { return new PasskeySettings(new int[0], 0); }

        /** Longer needle prompts would not fit any context a model here can hold. */
        static final int MAX_LENGTH = 1 << 20;

        /** Comma-separated prompt lengths in tokens, each in 1..2^20; empty or "none" for no passkey grid. */
        public static int[] parseLengths(String text) {
            String t = text.strip();
            if (t.isEmpty() || t.equalsIgnoreCase("none")) return new int[0];
            return dev.glassbox.engine.spec.Spec.items(t).stream()
                    .mapToInt(v -> dev.glassbox.engine.spec.Spec.wholeNumber(t, "a passkey length", v, 1, MAX_LENGTH)).toArray();
        }
    }

    /** Told (stage text, units done, units in total) as the lab proceeds. */
    @FunctionalInterface
    public interface Progress {
        void update(String stage, long done, long total);
    }

    /**
     * One method's results.
     *
     * @param nll     nll[t] = -ln p(text[t+1] | text[..t]) in nats
     * @param direct  per query, the keys it attends to directly (one layer)
     * @param reach   per query, how many positions its information reaches at the top layer
     * @param passkey in (length, depth) order
     * @param firstTokenMass per layer, mean attention mass on position 0 (see {@link PolicyRunner.Result})
     */
    public record MethodResult(ContextPolicy policy, float[] nll, double[] massByDistance, BitSet[] direct, int[] reach,
                               Cost cost, double tokensPerSecond, List<Passkey.Outcome> passkey, double[] firstTokenMass) {

        /** exp(mean nll) over positions t (predicting t+1) with from &lt;= t+1 &lt; to. */
        public double perplexity(int from, int to) {
            double sum = 0;
            int n = 0;
            for (int t = 0; t < nll.length; t++) {
                if (t + 1 >= from && t + 1 < to) {
                    sum += nll[t];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : Math.exp(sum / n);
        }
    }

    private ContextLab() {
    }

    /** Runs every policy on {@code ids}; throws {@link java.util.concurrent.CancellationException} when cancelled. */
    public static List<MethodResult> run(LlamaModel model, Tokenizer tok, int[] ids, List<ContextPolicy> policies,
                                         PasskeySettings passkey, Progress progress, BooleanSupplier cancelled) {
        return run(model, null, tok, ids, policies, passkey, progress, cancelled);
    }

    /** As above; {@code compressive:...,fn=conv} compresses with the model's {@code learned} convolution (null: none). */
    public static List<MethodResult> run(LlamaModel model, LearnedCompression learned, Tokenizer tok, int[] ids,
                                         List<ContextPolicy> policies, PasskeySettings passkey, Progress progress,
                                         BooleanSupplier cancelled) {
        if (ids.length < 2) throw new IllegalArgumentException("the text holds fewer than two tokens");
        double[] depths = passkey.lengths().length == 0 ? new double[0] : Passkey.depths(passkey.depths());
        long perMethod = ids.length + (long) passkey.lengths().length * depths.length;
        long total = perMethod * policies.size();
        List<MethodResult> out = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            ContextPolicy p = policies.get(i);
            long base = i * perMethod;
            PolicyRunner runner = new PolicyRunner(model, p, learned);
            PolicyRunner.Result r = runner.run(ids, null, cancelled,
                    t -> progress.update(p.label() + ": scoring", base + t, total));
            float[] nll = FirstNonFinite.checkSeries(model, ids, r.nll(), p.label() + "'s loss");
            BitSet[] direct = Coverage.direct(p, ids.length);
            int[] reach = Coverage.reach(direct, model.config().layers());
            Cost c = Cost.of(p, ids.length, model.config());
            List<Passkey.Outcome> outcomes = new ArrayList<>();
            long done = base + ids.length;
            for (int len : passkey.lengths()) {
                for (double depth : depths) {
                    progress.update(p.label() + ": passkey " + len + " tokens", done, total);
                    outcomes.add(Passkey.run(runner, tok, len, depth, 7L * len + Math.round(depth * 100), cancelled));
                    done++;
                }
            }
            out.add(new MethodResult(p, nll, r.massByDistance(), direct, reach, c, r.tokensPerSecond(), List.copyOf(outcomes),
                    r.firstTokenMass()));
        }
        progress.update("done", total, total);
        return out;
    }

    /**
     * The positions whose information can reach each query after {@code layers} layers (1 = the direct mask):
     * field_l(q) = union of field_{l-1}(s) over the keys s that q attends to directly.
     */
    public static BitSet[] receptiveField(BitSet[] direct, int layers) {
        BitSet[] field = direct.clone();
        for (int l = 1; l < layers; l++) {
            BitSet[] next = new BitSet[direct.length];
            for (int q = 0; q < direct.length; q++) {
                BitSet b = new BitSet(q + 1);
                for (int s = direct[q].nextSetBit(0); s >= 0; s = direct[q].nextSetBit(s + 1)) b.or(field[s]);
                next[q] = b;
            }
            field = next;
        }
        return field;
    }

    /** Per query, how far back (tokens, inclusive) its information reaches after {@code layers} layers. */
    public static int[] receptiveFieldReach(BitSet[] direct, int layers) {
        return Coverage.reach(direct, layers);
    }
}
