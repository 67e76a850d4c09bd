package dev.glassbox.engine.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.testing.Numpy;

class NpyWriterTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void headerIsVersion1PaddedTo64BytesAndEndsInNewline() {
        for (int[] shape : new int[][] {{}, {5}, {8, 5, 5}, {100000, 3, 7, 11}}) {
            byte[] h = NpyWriter.header(shape);
            assertEquals(0, h.length % 64, "header length " + h.length);
            assertEquals(1, h[6]);
            assertEquals(0, h[7]);
            assertEquals(h.length - 10, (h[8] & 0xFF) | (h[9] & 0xFF) << 8, "HEADER_LEN");
            assertEquals('\n', h[h.length - 1]);
            String dict = new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
            assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': "), dict);
        }
        assertEquals("(5,)", NpyWriter.shapeLiteral(new int[] {5}));
        assertEquals("()", NpyWriter.shapeLiteral(new int[] {}));
        assertEquals("(2, 3)", NpyWriter.shapeLiteral(new int[] {2, 3}));
    }

    @Test
    void ownReaderGetsBackShapeAndValuesExactly() throws IOException {
        float[] v = random(2 * 3 * 40000, 1); // larger than the write buffer
        v[7] = Float.NaN;
        v[8] = Float.NEGATIVE_INFINITY;
        v[9] = -0f;
        Path f = dir.resolve("a.npy");
        NpyWriter.write(f, new int[] {2, 3, 40000}, v);
        NpyArray a = NpyReader.read(f);
        assertArrayEquals(new int[] {2, 3, 40000}, a.shape());
        assertArrayEquals(v, a.values());
        assertEquals(v[1 * 3 * 40000 + 2 * 40000 + 5], a.get(1, 2, 5));
    }

    @Test
    void numpyReadsWhatWeWrite() throws Exception {
        Numpy.assumeAvailable();
        float[] v = random(4 * 3 * 5, 2);
        Path f = dir.resolve("x.npy");
        NpyWriter.write(f, new int[] {4, 3, 5}, v);
        Path scalar = dir.resolve("s.npy");
        NpyWriter.write(scalar, new int[] {}, new float[] {2.5f});
        Path vec = dir.resolve("v.npy");
        NpyWriter.write(vec, new int[] {3}, new float[] {1, 2, 3});
        List<String> out = Numpy.run("""
                import numpy as np, sys
                a = np.load(sys.argv[1])
                print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'])
                print(repr(float(a[1, 2, 3])), repr(float(a[3, 0, 4])))
                s = np.load(sys.argv[2]); print(s.shape, float(s))
                v = np.load(sys.argv[3]); print(v.shape, v.tolist())
                """, f.toString(), scalar.toString(), vec.toString());
        assertEquals("float32 (4, 3, 5) True", out.get(0));
        String[] xs = out.get(1).split(" ");
        assertEquals(v[(1 * 3 + 2) * 5 + 3], Float.parseFloat(xs[0]));
        assertEquals(v[(3 * 3 + 0) * 5 + 4], Float.parseFloat(xs[1]));
        assertEquals("() 2.5", out.get(2));
        assertEquals("(3,) [1.0, 2.0, 3.0]", out.get(3));
    }

    @Test
    void ownReaderReadsWhatNumpyWrites() throws Exception {
        Numpy.assumeAvailable();
        Path f = dir.resolve("np.npy");
        Numpy.run("""
                import numpy as np, sys
                np.save(sys.argv[1], np.arange(24, dtype='<f4').reshape(2, 3, 4) / 8)
                """, f.toString());
        NpyArray a = NpyReader.read(f);
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals(i / 8f, a.values()[i]);
        }
    }

    @Test
    void readerRefusesOtherDtypesAndBrokenFilesByName() throws Exception {
        Path f = dir.resolve("bad.npy");
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(assertThrows(FormatException.class, () -> NpyReader.read(f)).getMessage().startsWith("bad.npy: "));
        Files.write(f, "not numpy at all, definitely".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(FormatException.class, () -> NpyReader.read(f)).getMessage().contains("magic"));

        NpyWriter.write(f, new int[] {2, 2}, new float[4]);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 1));
        assertTrue(assertThrows(FormatException.class, () -> NpyReader.read(f)).getMessage().contains("data bytes"));

        String s = new String(b, StandardCharsets.ISO_8859_1).replace("<f4", "<f8");
        Files.write(f, s.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(FormatException.class, () -> NpyReader.read(f)).getMessage().contains("'<f8'"));
    }

    @Test
    void writerRefusesValuesThatDoNotFitTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.write(dir.resolve("w.npy"), new int[] {2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    }

    @Test
    void csvQuotesFieldsPerRfc4180() throws IOException {
        Path f = dir.resolve("t.csv");
        CsvWriter.write(f, "q\\k", List.of("0:a,b", "1:\"x\""), List.of("0:<s>", "1: y"),
                new float[][] {{1f, 0f}, {0.25f, 0.75f}});
        assertEquals("q\\k,\"0:a,b\",\"1:\"\"x\"\"\"\n0:<s>,1.0,0.0\n1: y,0.25,0.75\n", Files.readString(f));
    }
}
