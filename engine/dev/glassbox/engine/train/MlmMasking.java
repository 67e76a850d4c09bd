package dev.glassbox.engine.train;

import java.util.Random;

/**
 * BERT's masking (Devlin et al. 2019, sec. 3.1, "Task #1: Masked LM"): each non-special token is chosen with
 * probability 15 % (at least one per example); a chosen token becomes [MASK] 80 % of the time, a random token 10 %
 * (drawn from the non-special vocabulary) and stays itself 10 %. The chosen positions carry the original id as label.
 */
public final class MlmMasking {
    public static final double CHOOSE = 0.15, TO_MASK = 0.8, TO_RANDOM = 0.1;

    private MlmMasking() {
    }

    /** Token ids after masking and their MLM labels ({@link EncoderExample#NO_LABEL} where not chosen). */
    public record Masked(int[] ids, int[] labels) {
    }

    /** {@code e} with its tokens masked and MLM labels set (types, positions, visibility kept). */
    public static EncoderExample mask(EncoderExample e, BertVocabulary vocab, Random r) {
        Masked m = mask(e.ids(), vocab, r);
        return e.withMasking(m.ids(), m.labels());
    }

    /** {@code tokens} masked (the array is not changed): the chosen positions and what they became. */
    public static Masked mask(int[] tokens, BertVocabulary vocab, Random r) {
        int n = tokens.length;
        int[] ids = tokens.clone();
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, EncoderExample.NO_LABEL);
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            if (!vocab.isSpecial(ids[i])) candidates++;
        }
        if (candidates == 0) return new Masked(ids, labels);
        int chosen = 0;
        for (int i = 0; i < n; i++) {
            if (!vocab.isSpecial(ids[i]) && r.nextDouble() < CHOOSE) {
                choose(ids, labels, i, vocab, r);
                chosen++;
            }
        }
        if (chosen == 0) {
            int k = r.nextInt(candidates);
            for (int i = 0; i < n; i++) {
                if (!vocab.isSpecial(ids[i]) && k-- == 0) {
                    choose(ids, labels, i, vocab, r);
                    break;
                }
            }
        }
        return new Masked(ids, labels);
    }

    private static void choose(int[] ids, int[] labels, int i, BertVocabulary vocab, Random r) {
        labels[i] = ids[i];
        double u = r.nextDouble();
        if (u < TO_MASK) {
            ids[i] = vocab.mask();
        } else if (u < TO_MASK + TO_RANDOM) {
            ids[i] = randomToken(vocab, r);
        }
    }

    /** A uniformly drawn non-special token. */
    static int randomToken(BertVocabulary vocab, Random r) {
        while (true) {
            int id = r.nextInt(vocab.size());
            if (!vocab.isSpecial(id)) return id;
        }
    }
}
