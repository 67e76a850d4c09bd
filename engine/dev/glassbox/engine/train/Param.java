package dev.glassbox.engine.train;

/** One weight tensor and its gradient, named as in a Hugging Face Llama checkpoint; [rows, cols], cols = 1 for vectors. */
public record Param(String name, int rows, int cols, float[] value, float[] grad) {
    Param(String name, int rows, int cols) {
        this(name, rows, cols, new float[rows * cols], new float[rows * cols]);
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
