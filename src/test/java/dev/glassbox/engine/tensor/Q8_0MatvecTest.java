package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grouped Q8_0 products (16 rows side by side, see {@link Q8_0Tensor}) against the scalar reference decoder
 * of {@link QuantizedKernelsTest}: every kernel variant (AVX-512, AVX2 halves, NEON quarters, scalar; all run here, the vector
 * ones through whatever the Vector API does on this CPU), row counts that leave a partial last group, row
 * ranges that start and end inside a group.
 */
class Q8_0MatvecTest {

    @ParameterizedTest
    @EnumSource(Q8_0Tensor.Kernel.class)
    void everyKernelMatchesTheReferenceOnAnyRowRange(Q8_0Tensor.Kernel kernel) {
        Random r = new Random(11 + kernel.ordinal());
        for (int rows : new int[] {1, 3, 16, 17, 40}) {
            for (int cols : new int[] {32, 96, 288}) {
                byte[] raw = QuantizedKernelsTest.randomData(DType.Q8_0, rows, cols, r);
                double[] w = QuantizedKernelsTest.reference(DType.Q8_0, raw, rows * cols);
                Q8_0Tensor t = Q8_0Tensor.fromBlocks(MemorySegment.ofArray(raw), rows, cols);
                float[] x = gaussian(r, cols);
                for (int trial = 0; trial < 8; trial++) {
                    int from = trial == 0 ? 0 : r.nextInt(rows);
                    int to = trial == 0 ? rows : from + 1 + r.nextInt(rows - from);
                    float[] out = new float[rows];
                    Arrays.fill(out, Float.NaN);
                    t.matvec(kernel, x, out, from, to);
                    for (int row = 0; row < rows; row++) {
                        if (row < from || row >= to) {
                            assertTrue(Float.isNaN(out[row]), kernel + ": row " + row + " outside [" + from + ", "
                                    + to + ") was written");
                            continue;
                        }
                        double ref = 0;
                        double mag = 0;
                        for (int i = 0; i < cols; i++) {
                            ref += w[row * cols + i] * x[i];
                            mag += Math.abs(w[row * cols + i] * x[i]);
                        }
                        assertEquals(ref, out[row], 2e-6 * mag + 1e-30,
                                kernel + " " + rows + " x " + cols + ", row " + row);
                        assertEquals(ref, t.dot(row, x, 0), 2e-6 * mag + 1e-30, "dot of row " + row);
                    }
                }
            }
        }
    }

