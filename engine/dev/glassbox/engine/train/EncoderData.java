package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where encoder training examples come from: a {@link EncoderCorpus} (masked afresh each step) or a list of examples
 * built elsewhere and used as given (a knowledge-injected corpus, say: {@link #fixed}).
 */
public interface EncoderData {

    BertVocabulary vocabulary();

    /** The examples of training step {@code step}, a pure function of (seed, step). */
    List<EncoderExample> trainBatch(long seed, int step, int batch);

    /** A fixed held-out set. */
    List<EncoderExample> validation();

    /** Short description for logs and training.json. */
    String describe();

    /**
     * Examples used exactly as given (ids, types, positions, visible matrix, labels): step s takes the {@code batch}
     * examples from index s * batch on, wrapping around.
     */
    static EncoderData fixed(BertVocabulary vocabulary, List<EncoderExample> train, List<EncoderExample> valid,
                             String description) {
        if (train.isEmpty() || valid.isEmpty()) {
            throw new IllegalArgumentException("encoder data needs training and validation examples");
        }
        List<EncoderExample> t = List.copyOf(train);
        List<EncoderExample> v = List.copyOf(valid);
        return new EncoderData() {
            @Override public BertVocabulary vocabulary() { return vocabulary; }

            @Override
            public List<EncoderExample> trainBatch(long seed, int step, int batch) {
                List<EncoderExample> out = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) out.add(t.get((int) (((long) step * batch + i) % t.size())));
                return out;
            }

            @Override public List<EncoderExample> validation() { return v; }

            @Override public String describe() { return description; }
        };
    }
}
