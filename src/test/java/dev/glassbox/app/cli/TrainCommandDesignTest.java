package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block design options of {@code glassbox train}: --gpt2, --norm, --mlp, --positions. */
class TrainCommandDesignTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String[] train(Path dir, String... extra) {
        String[] base = {"train", "--task", "copy", "--layers", "1", "--heads", "2", "--dim", "16", "--seq", "16",
                "--batch", "2", "--steps", "2", "--eval-every", "2", "--threads", "1", "--out", dir.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void gpt2ShortcutSavesAGpt2Checkpoint(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("g");
        assertEquals(0, run(out, err, train(dir, "--gpt2")), err.toString());
        assertTrue(out.toString().contains("layer norm, gelu mlp, learned positions, attention biases"), out.toString());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"model_type\" : \"gpt2\""));
    }

    @Test
    void theSameDesignSpelledOutEqualsTheShortcut(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("g");
        assertEquals(0, run(out, err, train(dir, "--norm", "layer", "--mlp", "gelu", "--positions", "learned",
                "--attention-bias")), err.toString());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"model_type\" : \"gpt2\""));
    }

    @Test
    void unsavableOrMisspelledDesignsGiveClearErrors(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, train(tmp.resolve("a"), "--norm", "batch")));
        assertTrue(err.toString().contains("--norm 'batch' is not one of rms, layer"), err.toString());
        StringWriter err2 = new StringWriter();
        int code = run(out, err2, train(tmp.resolve("b"), "--mlp", "gelu"));
        assertTrue(code != 0 && err2.toString().contains("cannot be saved"), err2.toString());
        StringWriter err3 = new StringWriter();
        code = run(out, err3, train(tmp.resolve("c"), "--gpt2", "--untied"));
        assertTrue(code != 0 && err3.toString().contains("drop --untied"), err3.toString());
    }
}
