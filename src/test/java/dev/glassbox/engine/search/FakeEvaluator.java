package dev.glassbox.engine.search;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A cheap evaluator: the loss is a fixed function of the architecture and the steps; it counts its trainings. */
final class FakeEvaluator implements Evaluator {
    final AtomicInteger trainings = new AtomicInteger();

    static double loss(Architecture a, int steps) {
        return 1.0 + 4.0 / (a.layers() * a.dim()) + 2.0 / steps + (a.attention().startsWith("sliding") ? 0.05 : 0)
                + 0.01 * a.experts().count();
    }

    @Override
    public Trained train(Candidate c, int toStep, int totalSteps, BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            return new Trained(c.steps(), false, Double.NaN, List.of(), false, 0, Double.NaN, 0);
        }
        trainings.incrementAndGet();
        List<Double> losses = new ArrayList<>();
        for (int s = c.steps(); s < toStep; s++) {
            losses.add(loss(c.architecture(), s + 1) + 0.5);
        }
        Architecture a = c.architecture();
        return new Trained(toStep, true, loss(a, toStep), losses, false, (long) a.layers() * a.dim() * a.dim() * 12,
                a.layers() * a.dim() * 100.0, 0.01);
    }

    @Override
    public double latencyMs(Candidate c) {
        return c.architecture().layers() * 0.1 + c.architecture().dim() * 0.001;
    }
}
