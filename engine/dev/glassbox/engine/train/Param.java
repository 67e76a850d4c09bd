package dev.glassbox.engine.train;

/** One weight tensor and its gradient, named as in a Hugging Face Llama checkpoint; [rows, cols], cols = 1 for vectors. */
public record Param(String name, int rows, int cols, float[] value, float[] grad) {
    Param(String name, int rows, int cols) {
        this(name, rows, cols, new float[rows * cols], new float[rows * cols]);
    }

    /**
     * A zeroed parameter, {@code stop} asked before its value and before its gradient are allocated (a stories110M-shaped
     * model's arrays are 2 x 85 M floats, ~230 ms of zeroing with no check before; its largest, the embedding, 25 M):
     * a stop throws {@link java.util.concurrent.CancellationException}.
     */
    static Param allocate(String name, int rows, int cols, java.util.function.BooleanSupplier stop) {
        float[] value = array(rows * cols, stop);
        return new Param(name, rows, cols, value, array(rows * cols, stop));
    }

    private static float[] array(int n, java.util.function.BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("stopped while the weights were allocated");
        }
        return new float[n];
    }

    public boolean isMatrix() { return cols > 1 && rows > 1; }

    public int size() { return value.length; }

    /** Refuses to let a checkpoint carry NaN or infinite weights (a too-high learning rate, say). */
    static void checkFinite(java.util.List<Param> params, int step) {
        for (Param p : params) {
            dev.glassbox.engine.trace.Finite.check(p.value(), "weight " + p.name() + " after step " + step
                    + " (lower --lr)");
        }
    }
}