    @Test
    void prefillProductsMatchTheReferenceOnAnyRowRangeAndThreadCount() {
        // token counts below one vector (the group kernel per token) and above it (dequantised tiles, Gemm), with
        // partial token vectors; more columns than one k slice; rows leaving a partial group; ranges inside groups
        Random r = new Random(7);
        for (int count : new int[] {5, 16, 19, 37}) {
            for (int[] shape : new int[][] {{40, 96}, {17, 32}, {48, 288}}) {
                int rows = shape[0];
                int cols = shape[1];
                byte[] raw = QuantizedKernelsTest.randomData(DType.Q8_0, rows, cols, r);
                double[] w = QuantizedKernelsTest.reference(DType.Q8_0, raw, rows * cols);
                Q8_0Tensor t = Q8_0Tensor.fromBlocks(MemorySegment.ofArray(raw), rows, cols);
                float[][] xs = new float[count][];
                for (int k = 0; k < count; k++) {
                    xs[k] = gaussian(r, cols);
                }
                for (int threads : new int[] {1, 2}) {
                    float[][] outs = new float[count][rows];
                    try (Parallel p = new Parallel(threads)) {
                        Kernels.matmul(t, xs, null, outs, count, p);
                    }
                    int from = 1 + r.nextInt(rows / 2);
                    int to = from + 1 + r.nextInt(rows - from);
                    float[][] part = new float[count][rows];
                    for (float[] o : part) {
                        Arrays.fill(o, Float.NaN);
                    }
                    if (count >= Kernels.paddedLength(1)) {
                        float[] xt = Gemm.transpose(xs, count, cols, Gemm.stride(count));
                        t.matmulTransposed(xt, Gemm.stride(count), count, part, from, to);
                    } else {
                        t.matmul(xs, part, count, from, to);
                    }
                    for (int k = 0; k < count; k++) {
                        for (int row = 0; row < rows; row++) {
                            double ref = 0;
                            double mag = 0;
                            for (int i = 0; i < cols; i++) {
                                ref += w[row * cols + i] * xs[k][i];
                                mag += Math.abs(w[row * cols + i] * xs[k][i]);
                            }
                            String where = rows + " x " + cols + ", " + count + " tokens, " + threads + " threads, token "
                                    + k + ", row " + row;
                            assertEquals(ref, outs[k][row], 2e-6 * mag + 1e-30, where);
                            if (row < from || row >= to) {
                                assertTrue(Float.isNaN(part[k][row]), where + " outside [" + from + ", " + to + ")");
                            } else {
                                assertEquals(ref, part[k][row], 2e-6 * mag + 1e-30, where + " in [" + from + ", " + to + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void fusedProductsSplitOverThreadsEqualSeparateOnes() {
        Random r = new Random(8);
        int cols = 64;
        for (int[] shape : new int[][] {{48, 32, 16}, {17, 5, 40}}) { // group-aligned, and not
            Q8_0Tensor[] ts = new Q8_0Tensor[3];
            for (int i = 0; i < 3; i++) {
                ts[i] = Q8_0Tensor.fromBlocks(MemorySegment.ofArray(
                        QuantizedKernelsTest.randomData(DType.Q8_0, shape[i], cols, r)), shape[i], cols);
            }
            float[] x = gaussian(r, cols);
            float[][] fused = {new float[shape[0]], new float[shape[1]], new float[shape[2]]};
            float[][] fused2 = {new float[shape[0]], new float[shape[1]]};
            try (Parallel p = new Parallel(2)) {
                for (int round = 0; round < 50; round++) {
                    Kernels.matvec(x, p, ts[0], fused[0], ts[1], fused[1], ts[2], fused[2]);
                    Kernels.matvec(x, p, ts[0], fused2[0], ts[1], fused2[1]);
                    for (int i = 0; i < 3; i++) {
                        float[] alone = new float[shape[i]];
                        ts[i].matvec(x, alone, 0, shape[i]);
                        assertArrayEquals(alone, fused[i], Arrays.toString(shape) + " tensor " + i);
                        if (i < 2) {
                            assertArrayEquals(alone, fused2[i], Arrays.toString(shape) + " pair, tensor " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMappedFileReadsAsTheSameTensorWhileItsPagesAreReleased(@TempDir Path dir) throws IOException {
        Random r = new Random(9);
        int rows = 1001; // 4.4 MB of blocks: released after the first 4 MiB and at the end, a partial group last
        int cols = 4096;
        byte[] raw = QuantizedKernelsTest.randomData(DType.Q8_0, rows, cols, r);
        Path file = dir.resolve("q8.bin");
        Files.write(file, raw);
        Q8_0Tensor fromHeap = Q8_0Tensor.fromBlocks(MemorySegment.ofArray(raw), rows, cols);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, raw.length, arena);
            Q8_0Tensor fromFile = Q8_0Tensor.fromBlocks(mapped, rows, cols);
            assertArrayEquals(fromHeap.toFloatArray(), fromFile.toFloatArray());
            assertEquals(raw[raw.length - 1], mapped.get(java.lang.foreign.ValueLayout.JAVA_BYTE, raw.length - 1),
                    "released pages read back from the file");
        }
    }

    @ParameterizedTest
    @EnumSource(Q8_0Tensor.Kernel.class)
    void float16ScalesOfEveryExponentAndSignAreWidenedExactly(Q8_0Tensor.Kernel kernel) {
        // one row per float16 scale: both signs, every finite exponent (0: zero and subnormals, 30: up to the
        // largest), the lowest and highest mantissas and every 17th between; its block is q = (1, 0, ..., 0), so
        // row · e0 = 1 * scale, in one exact fma, is the scale as the kernel widened it; as float32 scales did, it
        // must equal Float.float16ToFloat bit for bit
        short[] halves = new short[1 << 16];
        int rows = 0;
        for (int h = 0; h < 1 << 16; h++) {
            int mantissa = h & 0x3ff;
            boolean sampled = mantissa < 4 || mantissa > 1019 || mantissa % 17 == 0;
            if (sampled && Float.isFinite(Float.float16ToFloat((short) h))) {
                halves[rows++] = (short) h;
            }
        }
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(rows * 34).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            raw.putShort(halves[r]).put((byte) 1).put(new byte[31]);
        }
        Q8_0Tensor t = Q8_0Tensor.fromBlocks(MemorySegment.ofArray(raw.array()), rows, 32);
        float[] e0 = new float[32];
        e0[0] = 1;
        float[] out = new float[rows];
        t.matvec(kernel, e0, out, 0, rows);
        float[] tile = new float[16 * 32];
        for (int r = 0; r < rows; r++) {
            float expected = Float.float16ToFloat(halves[r]);
            // (sums start from +0, so a -0 scale comes out as +0, as it did with float32 scales)
            assertEquals(Float.floatToRawIntBits(expected + 0f), Float.floatToRawIntBits(out[r]),
                    kernel + ": scale bits 0x" + Integer.toHexString(halves[r] & 0xffff));
            if (r % 16 == 0) {
                t.dequantiseGroup(r / 16, tile);
            }
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(tile[r % 16]), "dequantised");
            assertEquals(Float.floatToRawIntBits(expected + 0f), Float.floatToRawIntBits(t.dot(r, e0, 0)), "dot");
        }
        assertEquals(0, java.nio.ByteBuffer.wrap(raw.array()).compareTo(
                t.blocks().asByteBuffer()), "the blocks written back are the file's");
    }

    @Test
    void aBlockWithAnInfiniteOrNaNScaleIsRefused() {
        for (short bad : new short[] {(short) 0x7c00, (short) 0xfc00, (short) 0x7e00}) {
            java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(2 * 34).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            raw.putShort(Float.floatToFloat16(0.5f)).put(new byte[32]).putShort(bad).put(new byte[32]);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Q8_0Tensor.fromBlocks(MemorySegment.ofArray(raw.array()), 2, 32));
            assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("non-finite scale"), e.getMessage());
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
