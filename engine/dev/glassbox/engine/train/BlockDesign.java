package dev.glassbox.engine.train;

/**
 * How each block is built beyond its sizes (normalisation, MLP, positions). The default is Llama's
 * (RMSNorm, SwiGLU, rotary positions).
 */
public record BlockDesign() {

    public static final BlockDesign LLAMA = new BlockDesign();
}
