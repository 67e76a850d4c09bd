package dev.glassbox.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.testing.TinyLlama;

/**
 * Cancel of the Routes workspace's sampling (issue #23): a position runs one forward per distinct sampled path plus
 * the full-depth one (0.7 s of CPU on stories110M with 16 samples, CancelLatencyBenchmark), so Cancel is asked
 * before each forward, not only before each position.
 */
class RouteCancelTest {
    private final LlamaModel model = TinyLlama.model(11, 16, 32, 4, 4, 2, 30, 64);
    private final int[] tokens = new Random(3).ints(6, 0, 30).toArray();

    @Test
    void cancelIsAskedBeforeEveryForward() {
        AtomicInteger checks = new AtomicInteger();
        List<RouteSampler.TokenRoutes> r = RouteSampler.sample(model, tokens, RoutingPolicy.parse("random:p=0.5", 4), 8,
                1, 3, () -> {
                    checks.incrementAndGet();
                    return false;
                });
        int forwards = r.stream().mapToInt(t -> t.paths().size() + 1).sum(); // each distinct path, then full depth
        assertEquals(tokens.length + forwards, checks.get(), "one check per position and one before each forward");
    }

    @Test
    void aCancelDuringAPositionsPathsStopsBeforeTheNextForward() {
        AtomicInteger asked = new AtomicInteger();
        // Cancel while the first position's first path runs
        assertThrows(CancellationException.class, () -> RouteSampler.sample(model, tokens,
                RoutingPolicy.parse("random:p=0.5", 4), 8, 1, 3, () -> asked.incrementAndGet() >= 3));
        assertEquals(3, asked.get());
    }
}
