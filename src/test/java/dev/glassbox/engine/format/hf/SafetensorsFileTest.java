package dev.glassbox.engine.format.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.io.FormatException;
import dev.glassbox.engine.tensor.DType;
import dev.glassbox.engine.tensor.Tensor;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    /** A file with the given header text and data bytes; the header length field is the text's length. */
    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawWithLength(h.length, h, data);
    }

    private Path rawWithLength(long length, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(length).put(header).put(data);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static String message(Path p) {
        FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
    }

    @Test
    void writerProducesSortedPaddedPtFilesThatReadBack() throws Exception {
        Map<String, SafetensorsWriter.Data> t = new LinkedHashMap<>();
        float[] m = {1, 2, 3, 4, 5, 6};
        t.put("z.weight", SafetensorsWriter.Data.matrix(m, 2, 3));
        t.put("a.bias", SafetensorsWriter.Data.vector(new float[] {-1.5f, 0.25f, 7}));
        Path p = dir.resolve("x.safetensors");
        SafetensorsWriter.write(p, t);

        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertEquals(" ".repeat(header.length() - json.length()), header.substring(json.length()), "padded with spaces");
        assertTrue(json.endsWith("}"), "padding only after the JSON");
        assertEquals(8 + n + 4 * 9, bytes.length);
        JsonNode h = new ObjectMapper().readTree(header);
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        List<String> keys = iterable(h);
        assertEquals(List.of("__metadata__", "a.bias", "z.weight"), keys);
        assertEquals("[0,12]", h.get("a.bias").get("data_offsets").toString());
        assertEquals("[12,36]", h.get("z.weight").get("data_offsets").toString());

        SafetensorsFile f = SafetensorsFile.open(p);
        Tensor z = f.matrix("z.weight");
        assertEquals(DType.F32, z.dtype());
        assertArrayEquals(new float[] {4, 5, 6}, z.row(1));
        assertArrayEquals(m, z.toFloatArray());
        assertArrayEquals(new float[] {-1.5f, 0.25f, 7}, f.floats("a.bias"));
        assertArrayEquals(new long[] {3}, f.entry("a.bias").shape());
    }

    private static List<String> iterable(JsonNode h) {
        List<String> out = new java.util.ArrayList<>();
        h.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void halfAndBfloat16AreReadAsViewsAndConverted() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = {1.5f, -2f, 0.375f, 3072f}; // exact in both half formats
        for (float x : v) d.putShort(Float.floatToFloat16(x));
        for (float x : v) d.putShort((short) (Float.floatToIntBits(x) >>> 16));
        Path p = raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[8,16]}}", d.array());
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(DType.F16, f.matrix("h").dtype());
        assertArrayEquals(v, f.matrix("h").toFloatArray());
        assertArrayEquals(v, f.floats("h"));
        assertArrayEquals(v, f.floats("b"));
    }

    @Test
    void tooShortForTheLengthField() throws Exception {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertContains(message(p), "too short for safetensors (3 bytes");
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeAllocating() throws Exception {
        assertContains(message(rawWithLength(1L << 40, "{}".getBytes(), new byte[0])),
                "header length 1099511627776 is impossible for a file of 10 bytes");
        assertContains(message(rawWithLength(-1L, "{}".getBytes(), new byte[0])), "18446744073709551615");
        assertContains(message(rawWithLength(500, "{}".getBytes(), new byte[0])), "header length 500 is impossible");
    }

    @Test
    void truncatedDataIsOutOfRange() throws Exception {
        Map<String, SafetensorsWriter.Data> t = Map.of("w", SafetensorsWriter.Data.matrix(new float[8], 2, 4));
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, t);
        byte[] b = Files.readAllBytes(good);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, Arrays.copyOf(b, b.length - 5));
        assertContains(message(p), "tensor 'w': data_offsets [0, 32) out of range (the data section has 27 bytes)");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrLeavingGaps() throws Exception {
        assertContains(message(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", new byte[16])),
                "tensor 'a': data_offsets [0, 400) out of range");
        assertContains(message(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[16])),
                "tensor 'a': data_offsets [8, 4) out of range");
        assertContains(message(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", new byte[24])),
                "tensor 'b' data_offsets overlap tensor 'a'");
        assertContains(message(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", new byte[16])),
                "unindexed gap of 8 bytes before tensor 'a'");
        assertContains(message(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[16])),
                "8 bytes after the last tensor are not indexed");
    }

    @Test
    void shapeMustMatchTheByteSpan() throws Exception {
        assertContains(message(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", new byte[16])),
                "tensor 'w': shape [2,3] of F32 needs 24 bytes but data_offsets span 16");
        assertContains(message(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8])),
                "non-integer or negative dimension");
        assertContains(message(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                new byte[8])), "more elements than a file can hold");
    }

    @Test
    void unknownAndUnsupportedDtypes() throws Exception {
        assertContains(message(raw("{\"w\":{\"dtype\":\"F7\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8])),
                "tensor 'w': unknown dtype 'F7'");
        // a known but unsupported dtype (e.g. BERT's int64 position_ids) opens; only reading it fails
        SafetensorsFile f = SafetensorsFile.open(raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[0,16]}}",
                new byte[16]));
        FormatException e = assertThrows(FormatException.class, () -> f.matrix("ids"));
        assertContains(e.getMessage(), "tensor 'ids' has dtype I64, which is not supported (supported: F32, F16, BF16)");
        assertThrows(FormatException.class, () -> f.floats("ids"));
    }

    @Test
    void malformedHeaders() throws Exception {
        assertContains(message(raw("{\"w\": [1, 2", new byte[0])), "safetensors header is not valid JSON");
        assertContains(message(raw("[1, 2]", new byte[0])), "header must be a JSON object");
        assertContains(message(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])), "not valid JSON at line 1, column 58 (a duplicate key)");
        assertContains(message(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])),
                "tensor 'w': data_offsets must be two integers");
        assertContains(message(raw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w': missing or non-text dtype");
    }

    @Test
    void missingTensorAndWrongRank() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(raw("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]));
        assertEquals(List.of("v"), List.copyOf(f.names()));
        assertContains(assertThrows(FormatException.class, () -> f.matrix("nope")).getMessage(), "missing tensor 'nope'");
        assertContains(assertThrows(FormatException.class, () -> f.matrix("v")).getMessage(),
                "tensor 'v' has shape [2], expected a matrix");
    }

    private static final String JSON_BYTES = "0123456789[]{},:-e \"";

    /** Random corruptions of a valid file either still read or fail with a FormatException, nothing else. */
    @Test
    void corruptedFilesFailOnlyWithFormatException() throws Exception {
        Map<String, SafetensorsWriter.Data> t = new LinkedHashMap<>();
        t.put("a", SafetensorsWriter.Data.matrix(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", SafetensorsWriter.Data.vector(new float[] {7, 8}));
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, t);
        byte[] valid = Files.readAllBytes(good);
        java.util.Random rnd = new java.util.Random(42);
        Path p = dir.resolve("bad.safetensors");
        int opened = 0;
        for (int round = 0; round < 400; round++) {
            byte[] b = valid.clone();
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(Math.min(b.length, 8 + 160));
                b[at] = switch (rnd.nextInt(3)) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> (byte) JSON_BYTES.charAt(rnd.nextInt(JSON_BYTES.length()));
                    default -> (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                };
            }
            if (rnd.nextInt(10) == 0) {
                b = Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            Files.write(p, b);
            try {
                SafetensorsFile f = SafetensorsFile.open(p);
                opened++;
                for (String n : f.names()) {
                    try {
                        f.floats(n);
                        if (f.entry(n).rank() == 2) f.matrix(n);
                    } catch (FormatException expected) {
                        // unsupported dtype or unusable shape: reported, fine
                    }
                }
            } catch (FormatException expected) {
                assertTrue(expected.getMessage().startsWith("bad.safetensors: "), expected.getMessage());
            }
        }
        assertTrue(opened > 0 && opened < 400, "some corruptions are harmless, most are not: " + opened);
    }
}
