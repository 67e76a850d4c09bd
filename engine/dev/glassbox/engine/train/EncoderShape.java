package dev.glassbox.engine.train;

/**
 * The shape of a trainable BERT encoder (Devlin et al. 2019): post-LN blocks, exact-GELU MLP, learned absolute
 * positions and token types, biases everywhere; what {@link dev.glassbox.engine.model.BertModel} runs.
 *
 * @param maxPositions learned positions (max_position_embeddings)
 * @param typeVocab    token types (type_vocab_size; 2 for sentence pairs)
 */
public record EncoderShape(int vocab, int dim, int hidden, int layers, int heads, int maxPositions, int typeVocab,
                           float normEps) {
    /** BertConfig's layer_norm_eps. */
    public static final float BERT_EPS = 1e-12f;

    public EncoderShape {
        if (vocab < 2) throw new IllegalArgumentException("vocabulary size must be > 1, got " + vocab);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || maxPositions <= 0 || typeVocab <= 0) {
            throw new IllegalArgumentException("dim, hidden, layers, heads, positions and types must be positive");
        }
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " is not divisible by the head count " + heads);
        if (!(normEps > 0)) throw new IllegalArgumentException("norm eps must be positive, got " + normEps);
    }

    public int headDim() { return dim / heads; }

    /** The same shape with another vocabulary size (after special tokens are added). */
    public EncoderShape withVocab(int v) {
        return new EncoderShape(v, dim, hidden, layers, heads, maxPositions, typeVocab, normEps);
    }
}
