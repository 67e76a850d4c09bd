package dev.glassbox.engine.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.glassbox.engine.knowledge.InjectedInput.Role;
import org.junit.jupiter.api.Test;

/** Enhanced inputs on K-BERT's own example (Liu et al. 2020, fig. 3-4), built by hand. */
class KnowledgeInjectionTest {
    private static final Map<String, Integer> VOCAB = new LinkedHashMap<>();

    static {
        for (String w : "[PAD] [CLS] [SEP] [KB] [/KB] Tim Cook is visiting Beijing now ceo_of Apple born_in Alabama"
                .split(" ")) {
            VOCAB.put(w, VOCAB.size());
        }
    }

    private static int[] ids(String text) {
        return Arrays.stream(text.split(" ")).mapToInt(VOCAB::get).toArray();
    }

    private static final InjectionTokens TOKENS = new InjectionTokens(KnowledgeInjectionTest::ids, 1, 2, 3, 4);
    private static final KnowledgeBase KB = KnowledgeBase.of(List.of(
            new Triple("Tim Cook", "ceo_of", "Apple"),
            new Triple("Tim Cook", "born_in", "Alabama"),
            new Triple("Tim", "ceo_of", "Beijing")));
    private static final String SENTENCE = "Tim Cook is visiting Beijing now";

    private static String words(int[] ids) {
        List<String> names = new ArrayList<>(VOCAB.keySet());
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(names.get(id));
        return String.join(" ", out);
    }

    @Test
    void theLongestSubjectNameWinsAndMentionsDoNotOverlap() {
        MentionFinder f = new MentionFinder(KB, KnowledgeInjectionTest::ids);
        assertEquals(List.of(new Mention(0, 2, "Tim Cook")), f.find(ids(SENTENCE)));
        assertEquals(List.of(new Mention(1, 2, "Tim"), new Mention(3, 5, "Tim Cook")), f.find(ids("is Tim now Tim Cook")));
        assertEquals(List.of(), f.find(ids("is visiting Beijing")));
    }

    @Test
    void kBertInsertsBranchesAfterTheEntityWithSoftPositions() {
        InjectedInput in = new KnowledgeInjector(KB, TOKENS, new Injection.KBert()).inject(SENTENCE, 32);
        assertEquals("[CLS] Tim Cook ceo_of Apple born_in Alabama is visiting Beijing now [SEP]", words(in.ids()));
        // each branch goes on from the entity's last position (2); the sentence keeps its own positions
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 3, 4, 3, 4, 5, 6, 7}, in.positions());
        assertArrayEquals(new int[12], in.types());
        assertArrayEquals(new int[] {-1, 0, 1, -1, -1, -1, -1, 2, 3, 4, 5, -1}, in.sentenceIndex());
        assertArrayEquals(new int[] {-1, -1, -1, 0, 0, 1, 1, -1, -1, -1, -1, -1}, in.triple());
        assertEquals(List.of(Role.SPECIAL, Role.ENTITY, Role.ENTITY, Role.KNOWLEDGE, Role.KNOWLEDGE, Role.KNOWLEDGE,
                Role.KNOWLEDGE, Role.SENTENCE, Role.SENTENCE, Role.SENTENCE, Role.SENTENCE, Role.SPECIAL), List.of(in.roles()));
    }

    @Test
    void kBertsVisibleMatrixShowsABranchOnlyToItsEntity() {
        InjectedInput in = new KnowledgeInjector(KB, TOKENS, new Injection.KBert()).inject(SENTENCE, 32);
        String[] expected = {
            // CLS Tim Cook ceo Apple born Alab is visit Beij now SEP
            "1 1 1 0 0 0 0 1 1 1 1 1", // [CLS]
            "1 1 1 1 1 1 1 1 1 1 1 1", // Tim (entity: sees the trunk and both branches)
            "1 1 1 1 1 1 1 1 1 1 1 1", // Cook
            "0 1 1 1 1 0 0 0 0 0 0 0", // ceo_of (its entity and its own branch)
            "0 1 1 1 1 0 0 0 0 0 0 0", // Apple
            "0 1 1 0 0 1 1 0 0 0 0 0", // born_in
            "0 1 1 0 0 1 1 0 0 0 0 0", // Alabama
            "1 1 1 0 0 0 0 1 1 1 1 1", // is
            "1 1 1 0 0 0 0 1 1 1 1 1", // visiting
            "1 1 1 0 0 0 0 1 1 1 1 1", // Beijing
            "1 1 1 0 0 0 0 1 1 1 1 1", // now
            "1 1 1 0 0 0 0 1 1 1 1 1", // [SEP]
        };
        for (int i = 0; i < in.length(); i++) {
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < in.length(); j++) row.append(j == 0 ? "" : " ").append(in.sees(i, j) ? 1 : 0);
            assertEquals(expected[i], row.toString(), "row " + i);
        }
    }

    @Test
    void appendLinearisesEachTripleAfterTheSentenceAsASecondSegment() {
        InjectedInput in = new KnowledgeInjector(KB, TOKENS, new Injection.Append()).inject(SENTENCE, 32);
        assertEquals("[CLS] Tim Cook is visiting Beijing now [SEP] [KB] Tim Cook ceo_of Apple [/KB] [KB] Tim Cook born_in"
                + " Alabama [/KB] [SEP]", words(in.ids()));
        int n = in.length();
        for (int i = 0; i < n; i++) assertEquals(i, in.positions()[i]);
        for (int i = 0; i < n; i++) assertEquals(i < 8 ? 0 : 1, in.types()[i], "type of token " + i);
        assertNull(in.visible());
        assertTrue(in.sees(1, n - 2) && in.sees(n - 2, 4));
        assertEquals(2, in.triples().size());
        assertEquals(Role.KNOWLEDGE, in.roles()[8]);
        assertEquals(Role.ENTITY, in.roles()[1]);
        assertEquals(4, in.indexOfSentenceToken(3));
    }

    @Test
    void triplesThatDoNotFitAreLeftOutWhole() {
        // 8 tokens of sentence, 6 per appended triple, the closing [SEP]: 15 fits one triple, not two
        InjectedInput append = new KnowledgeInjector(KB, TOKENS, new Injection.Append()).inject(SENTENCE, 15);
        assertEquals(15, append.length());
        assertEquals(List.of(KB.triples().get(0)), append.triples());
        InjectedInput kbert = new KnowledgeInjector(KB, TOKENS, new Injection.KBert()).inject(SENTENCE, 11);
        assertEquals(10, kbert.length());
        assertEquals(1, kbert.triples().size());
        assertFalse(kbert.sees(7, 3));
        assertThrows(IllegalArgumentException.class, () -> new KnowledgeInjector(KB, TOKENS, new Injection.None()).inject(SENTENCE, 7));
    }

    @Test
    void noInjectionIsThePlainSentence() {
        InjectedInput in = new KnowledgeInjector(KB, TOKENS, new Injection.None()).inject(SENTENCE, 32);
        assertEquals("[CLS] Tim Cook is visiting Beijing now [SEP]", words(in.ids()));
        assertEquals(List.of(), in.triples());
        assertEquals("unknown injection 'tree' (use append or kbert)",
                assertThrows(IllegalArgumentException.class, () -> Injection.parse("tree")).getMessage());
        assertEquals("kbert", Injection.parse("K-BERT").id());
    }
}
