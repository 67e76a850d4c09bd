package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --context records the method; context-compare runs it as the model's native method. */
class ContextTrainingCommandsTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static Path train(Path dir, String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] base = {"train", "--task", "copy", "--layers", "1", "--heads", "2", "--dim", "16", "--seq", "16",
                "--batch", "2", "--steps", "2", "--eval-every", "2", "--threads", "1", "--out", dir.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        assertEquals(0, run(out, err, args), err.toString());
        return dir;
    }

    @Test
    void aModelTrainedWithAWindowRunsItAsItsNativeMethod(@TempDir Path tmp) throws Exception {
        Path model = train(tmp.resolve("m"), "--context", "sliding:W=4");
        assertTrue(Files.readString(model.resolve("config.json")).contains("\"glassbox_context\" : \"sliding:W=4\""));
        Path text = Files.writeString(tmp.resolve("t.txt"), "abc=abc\nzyx=zyx\n".repeat(4));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "context-compare", "--model", model.toString(), "--text-file", text.toString(),
                "--method", "full", "--method", "native", "--passkey-lengths", "none", "--out", tmp.resolve("lab").toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("trained with sliding:W=4 (its native method)"), out.toString());
        String csv = Files.readString(tmp.resolve("lab/perplexity.csv"));
        assertTrue(csv.contains("\nsliding:W=4,1,") && csv.contains("\nfull,1,"), csv.substring(0, 200));
    }

    @Test
    void nativeNeedsARecordedMethodAndInferenceOnlyMethodsDoNotTrain(@TempDir Path tmp) throws Exception {
        Path model = train(tmp.resolve("plain"));
        Path text = Files.writeString(tmp.resolve("t.txt"), "abc=abc\n".repeat(4));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "context-compare", "--model", model.toString(), "--text-file", text.toString(),
                "--method", "native", "--passkey-lengths", "none", "--out", tmp.resolve("lab").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("records no training-time context method"), err.toString());

        StringWriter err2 = new StringWriter();
        code = run(new StringWriter(), err2, "train", "--task", "copy", "--layers", "1", "--heads", "1", "--dim", "8",
                "--context", "yarn:s=4", "--out", tmp.resolve("x").toString());
        assertEquals(2, code);
        assertTrue(err2.toString().startsWith("error: 'yarn:s=4' is not a training-time context method"), err2.toString());
    }
}
