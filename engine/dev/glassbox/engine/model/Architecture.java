package dev.glassbox.engine.model;

/** Model families the engine runs. */
public enum Architecture {
    /** Llama 2 style decoder: RMSNorm, rotary positions, SwiGLU, optional grouped-query attention. */
    LLAMA(true),
    /** Llama plus q/k/v biases (Qwen2). */
    QWEN2(true),
    /** GPT-2: pre-LayerNorm, learned positions, gelu_new MLP, biases everywhere. */
    GPT2(true),
    /** BERT encoder: post-LayerNorm, bidirectional attention, token types, exact GELU. */
    BERT(false),
    /** Encoder-decoder (Vaswani et al. 2017) of Llama-style blocks with cross-attention: {@link Seq2SeqModel}. */
    SEQ2SEQ(false);

    private final boolean decoder;

    Architecture(boolean decoder) {
        this.decoder = decoder;
    }

    public boolean isDecoder() { return decoder; }
}
