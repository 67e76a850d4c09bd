package dev.glassbox.engine.train;

/** A bias added to every row of a linear layer's output: y[i, :] += b. */
final class Bias {
    private Bias() {
    }

    static void forward(float[] y, float[] b, int n, int width) {
        for (int i = 0; i < n; i++) {
            int o = i * width;
            for (int c = 0; c < width; c++) {
                y[o + c] += b[c];
            }
        }
    }

    /** db += sum over rows of dy. */
    static void backward(float[] db, float[] dy, int n, int width) {
        for (int i = 0; i < n; i++) {
            MatMul.axpy(db, 0, 1f, dy, i * width, width);
        }
    }
}
