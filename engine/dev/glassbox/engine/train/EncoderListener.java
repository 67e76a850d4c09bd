package dev.glassbox.engine.train;

import java.util.List;

/**
 * Receives every finished encoder training step on the training thread (return quickly; hand anything slow to another
 * thread). {@code masked} shows the first example of the step's batch: its tokens and, per masked position, the
 * MLM head's top predictions (the generator's under RTD).
 */
@FunctionalInterface
public interface EncoderListener {
    EncoderListener NONE = (p, l, m) -> { };

    void step(TrainingProgress progress, EncoderModels.Loss loss, MaskedView masked);

    /** One example's input tokens and the predictions at its masked positions. */
    record MaskedView(List<String> tokens, List<Prediction> predictions) {
    }

    /**
     * A position that carries an MLM loss: what the input shows there ([MASK], a random token, or the original), the
     * original token, and the model's top candidates with their probabilities, best first.
     */
    record Prediction(int position, String shown, String original, List<String> candidates, float[] probabilities) {
    }

    /** The view of {@code p} (the MLM pass of {@code e}) with the {@code k} most probable tokens per position. */
    static MaskedView view(EncoderExample e, MlmHead.Pass p, BertVocabulary vocab, int k) {
        List<String> tokens = new java.util.ArrayList<>();
        for (int id : e.ids()) tokens.add(vocab.token(id));
        int v = vocab.size();
        List<Prediction> out = new java.util.ArrayList<>();
        for (int j = 0; j < p.rows().length; j++) {
            // ranked on the probabilities (monotone in the logits); the probabilities are read back as they are
            var top = dev.glassbox.engine.tensor.Softmax.topK(java.util.Arrays.copyOfRange(p.probabilities(), j * v,
                    (j + 1) * v), Math.min(k, v));
            List<String> cands = new java.util.ArrayList<>();
            float[] probs = new float[top.length];
            for (int i = 0; i < top.length; i++) {
                cands.add(vocab.token(top[i].token()));
                probs[i] = p.probabilities()[j * v + top[i].token()];
            }
            int row = p.rows()[j];
            out.add(new Prediction(row, vocab.token(e.ids()[row]), vocab.token(p.targets()[j]), List.copyOf(cands), probs));
        }
        return new MaskedView(List.copyOf(tokens), List.copyOf(out));
    }
}
