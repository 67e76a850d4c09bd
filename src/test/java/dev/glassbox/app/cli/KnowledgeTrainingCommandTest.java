package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.glassbox.engine.knowledge.KnowledgeBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --objective mlm --knowledge: the checkpoint carries its knowledge, fact accuracy is reported, bad uses refused. */
class KnowledgeTrainingCommandTest {
    @TempDir
    static Path tmp;
    static Path world;

    @BeforeAll
    static void makeWorld() {
        world = tmp.resolve("world");
        assertEquals(0, CliRun.of("make-world", "--seed", "2", "--people", "8", "--held-out", "0.5", "--out", world.toString()).code());
    }

    private static String[] train(Path out, String injection) {
        return train(out, "mlm", injection);
    }

    private static String[] train(Path out, String objective, String injection) {
        return new String[] {"train", "--objective", objective, "--text-file", world.resolve("train.txt").toString(),
            "--knowledge", world.resolve("kb.tsv").toString(), "--held-out", world.resolve("heldout.tsv").toString(),
            "--injection", injection, "--layers", "1", "--heads", "2", "--dim", "16", "--seq", "48", "--batch", "2",
            "--steps", "2", "--threads", "1", "--out", out.toString()};
    }

    @Test
    void aKBertCheckpointCarriesItsKnowledgeAndReportsFactAccuracy() throws Exception {
        Path out = tmp.resolve("kbert");
        CliRun run = CliRun.of(train(out, "kbert"));
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("fact accuracy: ") && run.out().contains("(injection kbert)"), run.out());
        assertEquals(KnowledgeBase.read(world.resolve("kb.tsv")).triples(), KnowledgeBase.read(out.resolve("knowledge.tsv")).triples());
        String meta = Files.readString(out.resolve("knowledge.json"));
        assertTrue(meta.contains("\"injection\" : \"kbert\"") && meta.contains("\"fact_accuracy\""), meta);
        assertTrue(Files.readString(out.resolve("tokenizer.json")).contains("[/KB]"));
        // written by Glassbox, so the same command may write it again
        assertEquals(0, CliRun.of(train(out, "kbert")).code());
    }

    @Test
    void knowledgeOptionsOutsideTheirPlaceAreOneLineErrors() {
        assertEquals("error: unknown injection 'tree' (use append or kbert)", CliRun.of(train(tmp.resolve("a"), "tree")).err().strip());
        assertEquals("error: --knowledge trains with --objective mlm (ROOTS sec. 3.2), not rtd",
                CliRun.of(train(tmp.resolve("b"), "rtd", "append")).err().strip());
        CliRun noKb = CliRun.of("train", "--objective", "mlm", "--text-file", world.resolve("train.txt").toString(),
                "--injection", "kbert", "--layers", "1", "--heads", "2", "--dim", "16", "--out", tmp.resolve("c").toString());
        assertEquals("error: --injection needs --knowledge", noKb.err().strip());
        CliRun causal = CliRun.of("train", "--task", "sort", "--knowledge", world.resolve("kb.tsv").toString(), "--layers", "1",
                "--heads", "2", "--dim", "16", "--out", tmp.resolve("d").toString());
        assertEquals("error: --knowledge applies to --objective mlm, nsp or rtd only", causal.err().strip());
    }
}
