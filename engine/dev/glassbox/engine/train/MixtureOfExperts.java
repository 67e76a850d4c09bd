package dev.glassbox.engine.train;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.routing.BalanceLoss;
import dev.glassbox.engine.model.ExpertRouter;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.engine.tensor.Softmax;

/**
 * The mixture-of-experts MLP of one block, in Mixtral's layout: a linear router (absent for hash and random
 * routing) and E SwiGLU experts w2(silu(w1 x) * w3 x); each token's output is the gate-weighted sum of its
 * chosen experts (Shazeer et al. 2017, eq. 1). A learned router also adds the load-balancing loss
 * alpha * E * sum_i f_i P_i (Fedus et al. 2021, eq. 4) as Hugging Face's Mixtral computes it for top-k
 * ({@link BalanceLoss#topK}): f_i = share of tokens with expert i among their k choices, P_i = mean router
 * probability of i. Choices are discrete: gradients flow through the gate weights only.
 */
final class MixtureOfExperts {
    final Param router;
    final Param[] w1;
    final Param[] w2;
    final Param[] w3;
    private final int layer;
    private final int experts;
    private final int dim;
    private final int hidden;
    private final RoutingDesign design;
    private final Parallel par;

    // the last forward, kept for the backward pass
    private int n;
    private float[] x;
    private float[] probs;
    private int[][] chosen;
    private float[][] weights;
    private int[][] rowsOf;
    private float[][] xe, gate, up, act, out;
    private double balance;

    /** The layer's router and experts, {@code stop} asked before each array is allocated ({@link Param#allocate}). */
    MixtureOfExperts(int layer, ModelShape s, List<Param> ps, Parallel par, java.util.function.BooleanSupplier stop) {
        this.layer = layer;
        this.design = s.routing();
        this.experts = design.experts();
        this.dim = s.dim();
        this.hidden = s.hidden();
        this.par = par;
        String p = prefix(layer);
        router = design.router().learned() ? add(ps, p + "gate.weight", experts, dim, stop) : null;
        w1 = new Param[experts];
        w2 = new Param[experts];
        w3 = new Param[experts];
        for (int e = 0; e < experts; e++) {
            String q = p + "experts." + e + ".";
            w1[e] = add(ps, q + "w1.weight", hidden, dim, stop);
            w2[e] = add(ps, q + "w2.weight", dim, hidden, stop);
            w3[e] = add(ps, q + "w3.weight", hidden, dim, stop);
        }
    }

    static String prefix(int layer) {
        return "model.layers." + layer + ".block_sparse_moe.";
    }

    private static Param add(List<Param> ps, String name, int rows, int cols, java.util.function.BooleanSupplier stop) {
        Param p = Param.allocate(name, rows, cols, stop);
        ps.add(p);
        return p;
    }

    /**
     * y[n, dim] = MoE(x[n, dim]); {@code tokens} are the input ids (the hash router reads them), {@code rng}
     * draws the random router's experts.
     */
    void forward(float[] y, float[] input, int[] tokens, int count, Random rng) {
        n = count;
        x = input.clone();
        ExpertRouter r = ExpertRouter.of(design.router(), experts, design.topK(), layer, rng);
        probs = new float[n * experts];
        float[] logits = new float[n * experts];
        if (router != null) {
            Linear.forward(logits, x, router.value(), n, dim, experts, par);
        }
        chosen = new int[n][];
        weights = new float[n][];
        int[] load = new int[experts];
        float[] row = new float[experts];
        for (int t = 0; t < n; t++) {
            System.arraycopy(logits, t * experts, row, 0, experts);
            ExpertRouter.Choice c = r.route(tokens[t], row);
            chosen[t] = c.experts();
            weights[t] = c.weights();
            if (router != null) {
                Softmax.into(row, probs, t * experts);
            }
            for (int e : c.experts()) load[e]++;
        }
        rowsOf = new int[experts][];
        int[] fill = new int[experts];
        for (int e = 0; e < experts; e++) rowsOf[e] = new int[load[e]];
        for (int t = 0; t < n; t++) {
            for (int e : chosen[t]) rowsOf[e][fill[e]++] = t;
        }
        xe = new float[experts][];
        gate = new float[experts][];
        up = new float[experts][];
        act = new float[experts][];
        out = new float[experts][];
        Arrays.fill(y, 0, n * dim, 0f);
        for (int e = 0; e < experts; e++) {
            int m = rowsOf[e].length;
            xe[e] = new float[m * dim];
            for (int i = 0; i < m; i++) System.arraycopy(x, rowsOf[e][i] * dim, xe[e], i * dim, dim);
            gate[e] = new float[m * hidden];
            up[e] = new float[m * hidden];
            act[e] = new float[m * hidden];
            out[e] = new float[m * dim];
            if (m == 0) continue;
            Linear.forward(gate[e], xe[e], w1[e].value(), m, dim, hidden, par);
            Linear.forward(up[e], xe[e], w3[e].value(), m, dim, hidden, par);
            SwiGlu.forward(act[e], gate[e], up[e], m * hidden);
            Linear.forward(out[e], act[e], w2[e].value(), m, hidden, dim, par);
            for (int i = 0; i < m; i++) {
                int t = rowsOf[e][i];
                MatMul.axpy(y, t * dim, weightOf(t, e), out[e], i * dim, dim);
            }
        }
        balance = router == null || design.balanceLoss() == 0 ? 0 : design.balanceLoss() * balanceLossWithoutAlpha();
    }

