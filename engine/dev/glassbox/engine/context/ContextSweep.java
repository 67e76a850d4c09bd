package dev.glassbox.engine.context;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.glassbox.engine.spec.Spec;

import dev.glassbox.engine.model.LlamaModel;

/**
 * An efficiency search over one method's parameters: each setting is scored (mean NLL on a text) and costed
 * (attention FLOPs, KV memory), and the settings no other setting beats on both quality and cost are marked as
 * the Pareto front.
 */
public final class ContextSweep {

    /** One setting's outcome; {@code onFlopsFront}/{@code onKvFront} mark the Pareto-optimal ones. */
    public record Point(String spec, double meanNll, double meanNllPastTrained, Cost cost, double tokensPerSecond,
                        boolean onFlopsFront, boolean onKvFront) {
        public double perplexity() { return Math.exp(meanNll); }
    }

    private ContextSweep() {
    }

    /**
     * Expands a template whose values may list alternatives with '|', e.g. {@code sliding:W=16|32|64} or
     * {@code streaming:sinks=1|4,W=60}, into every combination, in order.
     */
    public static List<String> expand(String template) {
        int colon = template.indexOf(':');
        if (colon < 0) return List.of(template.strip());
        String name = template.substring(0, colon);
        List<String> specs = new ArrayList<>(List.of(""));
        for (String part : Spec.items(template.substring(colon + 1))) {
            int eq = part.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("expected key=value in '" + template + "', got '" + part + "'");
            String key = part.substring(0, eq).strip();
            List<String> next = new ArrayList<>();
            for (String prefix : specs) {
                for (String v : part.substring(eq + 1).split("\\|")) {
                    next.add(prefix + (prefix.isEmpty() ? "" : ",") + key + "=" + v.strip());
                }
            }
            specs = next;
        }
        return specs.stream().map(s -> name + ":" + s).toList();
    }

    public static List<Point> run(LlamaModel model, int[] tokens, String template, BooleanSupplier cancelled,
                                  Consumer<String> progress) {
        int trained = model.config().contextLength();
        List<String> specs = expand(template);
        List<double[]> raw = new ArrayList<>();
        List<Cost> costs = new ArrayList<>();
        List<Double> speed = new ArrayList<>();
        for (String spec : specs) {
            if (cancelled.getAsBoolean()) throw new CancellationException("sweep cancelled before " + spec);
            if (progress != null) progress.accept(spec);
            ContextPolicy p = ContextPolicy.parse(spec, trained);
            PolicyRunner.Result r = new PolicyRunner(model, p).run(tokens, null, cancelled, null);
            double all = 0, past = 0;
            int nPast = 0;
            for (int t = 0; t < r.nll().length; t++) {
                all += r.nll()[t];
                if (t + 1 >= trained) { past += r.nll()[t]; nPast++; }
            }
            raw.add(new double[] {all / r.nll().length, nPast == 0 ? Double.NaN : past / nPast});
            costs.add(Cost.of(p, tokens.length, model.config()));
            speed.add(r.tokensPerSecond());
        }
        double[] nll = raw.stream().mapToDouble(d -> d[0]).toArray();
        boolean[] flopsFront = paretoFront(costs.stream().mapToDouble(Cost::attentionFlops).toArray(), nll);
        boolean[] kvFront = paretoFront(costs.stream().mapToDouble(Cost::kvBytes).toArray(), nll);
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            out.add(new Point(ContextPolicy.parse(specs.get(i), trained).label(), nll[i], raw.get(i)[1], costs.get(i),
                    speed.get(i), flopsFront[i], kvFront[i]));
        }
        return out;
    }

    /** front[i] when no j is at least as good on both (lower is better) and strictly better on one. */
    public static boolean[] paretoFront(double[] cost, double[] loss) {
        boolean[] front = new boolean[cost.length];
        for (int i = 0; i < cost.length; i++) {
            front[i] = true;
            for (int j = 0; j < cost.length && front[i]; j++) {
                boolean noWorse = cost[j] <= cost[i] && loss[j] <= loss[i];
                boolean better = cost[j] < cost[i] || loss[j] < loss[i];
                if (j != i && noWorse && better) front[i] = false;
            }
        }
        return front;
    }
}
