package dev.glassbox.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where encoder training examples come from: an {@link EncoderCorpus} or a knowledge-injected corpus, each drawing
 * (and masking) its examples afresh each step ({@link #drawn}).
 */
public interface EncoderData {

    BertVocabulary vocabulary();

    /** The examples of training step {@code step}, a pure function of (seed, step). */
    List<EncoderExample> trainBatch(long seed, int step, int batch);

    /** A fixed held-out set. */
    List<EncoderExample> validation();

    /** Short description for logs and training.json. */
    String describe();

    /** Draws one training example with the given random source. */
    @FunctionalInterface
    interface Draw {
        EncoderExample next(Random r);
    }

    /**
     * Training examples drawn afresh each step by {@code draw}, from a random source seeded by (seed, step) so a step's
     * batch is a pure function of both; {@code validation} is used as given.
     */
    static EncoderData drawn(BertVocabulary vocabulary, List<EncoderExample> validation, String description, Draw draw) {
        List<EncoderExample> v = List.copyOf(validation);
        return new EncoderData() {
            @Override public BertVocabulary vocabulary() { return vocabulary; }

            @Override
            public List<EncoderExample> trainBatch(long seed, int step, int batch) {
                Random r = new Random(seed * 0x9E3779B97F4A7C15L + step);
                List<EncoderExample> out = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) out.add(draw.next(r));
                return out;
            }

            @Override public List<EncoderExample> validation() { return v; }

            @Override public String describe() { return description; }
        };
    }
}
