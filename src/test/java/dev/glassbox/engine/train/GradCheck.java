package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Central finite differences, (L(x + h) - L(x - h)) / 2h, over a float32 forward. With h = 1e-2 the
 * truncation error is O(h^2) and float32 rounding of L adds about 1e-6 / h, so analytic and numeric
 * gradients are compared with a relative tolerance of 1e-2 (relative L2 error of the whole tensor).
 */
final class GradCheck {
    static final double H = 1e-2;
    static final double TOLERANCE = 1e-2;

    private GradCheck() {
    }

    /** Numeric gradient of {@code loss} with respect to every element of {@code x}. */
    static double[] numeric(float[] x, DoubleSupplier loss) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = (float) (keep + H);
            double up = loss.getAsDouble();
            x[i] = (float) (keep - H);
            double down = loss.getAsDouble();
            x[i] = keep;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    /** Asserts the two gradients agree: relative error below {@link #TOLERANCE}. */
    static void assertClose(String what, float[] analytic, double[] numeric) {
        double err = relativeError(analytic, numeric);
        assertTrue(err < TOLERANCE, what + ": relative error " + err);
    }

    /**
     * Weights on a larger scale than training's init, so every path carries a gradient well above float32 noise:
     * matrices N(0, 0.4^2), biases N(0, 0.2^2), gains 1 + N(0, 0.2^2).
     */
    static void enlarge(List<Param> params, Random r) {
        for (Param p : params) {
            float[] w = p.value();
            boolean bias = p.name().endsWith(".bias");
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (p.isMatrix() ? r.nextGaussian() * 0.4 : (bias ? 0 : 1) + r.nextGaussian() * 0.2);
            }
        }
    }

    /** What a whole-model check does with one parameter's analytic and numeric gradients. */
    interface ParamCheck {
        void check(Param p, float[] analytic, double[] numeric);
    }

    /**
     * Every parameter of a {@link TrainableLlama} of shape {@code s} (weights {@link #enlarge enlarged} from seed 11)
     * on a random batch of 2 x 6 tokens drawn next from the same generator, every fifth target ignored.
     */
    static void everyParameter(ModelShape s, ParamCheck check) {
        Random r = new Random(11);
        everyParameter(s, r, r, 2, 6, 5, check);
    }

    /**
     * Every parameter of a {@link TrainableLlama} of shape {@code s}, weights {@link #enlarge enlarged} from
     * {@code weights}, on a batch from {@code data} ({@link TokenBatch#random}): its backward's gradient and the
     * finite differences of the loss.
     */
    static void everyParameter(ModelShape s, Random weights, Random data, int batch, int seq, int ignoreEvery,
                               ParamCheck check) {
        try (Parallel par = new Parallel(2)) {
            TrainableLlama m = new TrainableLlama(s, par);
            enlarge(m.params(), weights);
            int[][] d = TokenBatch.random(data, batch * seq, s.vocab(), ignoreEvery);
            int[] in = d[0], tg = d[1];
            m.forward(in, tg, batch, seq);
            m.zeroGrad();
            m.backward(tg);
            for (Param p : m.params()) {
                float[] analytic = p.grad().clone();
                check.check(p, analytic, numeric(p.value(), () -> m.forward(in, tg, batch, seq)));
            }
        }
    }

    /** ||a - n|| / max(||a|| + ||n||, floor): small when the two gradients agree. */
    static double relativeError(float[] analytic, double[] numeric) {
        double diff = 0, na = 0, nn = 0;
        for (int i = 0; i < analytic.length; i++) {
            double d = analytic[i] - numeric[i];
            diff += d * d;
            na += (double) analytic[i] * analytic[i];
            nn += numeric[i] * numeric[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nn), 1e-6);
    }

    static float[] randn(Random r, int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }

    /** sum(y * w) in double: a scalar whose gradient with respect to y is w. */
    static double weighted(float[] y, float[] w) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (double) y[i] * w[i];
        }
        return s;
    }
}
