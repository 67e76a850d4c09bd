package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.analysis.heads.HeadAblation;
import dev.glassbox.engine.analysis.heads.HeadSet;
import dev.glassbox.engine.analysis.heads.RunOutcome;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.Intervention;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.Capture;
import dev.glassbox.engine.trace.TraceListener;

/** {@code heads --ablate} and {@code generate --ablate} on the bundled stories sample, checked against the engine. */
class AblateCommandsTest {
    private static final Path MODEL = Path.of("sample-models/tiny-stories-grammar");

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void headsWritesTheSetsEffectBesideTheTables(@TempDir Path out) throws Exception {
        String text = "Once upon a time, there was a little dog. The dog liked to run in the park with his friend.";
        Path file = out.resolve("text.txt");
        Files.writeString(file, text);
        Path dir = out.resolve("heads");
        CliRun r = run("heads", "--model", MODEL.toString(), "--text-file", file.toString(), "--ablate", "2.1,0.3",
                "--ablation", "none", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ablated L0H3, L2H1 (zero)"), r.out());

        LoadedModel m = ModelLoader.load(MODEL, null);
        int[] tokens = m.tokenizer().encode(text);
        RunOutcome clean = RunOutcome.of(m.decoder(), tokens, Intervention.NONE);
        HeadSet set = HeadSet.parse("0.3,2.1", m.config(), HeadAblation.Mode.ZERO, null);
        HeadAblation.SetEffect e = HeadAblation.ablate(m.decoder(), tokens, clean, set, 5);
        List<String> lines = Files.readAllLines(dir.resolve("ablation_set.csv"));
        assertEquals("heads,mode,loss_clean,loss_ablated,loss_increase,kl_last,rank,top_before,probability_before,"
                + "probability_before_ablated,top_after,probability_after", lines.get(0));
        assertEquals(6, lines.size(), "a header and the top 5");
        for (int i = 0; i < 5; i++) {
            String[] f = lines.get(1 + i).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
            assertEquals("\"L0H3, L2H1\"", f[0]);
            assertEquals("zero", f[1]);
            assertEquals(clean.loss(), Double.parseDouble(f[2]), 1e-5);
            assertEquals(e.loss(), Double.parseDouble(f[3]), 1e-5);
            assertEquals(e.klLast(), Double.parseDouble(f[5]), 1e-5);
            assertEquals(i + 1, Integer.parseInt(f[6]));
            assertTrue(f[7].replaceFirst("^\"", "").startsWith(e.before().ids()[i] + ":"), f[7]);
            assertEquals(e.before().probabilities()[i], Double.parseDouble(f[8]), 1e-5);
            assertEquals(e.beforeIdsAfter()[i], Double.parseDouble(f[9]), 1e-5);
            assertTrue(f[10].replaceFirst("^\"", "").startsWith(e.after().ids()[i] + ":"), f[10]);
        }
        assertTrue(e.klLast() > 1e-6, "the two heads matter on this text");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertTrue(manifest.get("files").toString().contains("ablation_set.csv"));
        assertTrue(Files.exists(dir.resolve("roles.csv")), "the usual tables are still written");
        assertFalse(Files.exists(dir.resolve("ablation.csv")), "--ablation none: no per-head table");
    }

    @Test
    void generateRemovesTheHeadsWhileGenerating() throws Exception {
        CliRun r = run("generate", "--model", MODEL.toString(), "--prompt", "Once upon a time", "--steps", "24",
                "--ablate", "0.0,0.1,0.2,0.3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals("L0H0, L0H1, L0H2, L0H3", o.get("ablated").asText());
        int[] shown = new int[o.get("token_ids").size()];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = o.get("token_ids").get(i).asInt();
        }
        LoadedModel m = ModelLoader.load(MODEL, null);
        int[] prompt = m.tokenizer().encode("Once upon a time");
        Generation.Settings greedy = new Generation.Settings(24, 0f, 0.9f, 0, 42, true);
        int[] ablated = Generation.run(m.decoder().newSession(Capture.none(m.config().layers()),
                        HeadSet.parse("0.0,0.1,0.2,0.3", m.config(), HeadAblation.Mode.ZERO, null).intervention(m.config())),
                m.tokenizer(), prompt, greedy, TraceListener.NONE, Generation.TokenListener.NONE, () -> false).tokens();
        int[] clean = Generation.run(m.decoder().newSession(Capture.none(m.config().layers())), m.tokenizer(), prompt,
                greedy, TraceListener.NONE, Generation.TokenListener.NONE, () -> false).tokens();
        assertArrayEquals(ablated, shown);
        assertFalse(Arrays.equals(clean, shown), "removing all of layer 0's heads changes the story: "
                + m.tokenizer().decode(shown));
    }

    @Test
    void badHeadSpecsGetTheAllowedRange(@TempDir Path out) {
        CliRun head = run("heads", "--model", MODEL.toString(), "--ablate", "1.9", "--out", out.toString());
        assertEquals(2, head.code());
        assertTrue(head.err().contains("head 9 outside 0..3 in layer 1"), head.err());
        CliRun layer = run("generate", "--model", MODEL.toString(), "--ablate", "1.0,4.0", "--steps", "2");
        assertTrue(layer.err().contains("layer 4 outside 0..3"), layer.err());
        CliRun form = run("generate", "--model", MODEL.toString(), "--ablate", "1:2", "--steps", "2");
        assertTrue(form.err().contains("bad head '1:2': write LAYER.HEAD"), form.err());
        CliRun mode = run("heads", "--model", MODEL.toString(), "--ablate", "1.0", "--ablation-mode", "half",
                "--out", out.toString());
        assertTrue(mode.err().contains("--ablation-mode must be zero or mean, got 'half'"), mode.err());
    }
}
