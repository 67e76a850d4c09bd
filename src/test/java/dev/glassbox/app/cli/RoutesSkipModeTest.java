package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.glassbox.testing.SharedData;

/** {@code routes --skip-each [token|sequence]} names its mode in layer_skip.csv, routes.json and the console. */
@Tag("shared-data")
class RoutesSkipModeTest {

    private static List<String> routes(Path out, StringWriter con, String... skip) throws Exception {
        Path dir = SharedData.require("models/stories260K");
        List<String> args = new java.util.ArrayList<>(List.of("routes", "--model", dir.resolve("stories260K.bin").toString(),
                "--tokenizer", dir.resolve("tok512.bin").toString(), "--prompt", "Once upon a time", "--samples", "2",
                "--out", out.toString()));
        args.addAll(List.of(skip));
        StringWriter err = new StringWriter();
        assertEquals(0, GlassboxCli.run(new PrintWriter(con, true), new PrintWriter(err, true), args.toArray(String[]::new)),
                err.toString());
        return Files.readAllLines(out.resolve("layer_skip.csv"));
    }

    @Test
    void bothModesAreWrittenAndNamed(@TempDir Path tmp) throws Exception {
        StringWriter con = new StringWriter();
        List<String> token = routes(tmp.resolve("t"), con, "--skip-each");
        assertEquals("skip_mode,layer,mean_kl_to_full,mean_nll,full_nll", token.get(0));
        assertTrue(token.get(1).startsWith("token,0,"), token.get(1));
        assertTrue(con.toString().contains("predicting token only"), con.toString());
        assertEquals("token", new ObjectMapper().readTree(tmp.resolve("t/routes.json").toFile()).get("layer_skip_mode").asText());

        List<String> seq = routes(tmp.resolve("s"), new StringWriter(), "--skip-each", "sequence");
        assertEquals(token.size(), seq.size());
        assertTrue(seq.get(1).startsWith("sequence,0,"), seq.get(1));
        String[] t0 = token.get(1).split(","), s0 = seq.get(1).split(",");
        assertEquals(Double.parseDouble(t0[4]), Double.parseDouble(s0[4]), 1e-6, "same full-depth reference");
        assertTrue(Math.abs(Double.parseDouble(t0[2]) - Double.parseDouble(s0[2])) > 1e-6,
                "skipping layer 0 for the whole sequence differs from skipping it for one token");
    }

    @Test
    void anUnknownModeIsAOneLineError(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path dir = SharedData.require("models/stories260K");
        int code = GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "routes", "--model",
                dir.resolve("stories260K.bin").toString(), "--tokenizer", dir.resolve("tok512.bin").toString(),
                "--prompt", "Once", "--skip-each", "layer", "--out", tmp.toString());
        assertTrue(code != 0);
        assertTrue(err.toString().contains("--skip-each must be token or sequence, got 'layer'"), err.toString());
    }
}
