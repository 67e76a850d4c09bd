package dev.glassbox.engine.tensor;

/** Element types the engine reads. Quantized types store fixed-size blocks of {@link #blockSize()} values. */
public enum DType {
    F32(1, 4), F16(1, 2), BF16(1, 2),
    /** ggml block: f16 scale + 32 int8 values (34 bytes). */
    Q8_0(32, 34),
    /** ggml block: f16 scale + 32 4-bit values packed low nibbles first then high nibbles (18 bytes). */
    Q4_0(32, 18),
    /** ggml block: f16 scale + 32 fifth bits + 32 4-bit values as Q4_0's (22 bytes). */
    Q5_0(32, 22),
    /** ggml K-quant super-blocks of 256 values (layouts in {@link KQuantTensor} and its subclasses). */
    Q2_K(256, 84), Q3_K(256, 110), Q4_K(256, 144), Q5_K(256, 176), Q6_K(256, 210), Q8_K(256, 292);

    private final int blockSize;
    private final int blockBytes;

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int blockSize() { return blockSize; }

    public int blockBytes() { return blockBytes; }

    /** Bytes needed for {@code elements} values; the count must be a whole number of blocks. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * blockBytes;
    }
}
