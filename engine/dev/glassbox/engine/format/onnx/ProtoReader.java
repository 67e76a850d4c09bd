package dev.glassbox.engine.format.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.glassbox.engine.io.FormatException;

/**
 * A cursor over protocol-buffers wire format (protobuf.dev/programming-guides/encoding): a tag varint
 * (field number << 3 | wire type) followed by a varint (type 0), 8 bytes (1), a length-prefixed run (2)
 * or 4 bytes (5). Every read is bounds-checked, so a damaged file gives a FormatException, not a crash.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final Path file;
    private final MemorySegment data;
    private long pos;
    private final long limit;
    private int field;
    private int wireType;

    ProtoReader(Path file, MemorySegment data, long from, long limit) {
        this.file = file;
        this.data = data;
        this.pos = from;
        this.limit = limit;
    }

    /** Advances to the next field; false at the end of this message. */
    boolean next() throws FormatException {
        if (pos >= limit) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0) {
            throw error("invalid field number " + field);
        }
        return true;
    }

    int field() { return field; }

    int wireType() { return wireType; }

    long varint() throws FormatException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw error("varint runs past the end of its message");
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    /** The current length-delimited field as a sub-reader; this reader moves past it. */
    ProtoReader message() throws FormatException {
        long[] span = span();
        return new ProtoReader(file, data, span[0], span[1]);
    }

    String string() throws FormatException {
        long[] span = span();
        return new String(data.asSlice(span[0], span[1] - span[0]).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The bytes of the current length-delimited field, without copying. */
    MemorySegment bytes() throws FormatException {
        long[] span = span();
        return data.asSlice(span[0], span[1] - span[0]);
    }

    float fixed32Float() throws FormatException {
        expectWire(I32);
        if (limit - pos < 4) {
            throw error("truncated 32-bit field");
        }
        float f = data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
        pos += 4;
        return f;
    }

    private long[] span() throws FormatException {
        expectWire(LEN);
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw error("field " + field + " claims " + len + " bytes but only " + (limit - pos) + " remain (truncated file?)");
        }
        long from = pos;
        pos += len;
        return new long[] {from, pos};
    }

    void skip() throws FormatException {
        switch (wireType) {
            case VARINT -> varint();
            case I64 -> advance(8);
            case LEN -> span();
            case I32 -> advance(4);
            default -> throw error("unsupported wire type " + wireType + " in field " + field);
        }
    }

    /** Reads a repeated varint field in either packed (LEN) or unpacked form, calling {@code sink} per value. */
    void varints(java.util.function.LongConsumer sink) throws FormatException {
        if (wireType == VARINT) {
            sink.accept(varint());
        } else if (wireType == LEN) {
            ProtoReader packed = message();
            while (packed.pos < packed.limit) {
                sink.accept(packed.varint());
            }
        } else {
            throw error("field " + field + " should hold integers but has wire type " + wireType);
        }
    }

    private void advance(long n) throws FormatException {
        if (limit - pos < n) {
            throw error("truncated field " + field);
        }
        pos += n;
    }

    private void expectWire(int expected) throws FormatException {
        if (wireType != expected) {
            throw error("field " + field + " has wire type " + wireType + ", expected " + expected);
        }
    }

    FormatException error(String problem) {
        return new FormatException(file, "not a valid ONNX protobuf at byte " + pos + ": " + problem);
    }
}
