package dev.glassbox.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.tensor.Parallel;

/**
 * Encoder pre-training learns from context: on held-out sentences, an MLM-trained tiny encoder predicts masked tokens
 * far better than the unigram baseline, and an RTD-trained discriminator beats answering "original" everywhere. The
 * text makes context decisive and cheap to learn: each sentence repeats one of 20 words five times, so a masked word
 * is known only from its sentence (a sentence fills one [CLS] ... [SEP] row of 8 tokens).
 */
class EncoderTrainingTest {
    private static final String[] WORDS = ("red blue green cat dog bird sun moon tree lake hill road ship star fish "
            + "rock leaf rain snow wind").split(" ");

    static String repeatedWords(long seed, int documents) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < documents; d++) {
            for (int s = 0; s < 4; s++) {
                String w = WORDS[r.nextInt(WORDS.length)];
                for (int k = 0; k < 5; k++) sb.append(w).append(' ');
                sb.append(". ");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static EncoderTrainer.Result train(EncoderObjective objective, EncoderData data, int steps, float lr, long seed)
            throws Exception {
        EncoderShape shape = new EncoderShape(data.vocabulary().size(), 16, 32, 1, 2, 8, 2, EncoderShape.BERT_EPS);
        EncoderTrainer.Options o = EncoderTrainer.Options.of(objective, shape, data, steps, 16, lr, seed);
        try (Parallel par = new Parallel(2)) {
            return new EncoderTrainer(o, par, line -> { }).run();
        }
    }

    @Test
    void mlmAccuracyOnHeldOutTextIsWellAboveTheUnigramBaseline() throws Exception {
        EncoderData data = EncoderCorpus.of(repeatedWords(5, 150), 100, "repeated words").data(EncoderObjective.MLM, 8);
        // unigram baseline: always the most frequent masked token of the training batches, scored on the held-out set
        int[] counts = new int[data.vocabulary().size()];
        for (int step = 0; step < 50; step++) {
            for (EncoderExample e : data.trainBatch(3, step, 16)) {
                for (int i = 0; i < e.length(); i++) if (e.label(i) >= 0) counts[e.label(i)]++;
            }
        }
        int top = 0;
        for (int v = 0; v < counts.length; v++) if (counts[v] > counts[top]) top = v;
        int hit = 0, total = 0;
        for (EncoderExample e : data.validation()) {
            for (int i = 0; i < e.length(); i++) {
                if (e.label(i) >= 0) {
                    total++;
                    if (e.label(i) == top) hit++;
                }
            }
        }
        double unigram = (double) hit / total;
        EncoderTrainer.Result r = train(EncoderObjective.MLM, data, 150, 1e-2f, 4);
        double accuracy = r.validation().mlmAccuracy();
        assertEquals(total, r.validation().mlmCount());
        assertTrue(accuracy > 2 * unigram && accuracy > unigram + 0.2,
                "MLM accuracy " + accuracy + " vs unigram " + unigram);
    }

    @Test
    void rtdDiscriminatorBeatsAlwaysOriginal() throws Exception {
        EncoderData data = EncoderCorpus.of(repeatedWords(6, 150), 100, "repeated words").data(EncoderObjective.RTD, 8);
        EncoderTrainer.Result r = train(EncoderObjective.RTD, data, 80, 1e-2f, 3);
        EncoderModels.Loss v = r.validation();
        assertTrue(v.rtdBaseline() < 0.95, "tokens were replaced: all-original scores " + v.rtdBaseline());
        assertTrue(v.rtdAccuracy() > v.rtdBaseline() + 0.01, "RTD accuracy " + v.rtdAccuracy() + " vs all-original "
                + v.rtdBaseline());
    }

    @Test
    void maskingFollowsBertsRates() {
        BertVocabulary vocab = BertVocabulary.of(repeatedWords(1, 20), 100);
        int n = 20000;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 5 + i % (vocab.size() - 5);
        EncoderExample m = MlmMasking.mask(EncoderExample.of(ids), vocab, new Random(1));
        int chosen = 0, masked = 0, kept = 0;
        for (int i = 0; i < n; i++) {
            if (m.label(i) < 0) {
                assertEquals(ids[i], m.ids()[i], "an unchosen token is unchanged");
                continue;
            }
            chosen++;
            assertEquals(ids[i], m.label(i));
            if (m.ids()[i] == vocab.mask()) masked++;
            else if (m.ids()[i] == ids[i]) kept++;
        }
        assertEquals(0.15, (double) chosen / n, 0.01);
        assertEquals(0.8, (double) masked / chosen, 0.03);
        assertEquals(0.1, (double) kept / chosen, 0.03, "kept (a random draw may also hit the original)");
    }

    @Test
    void specialTokensAreNeverMaskedAndKeepEarlierIds() {
        BertVocabulary base = BertVocabulary.of(repeatedWords(1, 20), 100);
        BertVocabulary kb = base.withSpecialTokens("[KB]", "[/KB]");
        assertEquals(base.size() + 2, kb.size());
        assertEquals(base.id("cat"), kb.id("cat"));
        int open = kb.id("[KB]");
        assertTrue(kb.isSpecial(open));
        assertEquals(List.of(open), java.util.Arrays.stream(kb.encode("[KB]")).boxed().toList(), "kept whole in text");
        EncoderExample e = MlmMasking.mask(EncoderExample.of(new int[] {kb.cls(), open, kb.sep()}), kb, new Random(2));
        assertEquals(-1, e.label(1));
        assertThrows(IllegalArgumentException.class, () -> kb.withSpecialTokens("[KB]"));
    }
}
