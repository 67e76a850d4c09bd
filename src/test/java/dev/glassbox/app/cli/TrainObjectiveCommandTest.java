package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --objective mlm|nsp|rtd}: an encoder run saves a bert folder; decoder-only options are refused in one line. */
class TrainObjectiveCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void mlmOnStoriesSavesABertFolder(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("bert");
        int code = run(out, err, "train", "--objective", "mlm", "--task", "stories", "--layers", "1", "--heads", "2",
                "--dim", "16", "--seq", "16", "--batch", "4", "--steps", "4", "--eval-every", "2", "--threads", "1",
                "--vocab-words", "50", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("mlm acc"), out.toString());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"model_type\" : \"bert\""));
        assertTrue(Files.readString(dir.resolve("training.json")).contains("\"objective\" : \"mlm\""));
    }

    @Test
    void optionsThatDoNotApplyAreRefused(@TempDir Path tmp) {
        String[][] cases = {
            {"--objective", "mlm", "--task", "stories", "--kv-heads", "1"},
            {"--objective", "rtd", "--task", "copy"},
            {"--objective", "mlp", "--task", "stories"},
            {"--task", "stories", "--rtd-lambda", "10"},
        };
        String[] expected = {"error: --kv-heads does not apply to --objective mlm",
            "error: --objective rtd trains on text", "error: --objective 'mlp' is not one of causal, mlm, nsp, rtd",
            "error: --rtd-lambda applies to --objective mlm, nsp or rtd only"};
        for (int i = 0; i < cases.length; i++) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] args = new String[cases[i].length + 9];
            System.arraycopy(new String[] {"train", "--layers", "1", "--heads", "2", "--dim", "8", "--out",
                    tmp.resolve("x" + i).toString()}, 0, args, 0, 9);
            System.arraycopy(cases[i], 0, args, 9, cases[i].length);
            int code = run(out, err, args);
            assertEquals(2, code, err.toString());
            assertTrue(err.toString().startsWith(expected[i]), err.toString());
        }
    }
}
