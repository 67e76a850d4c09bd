package dev.glassbox.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The numeric kernels of inference, one of each. Arrays are dense float32. */
public final class Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Kernels() {
    }

    /** out[r] = W[r] · x for every row r, rows split over the pool. */
    public static void matvec(Tensor w, float[] x, float[] out, Parallel par) {
        int g = grain(w);
        Q8_KActivations ax = activations(x, w);
        par.forRange(units(w.rows(), g), (from, to) -> rows(w, x, ax, out, from * g, Math.min(w.rows(), to * g)));
    }

    /**
     * x quantised to 8 bits once for every row and thread when one of the tensors (all of x's width) runs its
     * matrix-vector product on 8-bit activations (Q4_K, Q6_K: {@link QuantGroups#int8}), else null.
     */
    private static Q8_KActivations activations(float[] x, Tensor... ws) {
        for (Tensor w : ws) {
            QuantGroups g = QuantGroups.held(w);
            if (g != null && g.int8()) {
                return Q8_KActivations.of(x, ws[0].cols());
            }
        }
        return null;
    }

    /**
     * Rows per unit of work handed to the pool: Q8_0 and the repacked K-quants compute rows in groups of 16 (see
     * {@link Q8_0Tensor}, {@link QuantGroups}), so their splits fall on group boundaries, the paired 8-bit kernels in
     * two groups at once ({@link QuantGroups#grain}); every other type splits anywhere.
     */
    private static int grain(Tensor w) {
        QuantGroups g = QuantGroups.held(w);
        return w instanceof Q8_0Tensor ? Q8_0Tensor.GROUP : g != null ? g.grain() : 1;
    }

    /** Two tensors' rows split together: the larger grain where a's rows end on it, else a group, else anywhere. */
    private static int grain(Tensor a, Tensor b) {
        if (grain(a) == 1 || grain(b) == 1) {
            return 1;
        }
        int g = Math.max(grain(a), grain(b)); // 16 or 32, a multiple of the other
        return a.rows() % g == 0 ? g : a.rows() % QuantGroups.GROUP == 0 ? QuantGroups.GROUP : 1;
    }

    private static int units(int rows, int grain) {
        return (rows + grain - 1) / grain;
    }

    /**
     * {@code outA = A x} and {@code outB = B x} in one hand-off to the pool (the rows of both split together):
     * each hand-off costs the waiting threads a wake-up, and decode makes dozens per token.
     */
    public static void matvec(float[] x, Parallel par, Tensor a, float[] outA, Tensor b, float[] outB) {
        int ra = a.rows();
        int rab = ra + b.rows();
        int g = grain(a, b);
        Q8_KActivations ax = activations(x, a, b);
        par.forRange(units(rab, g), (u0, u1) -> {
            int from = u0 * g;
            int to = Math.min(rab, u1 * g);
            rows(a, x, ax, outA, from, Math.min(to, ra));
            rows(b, x, ax, outB, Math.max(from, ra) - ra, to - ra);
        });
    }

    /** {@code outA = A x}, {@code outB = B x} and {@code outC = C x} in one hand-off to the pool. */
    public static void matvec(float[] x, Parallel par, Tensor a, float[] outA, Tensor b, float[] outB,
                              Tensor c, float[] outC) {
        int ra = a.rows();
        int rab = ra + b.rows();
        int rabc = rab + c.rows();
        int g = Math.min(grain(a, b), grain(b, c));
        Q8_KActivations ax = activations(x, a, b, c);
        par.forRange(units(rabc, g), (u0, u1) -> {
            int from = u0 * g;
            int to = Math.min(rabc, u1 * g);
            rows(a, x, ax, outA, from, Math.min(to, ra));
            rows(b, x, ax, outB, Math.max(from, ra) - ra, Math.min(to, rab) - ra);
            rows(c, x, ax, outC, Math.max(from, rab) - rab, to - rab);
        });
    }

    /** out[r] = W[r] · x for rows [from, to) (nothing when the range is empty); ax: x at 8 bits, or null. */
    private static void rows(Tensor w, float[] x, Q8_KActivations ax, float[] out, int from, int to) {
        if (w instanceof F32Tensor f) {
            f.matvec(x, out, from, to);
            return;
        }
        if (w instanceof Q8_0Tensor q) {
            q.matvec(x, out, from, to);
            return;
        }
        QuantGroups grouped = QuantGroups.held(w);
        if (grouped != null && grouped.int8() && ax != null) {
            grouped.matvec(ax, out, from, to);
            return;
        }
        if (grouped != null) {
            grouped.matvec(x, out, from, to);
            return;
        }
        if (w instanceof KQuantTensor k) {
            k.matvec(x, out, from, to);
            return;
        }
        for (int r = from; r < to; r++) {
            out[r] = w.dot(r, x, 0);
        }
    }

    /**
     * outs[t][r] = W[r] · xs[t] (+ bias[r]) for tokens t < count: the batched-prefill product, rows split over
     * the pool and each weight row read once per block of tokens.
     */
    public static void matmul(Tensor w, float[][] xs, float[] bias, float[][] outs, int count, Parallel par) {
        QuantGroups grouped = QuantGroups.held(w);
        if (count >= Q4_KGemm.FROM && Q4_KGemm.AVAILABLE && grouped != null && grouped.q4Paired()) {
            Q4_KGemm.Panels x = Q4_KGemm.Panels.of(xs, count, w.cols());
            int g = QuantGroups.GROUP;
            par.forRange(units(w.rows(), g), (from, to) -> Q4_KGemm.multiply(grouped, x, count, outs, g * from,
                    Math.min(w.rows(), g * to)));
        } else if (count >= S.length() && grouped != null) {
            int stride = Gemm.stride(count);
            float[] xt = Gemm.transpose(xs, count, w.cols(), stride);
            int g = QuantGroups.GROUP;
            par.forRange(units(w.rows(), g), (from, to) -> grouped.matmulTransposed(xt, stride, count, outs, g * from,
                    Math.min(w.rows(), g * to)));
        } else if (count >= S.length() && (w instanceof F32Tensor || w instanceof Q8_0Tensor)) {
            int stride = Gemm.stride(count);
            float[] xt = Gemm.transpose(xs, count, w.cols(), stride);
            if (w instanceof F32Tensor f) {
                // rows in whole tiles per unit of work, so every worker runs the full register tile
                int g = Gemm.TILE_ROWS;
                par.forRange(units(w.rows(), g), (from, to) -> f.matmulTransposed(xt, stride, count, outs, g * from,
                        Math.min(w.rows(), g * to)));
            } else {
                Q8_0Tensor q = (Q8_0Tensor) w;
                int g = Q8_0Tensor.GROUP;
                par.forRange(units(w.rows(), g), (from, to) -> q.matmulTransposed(xt, stride, count, outs, g * from,
                        Math.min(w.rows(), g * to)));
            }
        } else if (w instanceof F32Tensor f) {
            par.forRange(w.rows(), (from, to) -> f.matmul(xs, outs, count, from, to));
        } else if (w instanceof Q8_0Tensor q) {
            int g = Q8_0Tensor.GROUP;
            par.forRange(units(w.rows(), g), (from, to) -> q.matmul(xs, outs, count, from * g,
                    Math.min(w.rows(), to * g)));
        } else if (grouped != null) {
            int g = QuantGroups.GROUP;
            par.forRange(units(w.rows(), g), (from, to) -> grouped.matmul(xs, outs, count, g * from,
                    Math.min(w.rows(), g * to)));
        } else if (w instanceof KQuantTensor k) {
            par.forRange(w.rows(), (from, to) -> k.matmul(xs, outs, count, from, to));
        } else {
            par.forRange(w.rows(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    for (int t = 0; t < count; t++) {
                        outs[t][r] = w.dot(r, xs[t], 0);
                    }
                }
            });
        }
        if (bias != null) {
            for (int t = 0; t < count; t++) {
                add(outs[t], bias, bias.length);
            }
        }
    }

    /** out[r] = W[r] · x + bias[r] (bias may be null). */
    public static void matvec(Tensor w, float[] x, float[] bias, float[] out, Parallel par) {
        matvec(w, x, out, par);
        if (bias != null) {
            add(out, bias, out.length);
        }
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        // two accumulators: the FMA chains of even and odd vectors overlap instead of waiting on each other
        int i = 0;
        int step = S.length();
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (int upper2 = n - 2 * step; i <= upper2; i += 2 * step) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + i + step).fma(FloatVector.fromArray(S, b, bOff + i + step), acc1);
        }
        if (i <= n - step) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            i += step;
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * Scaled dot products of one query with {@code n} consecutive rows of {@code width} values:
     * {@code dst[dOff + t] = scale * (q[qOff ..] . rows[rOff + t * width ..])}; returns their maximum.
     */
    public static float scores(float[] q, int qOff, float[] rows, int rOff, int n, int width, float scale,
                               float[] dst, int dOff) {
        if (width == 8 * S.length()) {
            return scores8(q, qOff, rows, rOff, n, scale, dst, dOff);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            float s = dot(q, qOff, rows, rOff + t * width, width) * scale;
            dst[dOff + t] = s;
            if (s > max) {
                max = s;
            }
        }
        return max;
    }

    /**
     * {@link #scores} of rows eight vectors wide (a 64-wide head on AVX2) with the query held in registers rather
     * than loaded again for every row; the same sums as {@link #dot} (even and odd vectors in two chains).
     */
    private static float scores8(float[] q, int qOff, float[] rows, int rOff, int n, float scale, float[] dst, int dOff) {
        int l = S.length();
        FloatVector q0 = FloatVector.fromArray(S, q, qOff), q1 = FloatVector.fromArray(S, q, qOff + l);
        FloatVector q2 = FloatVector.fromArray(S, q, qOff + 2 * l), q3 = FloatVector.fromArray(S, q, qOff + 3 * l);
        FloatVector q4 = FloatVector.fromArray(S, q, qOff + 4 * l), q5 = FloatVector.fromArray(S, q, qOff + 5 * l);
        FloatVector q6 = FloatVector.fromArray(S, q, qOff + 6 * l), q7 = FloatVector.fromArray(S, q, qOff + 7 * l);
        FloatVector zero = FloatVector.zero(S);
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0, r = rOff; t < n; t++, r += 8 * l) {
            FloatVector a0 = FloatVector.fromArray(S, rows, r).fma(q0, zero);
            FloatVector a1 = FloatVector.fromArray(S, rows, r + l).fma(q1, zero);
            a0 = FloatVector.fromArray(S, rows, r + 2 * l).fma(q2, a0);
            a1 = FloatVector.fromArray(S, rows, r + 3 * l).fma(q3, a1);
            a0 = FloatVector.fromArray(S, rows, r + 4 * l).fma(q4, a0);
            a1 = FloatVector.fromArray(S, rows, r + 5 * l).fma(q5, a1);
            a0 = FloatVector.fromArray(S, rows, r + 6 * l).fma(q6, a0);
            a1 = FloatVector.fromArray(S, rows, r + 7 * l).fma(q7, a1);
            float s = a0.add(a1).reduceLanes(VectorOperators.ADD) * scale;
            dst[dOff + t] = s;
            if (s > max) {
                max = s;
            }
        }
        return max;
    }

    /** n rounded up to a whole number of vectors. */
    public static int paddedLength(int n) {
        return (n + S.length() - 1) / S.length() * S.length();
    }

    /**
     * One query against keys stored transposed ({@code keysT[d * stride + j]} = key j's component d, stride a
     * multiple of the vector length): {@code dst[j] = scale * (q[qOff ..] . key j)} for every j < stride, four
     * vectors of keys at a time, each accumulating over d without horizontal sums.
     */
    public static void scoresTransposed(float[] q, int qOff, float[] keysT, int width, int stride, float scale,
                                        float[] dst) {
        int l = S.length();
        int j = 0;
        for (; j + 4 * l <= stride; j += 4 * l) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0, o = j; d < width; d++, o += stride) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                a0 = FloatVector.fromArray(S, keysT, o).fma(qd, a0);
                a1 = FloatVector.fromArray(S, keysT, o + l).fma(qd, a1);
                a2 = FloatVector.fromArray(S, keysT, o + 2 * l).fma(qd, a2);
                a3 = FloatVector.fromArray(S, keysT, o + 3 * l).fma(qd, a3);
            }
            a0.mul(scale).intoArray(dst, j);
            a1.mul(scale).intoArray(dst, j + l);
            a2.mul(scale).intoArray(dst, j + 2 * l);
            a3.mul(scale).intoArray(dst, j + 3 * l);
        }
        for (; j < stride; j += l) {
            FloatVector a = FloatVector.zero(S);
            for (int d = 0, o = j; d < width; d++, o += stride) {
                a = FloatVector.fromArray(S, keysT, o).fma(FloatVector.broadcast(S, q[qOff + d]), a);
            }
            a.mul(scale).intoArray(dst, j);
        }
    }

    /**
     * {@code out[oOff + j] = sum over t < n of w[wOff + t] * rows[rOff + t * width + j]} for j < width: the
     * attention-weighted sum of value rows, each output vector kept in registers across all rows. Eight vectors of
     * a row at a time (a 64-wide head on AVX2): one pass over the rows, one broadcast of w[t] for all eight and eight
     * independent sums (a vector at a time, the rows were passed eight times with a broadcast per load and four sums).
     */
    public static void weightedSum(float[] w, int wOff, int n, float[] rows, int rOff, int width,
                                   float[] out, int oOff) {
        int step = S.length();
        int j = 0;
        for (; j <= width - 8 * step; j += 8 * step) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int r = rOff + j;
            for (int t = 0; t < n; t++, r += width) {
                FloatVector p = FloatVector.broadcast(S, w[wOff + t]);
                a0 = FloatVector.fromArray(S, rows, r).fma(p, a0);
                a1 = FloatVector.fromArray(S, rows, r + step).fma(p, a1);
                a2 = FloatVector.fromArray(S, rows, r + 2 * step).fma(p, a2);
                a3 = FloatVector.fromArray(S, rows, r + 3 * step).fma(p, a3);
                a4 = FloatVector.fromArray(S, rows, r + 4 * step).fma(p, a4);
                a5 = FloatVector.fromArray(S, rows, r + 5 * step).fma(p, a5);
                a6 = FloatVector.fromArray(S, rows, r + 6 * step).fma(p, a6);
                a7 = FloatVector.fromArray(S, rows, r + 7 * step).fma(p, a7);
            }
            int o = oOff + j;
            a0.intoArray(out, o);
            a1.intoArray(out, o + step);
            a2.intoArray(out, o + 2 * step);
            a3.intoArray(out, o + 3 * step);
            a4.intoArray(out, o + 4 * step);
            a5.intoArray(out, o + 5 * step);
            a6.intoArray(out, o + 6 * step);
            a7.intoArray(out, o + 7 * step);
        }
        for (; j <= width - step; j += step) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int r = rOff + j;
            int t = 0;
            for (; t <= n - 4; t += 4, r += 4 * width) {
                a0 = FloatVector.fromArray(S, rows, r).fma(FloatVector.broadcast(S, w[wOff + t]), a0);
                a1 = FloatVector.fromArray(S, rows, r + width).fma(FloatVector.broadcast(S, w[wOff + t + 1]), a1);
                a2 = FloatVector.fromArray(S, rows, r + 2 * width).fma(FloatVector.broadcast(S, w[wOff + t + 2]), a2);
                a3 = FloatVector.fromArray(S, rows, r + 3 * width).fma(FloatVector.broadcast(S, w[wOff + t + 3]), a3);
            }
            for (; t < n; t++, r += width) {
                a0 = FloatVector.fromArray(S, rows, r).fma(FloatVector.broadcast(S, w[wOff + t]), a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(out, oOff + j);
        }
        for (; j < width; j++) {
            float s = 0;
            for (int t = 0; t < n; t++) {
                s += w[wOff + t] * rows[rOff + t * width + j];
            }
            out[oOff + j] = s;
        }
    }

    /** dst[i] += src[i]. */
    public static void add(float[] dst, float[] src, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (; i < n; i++) {
            dst[i] += src[i];
        }
    }

    /** dst[dOff+i] += a * src[sOff+i]. */
    public static void axpy(float[] dst, int dOff, float a, float[] src, int sOff, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, a);
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, src, sOff + i).fma(va, FloatVector.fromArray(S, dst, dOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] += a * src[sOff + i];
        }
    }

    /** RMSNorm (Zhang and Sennrich 2019): out = x / sqrt(mean(x^2) + eps) * weight. */
    public static void rmsnorm(float[] out, float[] x, float[] weight, int n, float eps) {
        float ss = dot(x, 0, x, 0, n) / n;
        float scale = (float) (1.0 / Math.sqrt(ss + eps));
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, i).mul(scale).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = weight[i] * (scale * x[i]);
        }
    }

    /** LayerNorm (Ba et al. 2016): out = (x - mean) / sqrt(var + eps) * gamma + beta, biased variance. */
    public static void layernorm(float[] out, float[] x, float[] gamma, float[] beta, int n, float eps) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[i] - mean;
            var += d * d;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        float m = (float) mean;
        for (int i = 0; i < n; i++) {
            out[i] = (x[i] - m) * inv * gamma[i] + beta[i];
        }
    }

    /** In-place numerically stable softmax of x[off .. off+n). */
    public static void softmax(float[] x, int off, int n) {
        softmax(x, off, n, max(x, off, n));
    }

    /**
     * The largest of x[off .. off+n). A plain compare loop: the vector forms (FloatVector.max, or compare and
     * blend) were seen compiled to their boxed Java fallbacks in the application, many times slower.
     */
    public static float max(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            if (v > max) {
                max = v;
            }
        }
        return max;
    }

    /** Softmax of x[off .. off+n) in place, given their maximum {@code max} (subtracted for stability). */
    public static void softmax(float[] x, int off, int n, float max) {
        int upper = S.loopBound(n);
        int i;
        FloatVector vsum = FloatVector.zero(S);
        for (i = 0; i < upper; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            vsum = vsum.add(e);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (i = 0; i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** SwiGLU gating (Shazeer 2020): gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x). */
    public static void swiglu(float[] gate, float[] up, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, gate, i);
            FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sig).mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    /** SiLU (Elfwing et al. 2018): x * sigmoid(x). */
    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /** GPT-2's tanh approximation of GELU ("gelu_new"). */
    public static float geluTanh(float x) {
        double c = Math.sqrt(2.0 / Math.PI);
        return (float) (0.5 * x * (1.0 + Math.tanh(c * (x + 0.044715 * x * x * x))));
    }

    /** Exact GELU (Hendrycks and Gimpel 2016): x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
    public static float geluExact(float x) {
        return (float) (0.5 * x * (1.0 + erf(x / Math.sqrt(2.0))));
    }

    /**
     * Exact GELU in place over x[0 .. n), vectorised: with z = |x| and q = Phi(-z) = erfc(z / sqrt 2) / 2,
     * x Phi(x) = max(x, 0) - z q for either sign, so no per-lane branch is needed; erfc is the fit of
     * {@link #erf}, the same numbers as {@link #geluExact(float)} to float rounding.
     */
    public static void geluExact(float[] x, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector z = v.lanewise(VectorOperators.ABS);
            FloatVector u = z.mul((float) (1 / Math.sqrt(2.0)));
            FloatVector t = u.mul(0.5f).add(1f);
            t = FloatVector.broadcast(S, 1f).div(t);
            FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
            p = p.mul(t).add(1.48851587f);
            p = p.mul(t).add(-1.13520398f);
            p = p.mul(t).add(0.27886807f);
            p = p.mul(t).add(-0.18628806f);
            p = p.mul(t).add(0.09678418f);
            p = p.mul(t).add(0.37409196f);
            p = p.mul(t).add(1.00002368f);
            p = p.mul(t).add(-1.26551223f);
            FloatVector erfc = t.mul(p.sub(u.mul(u)).lanewise(VectorOperators.EXP));
            // max(x, 0) = (x + z) / 2, and z q = z erfc / 2
            v.add(z).sub(z.mul(erfc)).mul(0.5f).intoArray(x, i);
        }
        for (; i < n; i++) {
            x[i] = geluExact(x[i]);
        }
    }

    /** erf with |error| < 1.2e-7 (Numerical Recipes erfc Chebyshev fit), enough for float32 GELU. */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }

    /** The index of the largest value (the first one on ties). */
    public static int argmax(float[] x) {
        int best = 0;
        float bestValue = x[0];
        for (int i = 1; i < x.length; i++) {
            if (x[i] > bestValue) {
                best = i;
                bestValue = x[i];
            }
        }
        return best;
    }
}
