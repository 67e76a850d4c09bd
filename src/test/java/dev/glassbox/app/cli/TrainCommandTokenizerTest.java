package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code glassbox train --text-file F --tokenizer bpe:N}. */
class TrainCommandTokenizerTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void learnsBpeFromTheTextAndSavesItsMerges(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "the cat sat on the mat. the dog sat on the log. ".repeat(40));
        Path dir = tmp.resolve("m");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "train", "--text-file", text.toString(), "--tokenizer", "bpe:30", "--layers", "1",
                "--heads", "2", "--dim", "16", "--seq", "16", "--batch", "2", "--steps", "2", "--eval-every", "2",
                "--threads", "1", "--out", dir.toString()), err.toString());
        assertTrue(out.toString().contains("vocab 30") && out.toString().contains("vocabulary 30 of the 30 asked"),
                out.toString());
        JsonNode model = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile()).get("model");
        assertEquals(30, model.get("vocab").size());
        assertTrue(model.get("merges").size() > 0 && model.get("merges").get(0).isArray());
    }

    @Test
    void bpeNeedsATextFile(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, "train", "--task", "copy", "--tokenizer", "bpe:40", "--layers", "1", "--heads", "1",
                "--dim", "8", "--out", tmp.resolve("x").toString()));
        assertTrue(err.toString().contains("--tokenizer bpe:N applies to --text-file"), err.toString());
    }
}
