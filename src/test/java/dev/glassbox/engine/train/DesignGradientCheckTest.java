package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glassbox.engine.tensor.Kernels;

/**
 * The {@link BlockDesign} layers (LayerNorm, tanh-GELU, bias, learned positions) and whole models of every design
 * combination against central finite differences; tolerance: relative L2 error below {@link GradCheck#TOLERANCE}
 * (1e-2, float32 forward with h = 1e-2).
 */
class DesignGradientCheckTest {

    @Test
    void layerNorm() {
        Random r = new Random(21);
        int n = 3, dim = 10;
        float[] x = GradCheck.randn(r, n * dim, 1);
        float[] g = GradCheck.randn(r, dim, 1);
        float[] b = GradCheck.randn(r, dim, 1);
        float[] rw = GradCheck.randn(r, n * dim, 1);
        float[] y = new float[n * dim];
        float[] mean = new float[n];
        float[] rstd = new float[n];
        LayerNorm.forward(y, mean, rstd, x, g, b, n, dim, 1e-5f);
        float[] dx = new float[n * dim];
        float[] dg = new float[dim];
        float[] db = new float[dim];
        LayerNorm.backward(dx, dg, db, rw, x, g, mean, rstd, n, dim);
        DoubleSupplier loss = () -> {
            LayerNorm.forward(y, mean, rstd, x, g, b, n, dim, 1e-5f);
            return GradCheck.weighted(y, rw);
        };
        GradCheck.assertClose("layernorm dx", dx, GradCheck.numeric(x, loss));
        GradCheck.assertClose("layernorm dg", dg, GradCheck.numeric(g, loss));
        GradCheck.assertClose("layernorm db", db, GradCheck.numeric(b, loss));
    }

    @Test
    void layerNormMatchesTheInferenceKernel() {
        Random r = new Random(22);
        int dim = 37;
        float[] x = GradCheck.randn(r, dim, 3);
        float[] g = GradCheck.randn(r, dim, 1);
        float[] b = GradCheck.randn(r, dim, 1);
        float[] mine = new float[dim];
        float[] engine = new float[dim];
        LayerNorm.forward(mine, new float[1], new float[1], x, g, b, 1, dim, 1e-5f);
        Kernels.layernorm(engine, x, g, b, dim, 1e-5f);
        for (int i = 0; i < dim; i++) {
            assertTrue(Math.abs(mine[i] - engine[i]) <= 1e-6f * Math.max(1f, Math.abs(engine[i])), "element " + i);
        }
    }

    @Test
    void geluTanhMatchesTheInferenceKernelAndItsDerivative() {
        Random r = new Random(23);
        int len = 19;
        float[] x = GradCheck.randn(r, len, 2);
        float[] rw = GradCheck.randn(r, len, 1);
        float[] y = new float[len];
        Gelu.forward(y, x, len);
        for (int i = 0; i < len; i++) {
            assertTrue(y[i] == Kernels.geluTanh(x[i]), "gelu(" + x[i] + ")");
        }
        float[] dx = new float[len];
        Gelu.backward(dx, rw, x, len);
        GradCheck.assertClose("gelu", dx, GradCheck.numeric(x, () -> {
            Gelu.forward(y, x, len);
            return GradCheck.weighted(y, rw);
        }));
    }

    @Test
    void biasAndLearnedPositions() {
        Random r = new Random(24);
        int batch = 2, seq = 3, dim = 5, n = batch * seq;
        float[] b = GradCheck.randn(r, dim, 1);
        float[] table = GradCheck.randn(r, seq * dim, 1);
        float[] rw = GradCheck.randn(r, n * dim, 1);
        float[] y = new float[n * dim];
        float[] db = new float[dim];
        float[] dt = new float[seq * dim];
        Bias.backward(db, rw, n, dim);
        LearnedPositions.backward(dt, rw, n, seq, dim);
        DoubleSupplier loss = () -> {
            java.util.Arrays.fill(y, 0f);
            Bias.forward(y, b, n, dim);
            LearnedPositions.forward(y, table, n, seq, dim);
            return GradCheck.weighted(y, rw);
        };
        GradCheck.assertClose("bias", db, GradCheck.numeric(b, loss));
        GradCheck.assertClose("learned positions", dt, GradCheck.numeric(table, loss));
    }

    private static BlockDesign design(String variant) {
        return switch (variant) {
            case "gpt2" -> BlockDesign.GPT2;
            case "layer-swiglu-rope" -> BlockDesign.LLAMA.withNorm(BlockDesign.Norm.LAYER);
            case "rms-gelu-rope" -> BlockDesign.LLAMA.withMlp(BlockDesign.Mlp.GELU);
            case "rms-swiglu-learned-bias" -> BlockDesign.LLAMA.withPositions(BlockDesign.Positions.LEARNED).withAttentionBias(true);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "layer-swiglu-rope", "rms-gelu-rope", "rms-swiglu-learned-bias"})
    void everyParameterOfEveryDesignMatchesFiniteDifferences(String variant) {
        // untied with grouped queries, so every parameter kind appears once
        ModelShape s = new ModelShape(11, 8, 12, 2, 2, 1, 6, false, false, 1e-5f, 10000f, design(variant),
                RoutingDesign.DENSE, ContextTraining.FULL);
        GradCheck.everyParameter(s, (p, analytic, numeric) -> {
            if (p.name().endsWith("k_proj.bias") && s.design().positions() == BlockDesign.Positions.LEARNED) {
                // q . (k + b) shifts every score of a query by q . b, which softmax ignores: the gradient is 0
                for (int i = 0; i < analytic.length; i++) {
                    assertTrue(Math.abs(analytic[i]) < 1e-5 && Math.abs(numeric[i]) < 1e-4,
                            variant + " key bias gradient " + analytic[i] + " / " + numeric[i]);
                }
                return;
            }
            GradCheck.assertClose(variant + " " + p.name(), analytic, numeric);
        });
    }
}
