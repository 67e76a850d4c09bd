package dev.glassbox.engine.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.glassbox.engine.io.FormatException;

/**
 * Reads the {@code .npy} files {@link NpyWriter} writes (and NumPy's own for the same dtype): versions 1.0
 * and 2.0, little-endian float32, C order. Anything else is refused with a {@link FormatException}.
 */
public final class NpyReader {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    public static NpyArray read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            throw new FormatException(file, "is " + size + " bytes; arrays over 2 GiB are not supported");
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[NpyWriter.MAGIC.length];
        if (b.remaining() < 10) {
            throw new FormatException(file, "too short to be an .npy file (" + size + " bytes)");
        }
        b.get(magic);
        if (!Arrays.equals(magic, NpyWriter.MAGIC)) {
            throw new FormatException(file, "not an .npy file (no \\x93NUMPY magic)");
        }
        int major = b.get();
        b.get(); // minor
        long headerLen = switch (major) {
            case 1 -> Short.toUnsignedInt(b.getShort());
            case 2, 3 -> Integer.toUnsignedLong(b.getInt());
            default -> throw new FormatException(file, "unsupported .npy version " + major);
        };
        if (headerLen > b.remaining()) {
            throw new FormatException(file, "header length " + headerLen + " runs past the end of the file");
        }
        byte[] h = new byte[(int) headerLen];
        b.get(h);
        String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, header, "descr");
        if (!descr.equals("<f4")) {
            throw new FormatException(file, "dtype '" + descr + "' is not supported (only little-endian float32 '<f4')");
        }
        if (group(file, FORTRAN, header, "fortran_order").equals("True")) {
            throw new FormatException(file, "Fortran-order arrays are not supported (only C order)");
        }
        int[] shape = parseShape(file, group(file, SHAPE, header, "shape"));
        long n = NpyWriter.count(shape);
        if (n * Float.BYTES != b.remaining()) {
            throw new FormatException(file, "shape " + NpyWriter.shapeLiteral(shape) + " needs " + n * Float.BYTES
                    + " data bytes but the file has " + b.remaining());
        }
        float[] values = new float[(int) n];
        b.asFloatBuffer().get(values);
        return new NpyArray(shape, values);
    }

    private static String group(Path file, Pattern p, String header, String key) throws FormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new FormatException(file, "header has no readable '" + key + "' entry: " + header.strip());
        }
        return m.group(1);
    }

    private static int[] parseShape(Path file, String tuple) throws FormatException {
        String[] parts = tuple.split(",");
        int[] dims = new int[parts.length];
        int n = 0;
        for (String part : parts) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                dims[n++] = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new FormatException(file, "shape entry '" + s + "' is not a dimension");
            }
            if (dims[n - 1] < 0) {
                throw new FormatException(file, "negative dimension " + s + " in shape");
            }
        }
        return Arrays.copyOf(dims, n);
    }
}
