package dev.glassbox.engine.train;

import java.util.Map;

import dev.glassbox.engine.tensor.Parallel;

/**
 * The inter-head orthogonality penalty (ROOTS in issue 6; the form of the orthogonality regulariser of Yun, Kang and
 * Jung 2021, Appl. Sci. 11:1548), lambda * sum_{i != j} ||W_i^T W_j||_F^2 over the heads of a layer,
 * for W_Q, W_K, W_V and W_O, added to the loss with its exact gradient. W_i is the dim x headDim matrix of head i's
 * residual-stream directions: its column block of the input projection (x W_Q; rows of the stored nn.Linear
 * weight) or, for W_O, its row block (columns of the stored [dim, qDim] weight) transposed. This is the quantity
 * {@link dev.glassbox.engine.analysis.heads.WeightOrthogonality#penalty} measures; grouped K/V heads count once.
 * With M_ij = W_i^T W_j the gradient is dP/dW_i = 4 sum_{j != i} W_j M_ji (each pair appears as (i, j) and (j, i)).
 */
final class OrthogonalityPenalty {
    private OrthogonalityPenalty() {
    }

    /** Adds lambda * dP/dW to the gradients of every layer's attention weights and returns lambda * P. */
    static double addGradient(TrainableLlama model, double lambda) {
        ModelShape s = model.shape();
        Map<String, Param> p = model.paramsByName();
        int hd = s.headDim();
        double total = 0;
        for (int l = 0; l < s.layers(); l++) {
            String pre = "model.layers." + l + ".self_attn.";
            total += rows(p.get(pre + "q_proj.weight"), s.heads(), hd, s.dim(), lambda);
            total += rows(p.get(pre + "k_proj.weight"), s.kvHeads(), hd, s.dim(), lambda);
            total += rows(p.get(pre + "v_proj.weight"), s.kvHeads(), hd, s.dim(), lambda);
            total += columns(p.get(pre + "o_proj.weight"), s.heads(), hd, s.dim(), lambda);
        }
        return lambda * total;
    }

    /** P without gradients (for reporting and tests). */
    static double value(TrainableLlama model) {
        ModelShape s = model.shape();
        Map<String, Param> p = model.paramsByName();
        double total = 0;
        for (int l = 0; l < s.layers(); l++) {
            String pre = "model.layers." + l + ".self_attn.";
            total += penalty(p.get(pre + "q_proj.weight").value(), s.heads(), s.headDim(), s.dim(), null, 0);
            total += penalty(p.get(pre + "k_proj.weight").value(), s.kvHeads(), s.headDim(), s.dim(), null, 0);
            total += penalty(p.get(pre + "v_proj.weight").value(), s.kvHeads(), s.headDim(), s.dim(), null, 0);
            float[] wo = p.get(pre + "o_proj.weight").value();
            total += penalty(MatMul.transpose(wo, s.dim(), s.qDim(), Parallel.SERIAL),
                    s.heads(), s.headDim(), s.dim(), null, 0);
        }
        return total;
    }

    /** Heads are row blocks of the stored [heads * hd, dim] weight. */
    private static double rows(Param w, int heads, int hd, int dim, double lambda) {
        return penalty(w.value(), heads, hd, dim, w.grad(), lambda);
    }

    /** Heads are column blocks of the stored [dim, heads * hd] weight: work on its transpose. */
    private static double columns(Param w, int heads, int hd, int dim, double lambda) {
        int width = heads * hd;
        float[] t = MatMul.transpose(w.value(), dim, width, Parallel.SERIAL);
        float[] gt = new float[t.length];
        double p = penalty(t, heads, hd, dim, gt, lambda);
        float[] g = w.grad();
        for (int r = 0; r < width; r++) {
            for (int c = 0; c < dim; c++) {
                g[c * width + r] += gt[r * dim + c];
            }
        }
        return p;
    }

    /**
     * P for heads given as row blocks A_i [hd, dim] of {@code a} (so W_i = A_i^T and M_ij = A_i A_j^T); when
     * {@code grad} is not null adds lambda * 4 sum_{j != i} M_ij A_j to its rows of head i.
     */
    private static double penalty(float[] a, int heads, int hd, int dim, float[] grad, double lambda) {
        double p = 0;
        double[] m = new double[hd * hd];
        for (int i = 0; i < heads; i++) {
            for (int j = 0; j < heads; j++) {
                if (i == j) {
                    continue;
                }
                for (int r = 0; r < hd; r++) {
                    for (int c = 0; c < hd; c++) {
                        double dot = 0;
                        int ri = (i * hd + r) * dim;
                        int cj = (j * hd + c) * dim;
                        for (int k = 0; k < dim; k++) {
                            dot += (double) a[ri + k] * a[cj + k];
                        }
                        m[r * hd + c] = dot;
                        p += dot * dot;
                    }
                }
                if (grad == null) {
                    continue;
                }
                for (int r = 0; r < hd; r++) {
                    int gi = (i * hd + r) * dim;
                    for (int c = 0; c < hd; c++) {
                        float f = (float) (4 * lambda * m[r * hd + c]);
                        MatMul.axpy(grad, gi, f, a, (j * hd + c) * dim, dim);
                    }
                }
            }
        }
        return p;
    }
}
