package dev.glassbox.engine.train;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter 2019, Algorithm 2): Adam moments with bias correction and weight decay
 * decoupled from the gradient, applied to matrices only (norm gains are not decayed).
 */
public final class AdamW {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final List<String> names;
    private final float[][] m;
    private final float[][] v;
    private long step;

    public AdamW(List<Param> params, float beta1, float beta2, float eps, float weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        names = params.stream().map(Param::name).toList();
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).size()];
            v[i] = new float[params.get(i).size()];
        }
    }

    public static AdamW standard(List<Param> params) {
        return new AdamW(params, 0.9f, 0.95f, 1e-8f, 0.1f);
    }

    /** One update at learning rate {@code lr}: theta -= lr * (m_hat / (sqrt(v_hat) + eps) + lambda * theta). */
    public void step(List<Param> params, float lr) {
        step(params, lr, null);
    }

    /** As {@link #step(List, float)}, skipping (value and moments untouched) params whose {@code trainable} flag is false. */
    public void step(List<Param> params, float lr, boolean[] trainable) {
        step++;
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            if (trainable != null && !trainable[i]) {
                continue;
            }
            Param p = params.get(i);
            float[] w = p.value();
            float[] g = p.grad();
            float[] mi = m[i];
            float[] vi = v[i];
            float wd = p.isMatrix() ? weightDecay : 0f;
            for (int j = 0; j < w.length; j++) {
                mi[j] = beta1 * mi[j] + (1 - beta1) * g[j];
                vi[j] = beta2 * vi[j] + (1 - beta2) * g[j] * g[j];
                double mHat = mi[j] / c1;
                double vHat = vi[j] / c2;
                w[j] -= (float) (lr * (mHat / (Math.sqrt(vHat) + eps) + wd * w[j]));
            }
        }
    }

    public long steps() { return step; }

    /** The names of the parameters the moments belong to, in order. */
    List<String> names() { return names; }

    float[][] firstMoments() { return m; }

    float[][] secondMoments() { return v; }

    void restore(long steps, float[][] first, float[][] second) {
        if (first.length != m.length) {
            throw new IllegalArgumentException("optimizer state has " + first.length + " tensors, model has " + m.length);
        }
        for (int i = 0; i < m.length; i++) {
            if (first[i].length != m[i].length || second[i].length != v[i].length) {
                throw new IllegalArgumentException("optimizer state tensor " + i + " has the wrong size");
            }
            System.arraycopy(first[i], 0, m[i], 0, m[i].length);
            System.arraycopy(second[i], 0, v[i], 0, v[i].length);
        }
        this.step = steps;
    }
}
