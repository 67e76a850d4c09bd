package dev.glassbox.engine.train;

/**
 * Sizes of an encoder-decoder transformer (Vaswani et al. 2017, sec. 3.1) built from Llama-style blocks.
 * One embedding table is shared by the encoder input, the decoder input and the output projection (as the
 * paper's sec. 3.4 shares them).
 *
 * @param hidden    SwiGLU width of every block's MLP
 * @param maxSource longest source (encoder) sequence, BOS and end marker included
 * @param maxTarget longest decoder input, the start token included
 */
public record Seq2SeqShape(int vocab, int dim, int hidden, int encoderLayers, int decoderLayers, int heads,
                           int maxSource, int maxTarget, float normEps, float ropeTheta) {

    public Seq2SeqShape {
        require(vocab > 1, "vocabulary size must be > 1, got " + vocab);
        require(dim > 0 && hidden > 0 && heads > 0, "dim, hidden size and heads must be positive");
        require(encoderLayers >= 1 && encoderLayers <= 64, "encoder layers must be in 1..64, got " + encoderLayers);
        require(decoderLayers >= 1 && decoderLayers <= 64, "decoder layers must be in 1..64, got " + decoderLayers);
        require(dim % heads == 0, "dim " + dim + " is not divisible by the head count " + heads);
        require((dim / heads) % 2 == 0, "head dim " + dim / heads + " must be even for rotary embedding");
        require(maxSource >= 2 && maxTarget >= 2, "source and target lengths must be >= 2, got "
                + maxSource + " and " + maxTarget);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public int headDim() { return dim / heads; }
}
