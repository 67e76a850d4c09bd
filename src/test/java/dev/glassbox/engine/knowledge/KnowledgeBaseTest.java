package dev.glassbox.engine.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.glassbox.engine.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeBaseTest {
    @TempDir
    Path tmp;

    private String error(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return assertThrows(FormatException.class, () -> KnowledgeBase.read(f)).getMessage();
    }

    @Test
    void readsTriplesAndRetrievesBySubject() throws IOException {
        Path f = tmp.resolve("kb.tsv");
        Files.writeString(f, "# people\nAlice Moreau\tlives_in\tLagos\n\nAlice Moreau\tworks_as\tbaker\r\nLagos\tlocated_in\tNigeria\n");
        KnowledgeBase kb = KnowledgeBase.read(f);
        assertEquals(3, kb.size());
        assertEquals(List.of(new Triple("Alice Moreau", "lives_in", "Lagos"), new Triple("Alice Moreau", "works_as", "baker")),
                kb.triplesOf("Alice Moreau"));
        assertEquals(List.of(), kb.triplesOf("Bob"));
        assertEquals(List.of("Alice Moreau", "Lagos"), List.copyOf(kb.subjects()));
        Files.writeString(f, kb.tsv());
        assertEquals(kb.triples(), KnowledgeBase.read(f).triples());
    }

    @Test
    void aBadLineNamesTheFileAndLine() throws IOException {
        assertEquals("bad.tsv: line 2: expected 3 tab-separated fields (subject, relation, object), found 2",
                error("bad.tsv", "a\tb\tc\na\tb\n"));
        assertEquals("empty.tsv: line 1: the relation of a triple is empty", error("empty.tsv", "a\t\tc\n"));
        assertEquals("none.tsv: no triples (expected lines of subject<TAB>relation<TAB>object)", error("none.tsv", "# x\n\n"));
        Path bin = tmp.resolve("bin.tsv");
        Files.write(bin, new byte[] {(byte) 0xff, 'a'});
        assertEquals("bin.tsv: not valid UTF-8 text", assertThrows(FormatException.class, () -> KnowledgeBase.read(bin)).getMessage());
        assertEquals("missing.tsv: no such knowledge-base file",
                assertThrows(FormatException.class, () -> KnowledgeBase.read(tmp.resolve("missing.tsv"))).getMessage());
    }

    @Test
    void clozeFilesRoundTripAndNameBadLines() throws IOException {
        List<Cloze> cs = List.of(new Cloze("Alice Moreau lives in [MASK].", "Lagos", "Alice Moreau", "lives_in"));
        Path f = tmp.resolve("heldout.tsv");
        Files.writeString(f, Cloze.tsv(cs));
        assertEquals(cs, Cloze.read(f));
        assertEquals("Alice Moreau lives in Lagos.", cs.get(0).filled());
        Files.writeString(f, "Alice lives in Lagos.\tLagos\tAlice\tlives_in\n");
        assertEquals("heldout.tsv: line 1: the cloze sentence 'Alice lives in Lagos.' has no [MASK]",
                assertThrows(FormatException.class, () -> Cloze.read(f)).getMessage());
    }
}
