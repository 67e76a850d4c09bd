package dev.glassbox.engine.train;

/**
 * LayerNorm with gain and bias (Ba, Kiros and Hinton 2016, eq. 4): y = (x - mean) / sqrt(var + eps) * g + b
 * over each row of {@code dim} values. The forward uses the inference kernel's arithmetic
 * ({@link dev.glassbox.engine.tensor.Kernels#layernorm}: mean and variance in double) and keeps the row mean
 * and 1/std for the backward.
 */
final class LayerNorm {
    private LayerNorm() {
    }

    static void forward(float[] y, float[] mean, float[] rstd, float[] x, float[] g, float[] b, int n, int dim, float eps) {
        for (int i = 0; i < n; i++) {
            int o = i * dim;
            double m = 0;
            for (int c = 0; c < dim; c++) {
                m += x[o + c];
            }
            m /= dim;
            double var = 0;
            for (int c = 0; c < dim; c++) {
                double d = x[o + c] - m;
                var += d * d;
            }
            var /= dim;
            float r = (float) (1.0 / Math.sqrt(var + eps));
            float mf = (float) m;
            mean[i] = mf;
            rstd[i] = r;
            for (int c = 0; c < dim; c++) {
                y[o + c] = (x[o + c] - mf) * r * g[c] + b[c];
            }
        }
    }

    /**
     * With xhat = (x - mean) r and u = g * dy: dx += r (u - mean(u) - xhat mean(u xhat)), dg += dy xhat, db += dy.
     */
    static void backward(float[] dx, float[] dg, float[] db, float[] dy, float[] x, float[] g, float[] mean, float[] rstd,
                         int n, int dim) {
        for (int i = 0; i < n; i++) {
            int o = i * dim;
            float r = rstd[i];
            float m = mean[i];
            double sumU = 0;
            double sumUX = 0;
            for (int c = 0; c < dim; c++) {
                double u = (double) g[c] * dy[o + c];
                sumU += u;
                sumUX += u * (x[o + c] - m) * r;
            }
            float meanU = (float) (sumU / dim);
            float meanUX = (float) (sumUX / dim);
            for (int c = 0; c < dim; c++) {
                float xhat = (x[o + c] - m) * r;
                dx[o + c] += r * (g[c] * dy[o + c] - meanU - xhat * meanUX);
                dg[c] += dy[o + c] * xhat;
                db[c] += dy[o + c];
            }
        }
    }
}
