package dev.glassbox.engine.train;

import java.util.function.BooleanSupplier;

import dev.glassbox.engine.tensor.Parallel;

/** A bias-free linear layer y = x W^T, W stored [out, in] as nn.Linear does. Gradients accumulate (+=). */
final class Linear {
    private Linear() {
    }

    static void forward(float[] y, float[] x, float[] w, int n, int in, int out, Parallel par) {
        forward(y, x, w, n, in, out, par, MatMul.NEVER);
    }

    /** {@link #forward} asking {@code cancelled} inside the product (see {@link MatMul#product}). */
    static void forward(float[] y, float[] x, float[] w, int n, int in, int out, Parallel par, BooleanSupplier cancelled) {
        MatMul.forward(y, x, w, n, in, out, par, cancelled);
    }

    /** dx += dy W and dW += dy^T x. */
    static void backward(float[] dx, float[] dw, float[] dy, float[] x, float[] w, int n, int in, int out, Parallel par) {
        backward(dx, dw, dy, x, w, n, in, out, par, MatMul.NEVER);
    }

    /**
     * {@link #backward} asking {@code cancelled} inside both products (see {@link MatMul#product}): when it says yes the
     * gradients are partly accumulated and {@link java.util.concurrent.CancellationException} is thrown; the weights
     * are never written here.
     */
    static void backward(float[] dx, float[] dw, float[] dy, float[] x, float[] w, int n, int in, int out, Parallel par,
                         BooleanSupplier cancelled) {
        MatMul.backwardInput(dx, dy, w, n, in, out, par, cancelled);
        MatMul.backwardWeight(dw, dy, x, n, in, out, par, cancelled);
    }
}
