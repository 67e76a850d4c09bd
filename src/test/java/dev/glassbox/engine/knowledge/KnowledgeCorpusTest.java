package dev.glassbox.engine.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import dev.glassbox.engine.train.BertVocabulary;
import dev.glassbox.engine.train.EncoderExample;
import org.junit.jupiter.api.Test;

/** MLM examples and held-out cloze examples built from a synthetic world, with and without injection. */
class KnowledgeCorpusTest {
    private static final SyntheticWorld.World WORLD = SyntheticWorld.generate(4, 16, 0.5);

    private static KnowledgeCorpus corpus(Injection injection) throws Exception {
        return KnowledgeCorpus.of(WORLD.train(), WORLD.kb(), injection, 48, 1000, "world");
    }

    @Test
    void everyNameAndObjectIsOneTokenAndTheBracketsAreSpecial() throws Exception {
        BertVocabulary v = corpus(new Injection.Append()).vocabulary();
        for (Triple t : WORLD.kb().triples()) {
            assertEquals(1, v.encode(t.object()).length, t.object());
            assertEquals(1, v.encode(t.relation()).length, t.relation());
        }
        assertTrue(v.isSpecial(v.id(InjectionTokens.KB_OPEN)) && v.isSpecial(v.id(InjectionTokens.KB_CLOSE)));
        // one vocabulary whatever the injection, so runs with and without differ only in their inputs
        assertEquals(v.tokens(), corpus(new Injection.None()).vocabulary().tokens());
    }

    @Test
    void aClozeIsLabelledOnlyAtItsMaskAndOnlyInjectionPutsTheHeldOutObjectInTheInput() throws Exception {
        for (Injection injection : List.of(new Injection.None(), new Injection.Append(), new Injection.KBert())) {
            KnowledgeCorpus c = corpus(injection);
            BertVocabulary v = c.vocabulary();
            List<EncoderExample> examples = c.clozeExamples(WORLD.heldOut());
            assertEquals(WORLD.heldOut().size(), examples.size());
            for (int i = 0; i < examples.size(); i++) {
                EncoderExample e = examples.get(i);
                int answer = v.encode(WORLD.heldOut().get(i).answer())[0];
                assertEquals(1, e.labelled());
                int at = java.util.stream.IntStream.range(0, e.length()).filter(k -> e.label(k) != EncoderExample.NO_LABEL).findFirst().orElseThrow();
                assertEquals(v.mask(), e.ids()[at]);
                assertEquals(answer, e.label(at));
                boolean inInput = Arrays.stream(e.ids()).anyMatch(id -> id == answer);
                assertEquals(!(injection instanceof Injection.None), inInput, injection.id() + ": " + WORLD.heldOut().get(i));
                assertEquals(injection instanceof Injection.KBert, e.visible() != null);
            }
        }
    }

    @Test
    void trainingBatchesAreMaskedAfreshAndRepeatable() throws Exception {
        var data = corpus(new Injection.KBert()).data();
        List<EncoderExample> a = data.trainBatch(7, 3, 4);
        List<EncoderExample> b = data.trainBatch(7, 3, 4);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).ids(), b.get(i).ids());
            assertTrue(a.get(i).labelled() >= 1);
            assertNotNull(a.get(i).visible());
            assertNotNull(a.get(i).positions());
        }
        assertFalse(data.validation().isEmpty());
        assertNull(corpus(new Injection.Append()).data().trainBatch(7, 3, 1).get(0).visible());
    }

    @Test
    void theFactScoreIsTheMeanOfEachFactsScore() throws Exception {
        SyntheticWorld.World w = SyntheticWorld.generate(5, 12, 1.0);
        KnowledgeCorpus corpus = KnowledgeCorpus.of(w.train(), w.kb(), new Injection.Append(), 48, 1000, "world");
        var data = corpus.data();
        var shape = new dev.glassbox.engine.train.EncoderShape(data.vocabulary().size(), 16, 32, 1, 2, 48, 2,
                dev.glassbox.engine.train.EncoderShape.BERT_EPS);
        var o = dev.glassbox.engine.train.EncoderTrainer.Options.of(dev.glassbox.engine.train.EncoderObjective.MLM, shape,
                data, 3, 4, 1e-2f, 1);
        var models = new dev.glassbox.engine.train.EncoderTrainer(o, dev.glassbox.engine.tensor.Parallel.SERIAL, s -> { })
                .run().models();
        List<EncoderExample> clozes = corpus.clozeExamples(w.heldOut());
        KnowledgeCorpus.FactScore all = KnowledgeCorpus.factScore(models, clozes);
        assertEquals(clozes.size(), all.facts());
        double acc = 0, logp = 0, rank = 0;
        for (EncoderExample c : clozes) {
            KnowledgeCorpus.FactScore one = KnowledgeCorpus.factScore(models, List.of(c));
            assertEquals(one.rank() == 1, one.accuracy() == 1, "right exactly when the object ranks first");
            assertTrue(one.rank() >= 1 && one.rank() <= data.vocabulary().size());
            assertTrue(one.logProbability() < 0 && one.logProbability() >= Math.log(1e-30));
            acc += one.accuracy();
            logp += one.logProbability();
            rank += one.rank();
        }
        assertEquals(acc / clozes.size(), all.accuracy(), 1e-12);
        assertEquals(logp / clozes.size(), all.logProbability(), 1e-6);
        assertEquals(rank / clozes.size(), all.rank(), 1e-12);
        assertEquals(all.accuracy(), corpus.factAccuracy(models, w.heldOut()), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KnowledgeCorpus.factScore(models, List.of()));
    }
}
