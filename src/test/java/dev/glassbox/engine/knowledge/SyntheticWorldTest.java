package dev.glassbox.engine.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SyntheticWorldTest {
    @Test
    void theSameSeedMakesTheSameWorld() {
        SyntheticWorld.World a = SyntheticWorld.generate(7);
        SyntheticWorld.World b = SyntheticWorld.generate(7);
        assertEquals(a.kb().triples(), b.kb().triples());
        assertEquals(a.train(), b.train());
        assertEquals(a.heldOut(), b.heldOut());
        assertNotEquals(a.kb().triples(), SyntheticWorld.generate(8).kb().triples());
    }

    @Test
    void aFewHundredFactsAndHeldOutFactsNeverStated() {
        SyntheticWorld.World w = SyntheticWorld.generate(1);
        assertEquals(60 * 4 + 12, w.kb().size());
        assertTrue(w.heldOut().size() >= 5, "held out: " + w.heldOut().size());
        Set<String> train = new HashSet<>(w.train());
        Set<String> subjects = new HashSet<>();
        for (Cloze c : w.heldOut()) {
            assertTrue(subjects.add(c.subject()), "one held-out fact per person");
            assertTrue(w.kb().triples().contains(new Triple(c.subject(), c.relation(), c.answer())), "the KB knows " + c);
            SyntheticWorld.Relation rel = SyntheticWorld.relation(c.relation());
            for (int template = 0; template < 2; template++) {
                String stated = rel.state(template, c.subject(), c.answer());
                assertFalse(train.contains(stated), "stated in training: " + stated);
            }
            // no training sentence states this subject's fact of this relation with any object
            String prefix = rel.state(0, c.subject(), "\u0000").split("\u0000")[0];
            assertTrue(w.train().stream().noneMatch(s -> s.startsWith(prefix)), prefix);
            assertTrue(w.train().stream().anyMatch(s -> s.contains(c.subject())), "the text mentions " + c.subject());
            assertTrue(c.sentence().contains(c.subject()) && c.sentence().contains(Cloze.MASK));
        }
        // every other fact is stated twice, once per template
        assertEquals(2 * (w.kb().size() - w.heldOut().size()), w.train().size());
    }

    @Test
    void aWorldOfSomeRelationsStatesOnlyThose() {
        SyntheticWorld.World d = SyntheticWorld.generate(4, 30, 0.3);
        SyntheticWorld.World all = SyntheticWorld.generate(4, 30, 0.3, SyntheticWorld.relationNames());
        assertEquals(d.kb().triples(), all.kb().triples(), "all four relations make the default world");
        assertEquals(d.train(), all.train());
        assertEquals(d.heldOut(), all.heldOut());
        SyntheticWorld.World w = SyntheticWorld.generate(4, 30, 0.5, java.util.List.of("job"));
        assertEquals(30, w.kb().size(), "one fact per person, no city facts without home");
        assertTrue(w.kb().triples().stream().allMatch(t -> t.relation().equals("job")));
        assertFalse(w.heldOut().isEmpty());
        assertTrue(w.heldOut().stream().allMatch(c -> c.relation().equals("job")));
        assertEquals(2 * (30 - w.heldOut().size()), w.train().size(), "two sentences per stated fact");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SyntheticWorld.generate(4, 30, 0.5, java.util.List.of("salary")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SyntheticWorld.generate(4, 30, 0.5, java.util.List.of()));
    }
}
