package dev.glassbox.engine.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Runs the Vector API kernels on small random data until the JIT has compiled them: F32, Q8_0 and the K-quants'
 * grouped kernels (Q4_K for the nibble kernels, Q6_K for the byte kernels, which Q2_K, Q3_K, Q5_K and Q5_0 share;
 * matvec runs the 8-bit activation kernels with their quantisation, the small batches the float ones).
 * Until then vector code runs interpreted, where every vector is a boxed Java object, tens of times slower: the
 * first encode, head analysis or K-quant token of a session would pay for it (a cold MiniLM head analysis took
 * about 5 times its warm time). An application runs this once on a spare core after its window is up.
 */
public final class KernelWarmUp {
    private KernelWarmUp() {
    }

    /** Repeats every kernel for about {@code millis} ms on the calling thread (stops early when interrupted). */
    public static void run(long millis) {
        SplittableRandom rnd = new SplittableRandom(1);
        int rows = 64;
        int cols = 96;
        float[] w = random(rnd, rows * cols);
        F32Tensor f32 = mapped(w, rows, cols);
        Q8_0Tensor q8 = Quantize.q8_0(f32);
        // two blocks per row and two groups, so the block and group loops are profiled as loops (a model's are)
        int kRows = 32;
        int kCols = 2 * KQuantTensor.QK;
        Tensor q4k = kQuant(rnd, DType.Q4_K, kRows, kCols, 0, 2);
        Tensor q6k = kQuant(rnd, DType.Q6_K, kRows, kCols, 208);
        float[][] xk = new float[32][];
        float[][] outsK = new float[32][kRows];
        for (int t = 0; t < xk.length; t++) {
            xk[t] = random(rnd, kCols);
        }
        float[][] xs = new float[32][];
        float[][] outs = new float[32][rows];
        for (int t = 0; t < xs.length; t++) {
            xs[t] = random(rnd, cols);
        }
        float[] x = xs[0];
        float[] out = new float[rows];
        float[] ones = new float[cols];
        java.util.Arrays.fill(ones, 1f);
        float[] zeros = new float[cols];
        float[] keysT = random(rnd, cols * 32);
        float[] scores = new float[32];
        float[] values = random(rnd, 32 * cols);
        long end = System.nanoTime() + millis * 1_000_000L;
        float sink = 0;
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            for (int i = 0; i < 20 && System.nanoTime() < end; i++) { // a cold iteration takes long: stop on time
                Kernels.matmul(f32, xs, null, outs, xs.length, Parallel.SERIAL);
                Kernels.matmul(f32, xs, null, outs, 3, Parallel.SERIAL);
                Kernels.matmul(q8, xs, null, outs, xs.length, Parallel.SERIAL);
                Kernels.matvec(f32, x, out, Parallel.SERIAL);
                Kernels.matvec(q8, x, out, Parallel.SERIAL);
                for (Tensor k : new Tensor[] {q4k, q6k}) {
                    Kernels.matvec(k, xk[i % 8], outsK[i], Parallel.SERIAL);
                    Kernels.matmul(k, xk, null, outsK, i % 2 == 0 ? xk.length : 3, Parallel.SERIAL);
                }
                float[] h = xs[1 + i % 8].clone();
                Kernels.geluExact(h, h.length);
                Kernels.swiglu(h, x, h.length);
                Kernels.rmsnorm(h, h, ones, cols, 1e-5f);
                Kernels.layernorm(h, h, ones, zeros, cols, 1e-5f);
                Kernels.scoresTransposed(x, 0, keysT, cols, 32, 0.1f, scores);
                Kernels.softmax(scores, 0, scores.length);
                Kernels.weightedSum(scores, 0, scores.length, values, 0, cols, h, 0);
                sink += h[i % cols] + Kernels.dot(x, 0, h, 0, cols) + out[i % rows] + outs[i][i % rows]
                        + outsK[i][i % kRows];
            }
        }
        if (sink == Float.MIN_VALUE) {
            System.out.print(""); // keeps the results alive so the loop is not removed
        }
    }

    /**
     * A K-quant tensor of random blocks, the f16 super-block scales at {@code halfScales} (byte offsets in a block)
     * set small and finite.
     */
    private static Tensor kQuant(SplittableRandom rnd, DType type, int rows, int cols, int... halfScales) {
        byte[] raw = new byte[(int) type.bytesFor((long) rows * cols)];
        rnd.nextBytes(raw);
        MemorySegment data = MemorySegment.ofArray(raw);
        for (long blk = 0; blk < raw.length; blk += type.blockBytes()) {
            for (int at : halfScales) {
                data.set(F16Tensor.LE_SHORT, blk + at, Float.floatToFloat16(0.01f));
            }
        }
        return Tensor.of(type, data, rows, cols);
    }

    /**
     * An F32 matrix in a file mapping, the memory a model's F32 weights are in (the app maps model files): the JIT
     * profiles the kind of memory segment under {@code F32Tensor}'s vector loads, and after a warm-up on a heap
     * array (or on any second kind) it compiled a slower dot product for the model's own segments. stories110M
     * F32 after a heap-array warm-up took 16-22 % more CPU a token at one thread, and JFR found half of the app's
     * engine samples in the segment's liveness check ({@code MemorySessionImpl.checkValidStateRaw}), none of
     * bench's (docs/PERFORMANCE.md, "App generation speed, part 7"). The file is deleted at once (the mapping stays
     * valid; where the system refuses, at exit); without a temporary folder the matrix is in native memory.
     */
    static F32Tensor mapped(float[] w, int rows, int cols) {
        long bytes = (long) w.length * Float.BYTES;
        try {
            Path file = Files.createTempFile("glassbox-warm-up", ".f32");
            try (var ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment data = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, Arena.ofAuto());
                MemorySegment.copy(w, 0, data, F32, 0, w.length);
                return new F32Tensor(data, rows, cols);
            } finally {
                try {
                    Files.delete(file);
                } catch (IOException inUse) {
                    file.toFile().deleteOnExit();
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            MemorySegment data = Arena.ofAuto().allocate(bytes, 64);
            MemorySegment.copy(w, 0, data, F32, 0, w.length);
            return new F32Tensor(data, rows, cols);
        }
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
