package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code train --encoder-layers} and {@code generate} on an encoder-decoder. */
class Seq2SeqCommandsTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void trainsAnEncoderDecoderAndSavesItsCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("rev");
        CliRun r = run("train", "--task", "reverse", "--encoder-layers", "1", "--layers", "1", "--heads", "2", "--dim", "16",
                "--batch", "4", "--steps", "4", "--eval-every", "2", "--threads", "1", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("encoder 1 + decoder 1 layers") && r.out().contains("step     2/4")
                && r.out().contains("exact match"), r.out());
        JsonNode c = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("glassbox-seq2seq", c.get("model_type").asText());
        assertTrue(Files.readString(dir.resolve("training.json")).contains("--encoder-layers 1"));
        CliRun g = run("generate", "--model", dir.toString(), "--prompt", "abc", "--steps", "3", "--json");
        assertEquals(0, g.code(), g.err());
        JsonNode o = new ObjectMapper().readTree(g.out());
        assertTrue(o.get("token_ids").size() <= 3, g.out());
    }

    @Test
    void theSampleModelReversesItsPrompt() {
        CliRun r = run("generate", "--model", "sample-models/reverse-seq2seq", "--prompt", "hello");
        assertEquals(0, r.code(), r.err());
        assertEquals("olleh", r.out().strip());
        assertTrue(r.err().contains("stopped: end_of_sequence"), r.err());
    }

    @Test
    void optionsTheEncoderDecoderDoesNotHaveAreRefused(@TempDir Path tmp) {
        String out = tmp.resolve("x").toString();
        CliRun text = run("train", "--text-file", "README.md", "--encoder-layers", "1", "--layers", "1", "--heads", "1",
                "--dim", "8", "--out", out);
        assertEquals(2, text.code());
        assertTrue(text.err().startsWith("error: --encoder-layers trains on --task copy, reverse or sort"), text.err());
        CliRun stories = run("train", "--task", "stories", "--encoder-layers", "1", "--layers", "1", "--heads", "1",
                "--dim", "8", "--out", out);
        assertTrue(stories.err().startsWith("error: the encoder-decoder trains on copy, reverse or sort, not stories"),
                stories.err());
        CliRun untied = run("train", "--task", "sort", "--encoder-layers", "1", "--untied", "--layers", "1", "--heads", "1",
                "--dim", "8", "--out", out);
        assertTrue(untied.err().startsWith("error: --untied is not available for the encoder-decoder"), untied.err());
    }
}
