package dev.glassbox.engine.routing;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import dev.glassbox.engine.spec.Spec;

/**
 * How a token's path through the layers of a dense model is chosen at inference. Each policy turns into a
 * per-token {@link Path}: the layers that run (a skipped layer passes the residual stream through).
 */
public sealed interface RoutingPolicy {

    String label();

    /** A path for one token through {@code layers} layers; random policies draw from {@code rng}. */
    Path sample(int layers, Random rng);

    /** True when every sample is the same path. */
    default boolean deterministic() { return true; }

    /** Every layer runs. */
    record Dense() implements RoutingPolicy {
        public String label() { return "dense"; }

        public Path sample(int layers, Random rng) { return Path.dense(layers); }
    }

    /** Only the kept layers run (LayerDrop-style pruning at inference, Fan et al. 2020, sec. 3.2). */
    record LayerSkip(Set<Integer> keep) implements RoutingPolicy {
        public LayerSkip {
            keep = Set.copyOf(new TreeSet<>(keep));
        }

        public String label() { return "keep:" + new TreeSet<>(keep); }

        public Path sample(int layers, Random rng) {
            for (int l : keep) {
                if (l < 0 || l >= layers) throw new IllegalArgumentException("layer " + l + " outside 0.." + (layers - 1));
            }
            boolean[] run = new boolean[layers];
            for (int l : keep) run[l] = true;
            return new Path(run);
        }
    }

    /**
     * Random routing (ROOTS design notes): after each layer that runs, with probability p the output jumps to a
     * uniformly chosen later layer (or past the last), skipping the layers between.
     */
    record RandomRouting(double p) implements RoutingPolicy {
        public RandomRouting {
            probability(p);
        }

        public String label() { return "random:p=" + p; }

        public boolean deterministic() { return p == 0; }

        public Path sample(int layers, Random rng) {
            boolean[] run = new boolean[layers];
            int l = 0;
            while (l < layers) {
                run[l] = true;
                int next = l + 1;
                if (next < layers && rng.nextDouble() < p) {
                    next = l + 2 + rng.nextInt(layers - l - 1); // a later layer in l+2..layers (layers = exit)
                }
                l = next;
            }
            return new Path(run);
        }
    }

    /** Stochastic depth (Huang et al. 2016): each layer is dropped independently with probability p. */
    record StochasticDepth(double p) implements RoutingPolicy {
        public StochasticDepth {
            probability(p);
        }

        public String label() { return "stochastic-depth:p=" + p; }

        public boolean deterministic() { return p == 0; }

        public Path sample(int layers, Random rng) {
            boolean[] run = new boolean[layers];
            for (int l = 0; l < layers; l++) run[l] = rng.nextDouble() >= p;
            return new Path(run);
        }
    }

    private static void probability(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability p must be in [0, 1], got " + p);
    }

    /**
     * Parses {@code dense}, {@code keep:0;2;4}, {@code skip:3}, {@code random:p=0.2}, {@code stochastic-depth:p=0.1}
     * (the {@link Spec} grammar). {@code layers} is the model's layer count, checked against every listed layer, or
     * 0 before a model is loaded: then only what does not depend on the model is checked.
     */
    static RoutingPolicy parse(String spec, int layers) {
        Spec p = Spec.parse(spec);
        int maxLayer = layers > 0 ? layers - 1 : Integer.MAX_VALUE;
        RoutingPolicy policy = switch (p.name()) {
            case "dense" -> new Dense();
            case "keep", "skip" -> {
                Set<Integer> listed = new TreeSet<>();
                for (String l : p.bareElements()) listed.add(p.integerValue("layer", l, 0, maxLayer));
                if (p.name().equals("keep")) yield new LayerSkip(listed);
                Set<Integer> keep = new TreeSet<>();
                for (int l = 0; l < layers; l++) if (!listed.contains(l)) keep.add(l);
                yield new LayerSkip(keep);
            }
            case "random" -> new RandomRouting(probability(p));
            case "stochastic-depth" -> new StochasticDepth(probability(p));
            default -> throw p.error("unknown routing policy '" + p.name()
                    + "'; known: dense, keep:L;L, skip:L;L, random:p=P, stochastic-depth:p=P");
        };
        p.checkAllUsed();
        return policy;
    }

    private static double probability(Spec p) {
        String v = p.single("p");
        if (v == null) throw p.error("expected p=<probability in [0, 1]>");
        return p.numberValue("p", v, 0, 1);
    }
}
