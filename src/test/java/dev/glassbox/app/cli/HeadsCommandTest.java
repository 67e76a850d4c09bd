package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.testing.SharedData;
import dev.glassbox.visuals.i18n.I18n;

@Tag("shared-data")
class HeadsCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void writesEveryTableRolesAndManifest(@TempDir Path out) throws Exception {
        Path dir = SharedData.require("models/stories260K");
        Path text = SharedData.require("corpora/tinystories_sample.txt");
        CliRun r = run("heads", "--model", dir.resolve("stories260K.bin").toString(),
                "--tokenizer", dir.resolve("tok512.bin").toString(), "--text-file", text.toString(),
                "--max-tokens", "64", "--ablation", "mean", "--cross-layer", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // the stages and the ablation's count with the time left, on the error stream (a long run is not silent)
        assertTrue(r.err().contains(I18n.text("heads.stageCapture", 64, "")), r.err());
        // every stage's first step with its first estimate (5 layers' bases, 15 layer pairs with --cross-layer)
        for (String stage : List.of(I18n.text("heads.stageWeights", 40) + "#1#20", I18n.text("heads.stageCapture", 64, "")
                + "#64#64", I18n.text("heads.stageScores") + "#1#5", I18n.text("heads.stageProbe") + "#1#63")) {
            String[] p = stage.split("#");
            String line = I18n.text("progress.countLeft", p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), "#");
            assertTrue(r.err().contains(line.substring(0, line.indexOf('#'))), line + " in " + r.err());
        }
        for (int done : new int[] {1, 40}) { // the first head (the first estimate) and the last
            String line = I18n.text("progress.countLeft", I18n.text("heads.ablatingHeads"), done, 40, "#");
            assertTrue(r.err().contains(line.substring(0, line.indexOf('#'))), r.err());
        }
        for (String metric : List.of("wq", "wk", "wv", "wo", "qk", "ov", "qk_cosine", "ov_cosine", "js", "output_cosine")) {
            for (int l = 0; l < 5; l++) {
                List<String> lines = Files.readAllLines(out.resolve(metric + ".layer" + l + ".csv"));
                assertEquals(9, lines.size(), metric + " has a header row and 8 heads");
                assertEquals("head,L" + l + "H0,L" + l + "H1,L" + l + "H2,L" + l + "H3,L" + l + "H4,L" + l + "H5,L" + l
                        + "H6,L" + l + "H7", lines.get(0));
                assertTrue(lines.get(3).startsWith("L" + l + "H2,"));
                assertEquals(9, lines.get(3).split(",").length);
            }
        }
        assertTrue(Files.exists(out.resolve("wo.layer0-4.csv")), "cross-layer table");
        List<String> roles = Files.readAllLines(out.resolve("roles.csv"));
        assertEquals(41, roles.size());
        assertTrue(roles.get(0).startsWith("layer,head,kv_head,previous_token,duplicate_token,induction,prefix_matching,"
                + "best_offset,offset_score,entropy,sink_mass,special_mass,importance"));
        assertTrue(roles.get(1).startsWith("0,0,0,"));
        assertTrue(roles.get(40).startsWith("4,7,3,"));
        assertFalse(roles.get(40).contains("NaN"), roles.get(40));
        List<String> ablation = Files.readAllLines(out.resolve("ablation.csv"));
        assertEquals(41, ablation.size());
        assertEquals("layer,head,loss,loss_increase,kl_last,top_before,top_after,top_probability_before,"
                + "top_probability_after", ablation.get(0));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(64, manifest.get("tokens").asInt());
        assertEquals("mean", manifest.get("ablation").asText());
        assertEquals(5, manifest.get("orthogonality_penalty").get("wq").size());
        assertTrue(manifest.get("kv_shared").get(0).get(1).asBoolean());
        for (JsonNode f : manifest.get("files")) {
            assertTrue(Files.exists(out.resolve(f.asText())), f.asText());
        }
    }

    @Test
    void badInputsGetOneLineErrors(@TempDir Path out) throws Exception {
        Path dir = SharedData.require("models/stories260K");
        String model = dir.resolve("stories260K.bin").toString();
        CliRun missing = run("heads", "--model", model, "--text-file", out.resolve("nope.txt").toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.txt"), missing.err());
        CliRun mode = run("heads", "--model", model, "--ablation", "half", "--out", out.toString());
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--ablation must be zero, mean or none"), mode.err());
        Files.writeString(out.resolve("empty.txt"), "");
        CliRun empty = run("heads", "--model", model, "--text-file", out.resolve("empty.txt").toString(), "--out",
                out.resolve("o").toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("empty.txt") && empty.err().contains("tokens"), empty.err());
    }
}
