package dev.glassbox.engine.train;

/**
 * GELU in GPT-2's tanh approximation (Hendrycks and Gimpel 2016, sec. 2):
 * gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as the inference kernel
 * {@link dev.glassbox.engine.tensor.Kernels#geluTanh} does.
 */
final class Gelu {
    private static final double C = Math.sqrt(2.0 / Math.PI);

    private Gelu() {
    }

    static void forward(float[] y, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y[i] = (float) (0.5 * v * (1.0 + Math.tanh(C * (v + 0.044715 * v * v * v))));
        }
    }

    /** dx += dy (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)), t = tanh(sqrt(2/pi)(x + 0.044715 x^3)). */
    static void backward(float[] dx, float[] dy, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            double v = x[i];
            double t = Math.tanh(C * (v + 0.044715 * v * v * v));
            double d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * C * (1 + 3 * 0.044715 * v * v);
            dx[i] += (float) (dy[i] * d);
        }
    }

    /** Exact GELU x Phi(x) (Hendrycks and Gimpel 2016, sec. 2), BERT's activation, as the inference kernel computes it. */
    static void forwardExact(float[] y, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            y[i] = dev.glassbox.engine.tensor.Kernels.geluExact(x[i]);
        }
    }

    /** dx += dy (Phi(x) + x phi(x)), phi the standard normal density. */
    static void backwardExact(float[] dx, float[] dy, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            double v = x[i];
            double cdf = 0.5 * (1 + dev.glassbox.engine.tensor.Kernels.erf(v / Math.sqrt(2.0)));
            double pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
            dx[i] += (float) (dy[i] * (cdf + v * pdf));
        }
    }
}
