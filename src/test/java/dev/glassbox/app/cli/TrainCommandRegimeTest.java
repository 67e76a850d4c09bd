package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training-regime options of {@code glassbox train}: --orthogonality, --freeze, --init. */
class TrainCommandRegimeTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void orthogonalityIsReportedAndFineTuningStartsFromACheckpoint(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path base = tmp.resolve("base");
        assertEquals(0, run(out, err, "train", "--task", "copy", "--layers", "2", "--heads", "2", "--dim", "16", "--seq", "16",
                "--batch", "2", "--steps", "2", "--eval-every", "2", "--threads", "1", "--orthogonality", "0.5",
                "--out", base.toString()), err.toString());
        assertTrue(out.toString().contains("orth "), out.toString());
        assertTrue(Files.readString(base.resolve("training.json")).contains("\"orthogonality\" : 0.5"));

        StringWriter out2 = new StringWriter();
        Path tuned = tmp.resolve("tuned");
        assertEquals(0, run(out2, err, "train", "--task", "reverse", "--init", base.toString(), "--freeze", "0,embeddings",
                "--seq", "16", "--batch", "2", "--steps", "2", "--eval-every", "2", "--threads", "1",
                "--out", tuned.toString()), err.toString());
        String text = out2.toString();
        assertTrue(text.contains("fine-tuning from") && text.contains("frozen: 0,embeddings"), text);
        assertTrue(Files.readString(tuned.resolve("training.json")).contains("\"freeze\" : \"0,embeddings\""));
    }

    @Test
    void missingShapeOrBadFreezeGiveClearErrors(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, "train", "--task", "copy", "--out", tmp.resolve("x").toString()));
        assertTrue(err.toString().contains("--layers, --heads and --dim are required"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(out, err2, "train", "--task", "copy", "--layers", "1", "--heads", "1", "--dim", "8",
                "--freeze", "progressive:x", "--out", tmp.resolve("y").toString()));
        assertTrue(err2.toString().contains("Invalid value for option '--freeze': 'progressive:x': K must be a whole number"), err2.toString());
    }
}
