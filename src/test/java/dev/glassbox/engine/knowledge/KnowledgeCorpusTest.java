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
import dev.glassbox.engine.train.MlmMasking;
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

    /** A training sentence naming a person and a city (both subjects of the KB), as "P Q lives in City." states it. */
    private static String personAndCity() {
        return WORLD.train().stream().filter(s -> s.contains(" lives in ")).findFirst().orElseThrow();
    }

    @Test
    void aMaskedEntityGetsNoTripleAndTheLabelsStayOnTheSentence() throws Exception {
        String sentence = personAndCity();
        String city = sentence.substring(sentence.indexOf(" lives in ") + " lives in ".length()).replace(".", "").strip();
        String person = sentence.substring(0, sentence.indexOf(" lives in "));
        for (Injection injection : List.of(new Injection.Append(), new Injection.KBert())) {
            KnowledgeCorpus c = corpus(injection);
            BertVocabulary v = c.vocabulary();
            int[] ids = v.encode(sentence);
            int cityId = v.encode(city)[0];
            int at = java.util.stream.IntStream.range(0, ids.length).filter(k -> ids[k] == cityId).findFirst().orElseThrow();
            // unmasked, the city's own triple (city country X) is injected
            assertTrue(c.injector().inject(ids, 48).triples().stream().anyMatch(t -> t.subject().equals(city)), injection.id());
            int[] masked = ids.clone();
            masked[at] = v.mask();
            int[] labels = new int[ids.length];
            Arrays.fill(labels, EncoderExample.NO_LABEL);
            labels[at] = cityId;
            InjectedInput in = c.injector().inject(masked, 48);
            EncoderExample e = c.inject(new MlmMasking.Masked(masked, labels), new java.util.Random(1));
            String what = injection.id() + ": " + sentence;
            // masked, the city is not recognised: no triple of its own, while the person's triples (the cloze's
            // situation: the object masked, the subject's knowledge present) still come in
            assertTrue(in.triples().stream().noneMatch(t -> t.subject().equals(city)), what);
            assertTrue(in.triples().stream().anyMatch(t -> t.subject().equals(person)), what);
            int i = in.indexOfSentenceToken(at);
            assertEquals(cityId, e.label(i), what);
            assertEquals(v.mask(), e.ids()[i], what);
            // the sentence's other tokens as they were, unlabelled; the injected ones masked in their turn (at least one)
            int knowledgeLabels = 0;
            for (int k = 0; k < in.length(); k++) {
                if (in.roles()[k] == InjectedInput.Role.KNOWLEDGE) {
                    if (e.label(k) != EncoderExample.NO_LABEL) {
                        knowledgeLabels++;
                        assertEquals(in.ids()[k], e.label(k), what);
                    } else {
                        assertEquals(in.ids()[k], e.ids()[k], what);
                    }
                } else if (k != i) {
                    assertEquals(EncoderExample.NO_LABEL, e.label(k), what);
                    assertEquals(in.ids()[k], e.ids()[k], what);
                }
            }
            assertTrue(knowledgeLabels >= 1, what);
            if (injection instanceof Injection.KBert) {
                // soft positions: the sentence keeps its own (1 + index), the [MASK] sees no branch and no branch sees it
                int n = e.length();
                for (int k = 0; k < n; k++) {
                    if (in.sentenceIndex()[k] >= 0) assertEquals(1 + in.sentenceIndex()[k], e.position(k), what);
                    if (in.roles()[k] == InjectedInput.Role.KNOWLEDGE) {
                        assertFalse(e.visible()[i * n + k] || e.visible()[k * n + i], what);
                        assertTrue(e.position(k) > 1, what);
                    }
                }
                assertArrayEquals(in.positions(), e.positions(), what);
            } else {
                assertNull(e.visible(), what);
                for (int k = 0; k < e.length(); k++) assertEquals(k, e.position(k), what);
            }
        }
    }

    @Test
    void trainingExamplesAreMaskedBeforeTheyAreInjected() throws Exception {
        KnowledgeCorpus c = corpus(new Injection.Append());
        BertVocabulary v = c.vocabulary();
        int kbOpen = v.id(InjectionTokens.KB_OPEN);
        java.util.Set<Integer> subjects = new java.util.HashSet<>();
        for (String s : WORLD.kb().subjects()) if (v.encode(s).length == 1) subjects.add(v.encode(s)[0]);
        assertFalse(subjects.isEmpty(), "the cities are one-token subjects");
        int maskedSubjects = 0;
        for (EncoderExample e : c.data().trainBatch(11, 0, 200)) {
            int sep = Arrays.stream(e.ids()).boxed().toList().indexOf(v.sep());
            for (int i = 0; i < e.length(); i++) {
                if (e.label(i) == EncoderExample.NO_LABEL) continue;
                assertFalse(v.isSpecial(e.label(i)), "no label on [CLS], [SEP], [KB] or [/KB]");
                if (i > sep || e.ids()[i] != v.mask() || !subjects.contains(e.label(i))) continue;
                maskedSubjects++;
                for (int k = sep; k + 1 < e.length(); k++) {
                    assertFalse(e.ids()[k] == kbOpen && e.ids()[k + 1] == e.label(i), "a masked city brought its own triple");
                }
            }
        }
        assertTrue(maskedSubjects > 0, "some batch masked a city");
    }
}
