package dev.glassbox.engine.train;

import java.util.Random;

import dev.glassbox.engine.routing.Path;
import dev.glassbox.engine.routing.RoutingPolicy;

/**
 * Random routing while training (ROOTS design notes): after each layer that runs, with probability p the
 * hidden state jumps to a uniformly chosen later layer, skipping the layers between
 * ({@link RoutingPolicy.RandomRouting}, the same sampler the routing explorer uses at inference).
 *
 * <p>The path is drawn per sequence (per batch row), not per token: every position of a sequence is then at the
 * same depth inside each layer, so a query attends to keys and values computed by the very layer it is in. With
 * per-token paths a running token would attend to skipped tokens' stale residuals at that layer, which no single
 * inference path reproduces. Paths are a function of (seed, step, row) only, so runs are deterministic and the
 * thread count does not matter.
 */
final class RandomRouting {
    private RandomRouting() {
    }

    /** One path per batch row for optimizer step {@code step}; null when p = 0 (every layer runs). */
    static Path[] paths(double p, long seed, int step, int rows, int layers) {
        if (p == 0) {
            return null;
        }
        RoutingPolicy policy = new RoutingPolicy.RandomRouting(p);
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x5EED);
        Path[] out = new Path[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = policy.sample(layers, rng);
        }
        return out;
    }
}
