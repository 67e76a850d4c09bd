package dev.glassbox.engine.tensor;

/**
 * Per-thread float buffers reused by the prefill products: a 512-token prefill of stories110M would otherwise
 * allocate about 200 MB of short-lived arrays (the transposed tokens of every product), and the garbage collector
 * answers such a rate by growing the heap, which the process keeps as resident memory. A buffer's contents are
 * whatever its last user left; callers write before they read.
 */
final class Scratch {
    /** The buffers a thread can hold at once, each used by one kernel only. */
    enum Slot { TOKENS, SUMS, WEIGHTS }

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[Slot.values().length][0]);

    private Scratch() {
    }

    /** This thread's buffer {@code slot}, at least {@code n} floats long. */
    static float[] floats(Slot slot, int n) {
        float[][] b = BUFFERS.get();
        if (b[slot.ordinal()].length < n) {
            b[slot.ordinal()] = new float[n];
        }
        return b[slot.ordinal()];
    }
}
