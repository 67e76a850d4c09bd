package dev.glassbox.engine.format.gguf;

import java.util.Optional;

import dev.glassbox.engine.tensor.DType;

/**
 * ggml tensor type ids as numbered in ggml.h {@code enum ggml_type} (gaps are ids ggml removed). Only the types
 * with a {@link DType} can be read by this engine; the rest are named so errors can say what a file holds.
 */
public enum GgmlType {
    F32(0, DType.F32), F16(1, DType.F16), Q4_0(2, DType.Q4_0), Q4_1(3, null), Q5_0(6, DType.Q5_0), Q5_1(7, null),
    Q8_0(8, DType.Q8_0), Q8_1(9, null), Q2_K(10, DType.Q2_K), Q3_K(11, DType.Q3_K), Q4_K(12, DType.Q4_K),
    Q5_K(13, DType.Q5_K), Q6_K(14, DType.Q6_K), Q8_K(15, DType.Q8_K), IQ2_XXS(16, null), IQ2_XS(17, null), IQ3_XXS(18, null), IQ1_S(19, null),
    IQ4_NL(20, null), IQ3_S(21, null), IQ2_S(22, null), IQ4_XS(23, null), I8(24, null), I16(25, null),
    I32(26, null), I64(27, null), F64(28, null), IQ1_M(29, null), BF16(30, DType.BF16), TQ1_0(34, null),
    TQ2_0(35, null), MXFP4(39, null);

    private final int id;
    private final DType dtype;

    GgmlType(int id, DType dtype) {
        this.id = id;
        this.dtype = dtype;
    }

    public int id() { return id; }

    /** The engine's element type, empty when the engine cannot read this ggml type. */
    public Optional<DType> dtype() { return Optional.ofNullable(dtype); }

    public static Optional<GgmlType> byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static GgmlType of(DType d) {
        return switch (d) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q8_0 -> Q8_0;
            case Q4_0 -> Q4_0;
            case Q5_0 -> Q5_0;
            case Q2_K -> Q2_K;
            case Q3_K -> Q3_K;
            case Q4_K -> Q4_K;
            case Q5_K -> Q5_K;
            case Q6_K -> Q6_K;
            case Q8_K -> Q8_K;
        };
    }

    /** The types the engine reads, for error messages. */
    public static String supported() {
        return "F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K";
    }
}