    /** E * sum_i f_i P_i over the last forward's tokens ({@link BalanceLoss#topK} without alpha). */
    private double balanceLossWithoutAlpha() {
        return BalanceLoss.topK(experts, chosen, (t, e) -> probs[t * experts + e]);
    }

    /** alpha times the load-balancing loss of the last forward (0 without a learned router or alpha). */
    double balanceLoss() { return balance; }

    /** The last forward's experts per token, first choice first. */
    int[][] chosen() { return chosen; }

    private float weightOf(int t, int e) {
        for (int j = 0; j < chosen[t].length; j++) if (chosen[t][j] == e) return weights[t][j];
        throw new IllegalStateException("token " + t + " was not routed to expert " + e);
    }

    /** dx[n, dim] += d MoE / dx given dy, plus the balance loss's gradient; parameter gradients accumulate. */
    void backward(float[] dx, float[] dy) {
        float[][] dWeight = new float[n][];
        for (int t = 0; t < n; t++) dWeight[t] = new float[chosen[t].length];
        for (int e = 0; e < experts; e++) {
            int m = rowsOf[e].length;
            if (m == 0) continue;
            float[] dOut = new float[m * dim];
            for (int i = 0; i < m; i++) {
                int t = rowsOf[e][i];
                int j = slot(t, e);
                dWeight[t][j] = MatMul.dot(dy, t * dim, out[e], i * dim, dim);
                MatMul.axpy(dOut, i * dim, weights[t][j], dy, t * dim, dim);
            }
            float[] dAct = new float[m * hidden];
            float[] dGate = new float[m * hidden];
            float[] dUp = new float[m * hidden];
            float[] dXe = new float[m * dim];
            Linear.backward(dAct, w2[e].grad(), dOut, act[e], w2[e].value(), m, hidden, dim, par);
            SwiGlu.backward(dGate, dUp, dAct, gate[e], up[e], m * hidden);
            Linear.backward(dXe, w1[e].grad(), dGate, xe[e], w1[e].value(), m, dim, hidden, par);
            Linear.backward(dXe, w3[e].grad(), dUp, xe[e], w3[e].value(), m, dim, hidden, par);
            for (int i = 0; i < m; i++) MatMul.axpy(dx, rowsOf[e][i] * dim, 1f, dXe, i * dim, dim);
        }
        if (router == null) {
            return;
        }
        double[] f = BalanceLoss.dispatchShares(experts, chosen);
        float[] dLogits = new float[n * experts];
        double[] dp = new double[experts];
        for (int t = 0; t < n; t++) {
            int o = t * experts;
            Arrays.fill(dp, 0);
            int k = chosen[t].length;
            if (k > 1) {
                // w_j = p_j / S with S the sum of the chosen probabilities: dp_j = (dw_j - sum_m dw_m w_m) / S
                double s = 0, dot = 0;
                for (int j = 0; j < k; j++) s += probs[o + chosen[t][j]];
                for (int j = 0; j < k; j++) dot += dWeight[t][j] * weights[t][j];
                for (int j = 0; j < k; j++) dp[chosen[t][j]] += (dWeight[t][j] - dot) / s;
            } else {
                dp[chosen[t][0]] += dWeight[t][0]; // Switch: w = p
            }
            // d(alpha E sum_i f_i P_i) / d p_ti = alpha E f_i / n (f is piecewise constant)
            for (int e = 0; e < experts; e++) dp[e] += design.balanceLoss() * experts * f[e] / n;
            double sum = 0;
            for (int e = 0; e < experts; e++) sum += probs[o + e] * dp[e];
            for (int e = 0; e < experts; e++) dLogits[o + e] = (float) (probs[o + e] * (dp[e] - sum));
        }
        Linear.backward(dx, router.grad(), dLogits, x, router.value(), n, dim, experts, par);
    }

    private int slot(int t, int e) {
        for (int j = 0; j < chosen[t].length; j++) if (chosen[t][j] == e) return j;
        throw new IllegalStateException("token " + t + " was not routed to expert " + e);
    }
}
