package dev.glassbox.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;

class QuantizeTest {

    @Test
    void q8_0RoundTripsWithinHalfAStepPerBlock() {
        Random r = new Random(3);
        float[] v = new float[4 * 96];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * (i % 32 == 0 ? 5 : 1);
        F32Tensor t = F32Tensor.of(v, 4, 96);
        Q8_0Tensor q = Quantize.q8_0(t);
        float[] back = q.toFloatArray();
        for (int b = 0; b < v.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(v[b * 32 + j]));
            float step = amax / 127f;
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                // half a step, plus the f16 rounding of the scale (relative 2^-11 of the value)
                assertEquals(v[i], back[i], step / 2 + Math.abs(v[i]) / 2048 + 1e-7, "value " + i);
            }
        }
        float[] x = new float[96];
        for (int i = 0; i < 96; i++) x[i] = (float) r.nextGaussian();
        assertEquals(Kernels.dot(back, 96, x, 0, 96), q.dot(1, x, 0), 1e-4);
    }

    @Test
    void q8_0BlocksReadAndWrittenBackAreTheSameBytes() {
        Random r = new Random(5);
        byte[] file = new byte[3 * 2 * 34];
        r.nextBytes(file);
        MemorySegment blocks = MemorySegment.ofArray(file);
        for (int b = 0; b < 6; b++) {
            // any finite f16 scale, including subnormals and negative zero
            blocks.set(F16Tensor.LE_SHORT, b * 34L, (short) (r.nextInt(0x7C00) | (b % 2 == 0 ? 0x8000 : 0)));
        }
        Q8_0Tensor q = Q8_0Tensor.fromBlocks(blocks, 3, 64);
        assertArrayEquals(file, q.blocks().toArray(ValueLayout.JAVA_BYTE));
        float d = Float.float16ToFloat(blocks.get(F16Tensor.LE_SHORT, 34));
        assertEquals(d * file[34 + 2 + 5], q.row(0)[32 + 5]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Q8_0Tensor.fromBlocks(blocks, 4, 64))
                .getMessage().contains("needs"));
    }

    @Test
    void roundingIsCsRoundfAndZeroBlocksStayZero() {
        assertEquals(3, Quantize.roundf(2.5f));
        assertEquals(-3, Quantize.roundf(-2.5f));
        assertEquals(-2, Quantize.roundf(-2.4f));
        Q8_0Tensor z = Quantize.q8_0(F32Tensor.of(new float[32], 1, 32));
        for (float f : z.toFloatArray()) assertEquals(0f, f);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Quantize.q8_0(F32Tensor.of(new float[40], 1, 40)))
                .getMessage().contains("40 columns"));
    }
}
