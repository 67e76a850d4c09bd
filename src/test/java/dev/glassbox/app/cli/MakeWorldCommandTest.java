package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.knowledge.Cloze;
import dev.glassbox.engine.knowledge.KnowledgeBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeWorldCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAWorldThatReadsBackAndTheSameSeedRewritesIt() throws Exception {
        Path dir = tmp.resolve("world");
        CliRun run = CliRun.of("make-world", "--seed", "3", "--people", "20", "--out", dir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("92 facts in kb.tsv"), run.out());
        KnowledgeBase kb = KnowledgeBase.read(dir.resolve("kb.tsv"));
        assertEquals(20 * 4 + 12, kb.size());
        assertEquals(Files.readAllLines(dir.resolve("heldout.tsv")).size() - 1, Cloze.read(dir.resolve("heldout.tsv")).size());
        String text = Files.readString(dir.resolve("train.txt"));
        // a folder Glassbox wrote may be written again
        assertEquals(0, CliRun.of("make-world", "--seed", "3", "--people", "20", "--out", dir.toString()).code());
        assertEquals(text, Files.readString(dir.resolve("train.txt")));
    }

    @Test
    void refusesAFolderItDidNotWriteAndBadArguments() throws Exception {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        CliRun run = CliRun.of("make-world", "--out", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("holds files Glassbox did not write (notes.txt)"), run.err());
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
        assertEquals(1, Files.list(dir).count());
        CliRun people = CliRun.of("make-world", "--people", "0", "--out", tmp.resolve("w").toString());
        assertEquals("error: --people must be 1 to 240, not 0", people.err().strip());
        CliRun heldOut = CliRun.of("make-world", "--held-out", "1.5", "--out", tmp.resolve("w").toString());
        assertEquals("error: --held-out must be 0 to 1, not 1.5", heldOut.err().strip());
    }
}
