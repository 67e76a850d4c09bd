package dev.glassbox.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.routing.ExpertRoutes;

/** {@code routes} on trainer-made expert and random-routing models: experts per token, load.csv, own policy. */
class RoutesCommandExpertsTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static Path train(Path dir, String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("train", "--task", "stories", "--layers", "2", "--heads", "2",
                "--dim", "16", "--hidden", "16", "--seq", "32", "--batch", "4", "--steps", "4", "--eval-every", "4",
                "--threads", "1", "--out", dir.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, run(out, err, args.toArray(String[]::new)), err.toString());
        return dir;
    }

    @Test
    void expertModelWritesExpertsPerTokenAndLoadCsvMatchingTheEngine(@TempDir Path tmp) throws Exception {
        Path model = train(tmp.resolve("moe"), "--experts", "3", "--top-k", "2");
        Path out = tmp.resolve("routes");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        String prompt = "Tom saw a dog.";
        assertEquals(0, run(o, e, "routes", "--model", model.toString(), "--prompt", prompt, "--samples", "2",
                "--out", out.toString()), e.toString());
        JsonNode json = new ObjectMapper().readTree(out.resolve("routes.json").toFile());
        assertEquals("dense", json.get("policy").asText(), "an expert model's own layer policy is dense");
        JsonNode first = json.get("tokens").get(0).get("experts");
        assertEquals(2, first.size(), "both layers have experts");
        assertEquals(2, first.get(0).get("experts").size(), "top-2");

        LoadedModel m = ModelLoader.load(model, null);
        int[] ids = m.tokenizer().encode(prompt);
        var loads = ExpertRoutes.load(ExpertRoutes.expertLayers(m.decoder()), ExpertRoutes.trace(m.decoder(), ids, () -> false), 1.0);
        List<String> csv = Files.readAllLines(out.resolve("load.csv"));
        assertEquals("layer,expert,tokens,share,coefficient_of_variation,max_over_mean,over_capacity,aux_loss,switch_top1_loss", csv.get(0));
        assertEquals(1 + 2 * (3 + 1), csv.size());
        for (int l = 0; l < 2; l++) {
            int total = 0;
            for (int x = 0; x < 3; x++) {
                String[] row = csv.get(1 + l * 4 + x).split(",", -1);
                int n = Integer.parseInt(row[2]);
                assertEquals(loads.get(l).balance().tokensPerExpert()[x], n);
                total += n;
            }
            assertEquals(2 * ids.length, total, "each token counted once per chosen expert");
            String[] layerRow = csv.get(1 + l * 4 + 3).split(",", -1);
            assertEquals("all", layerRow[1]);
            assertEquals(loads.get(l).balance().coefficientOfVariation(), Double.parseDouble(layerRow[4]), 1e-12);
            // router probabilities differ in the last float bits between thread splits of the router product
            assertEquals(loads.get(l).balance().auxLoss(), Double.parseDouble(layerRow[7]), 1e-6);
            assertEquals(loads.get(l).balance().switchTop1Loss(), Double.parseDouble(layerRow[8]), 1e-6);
        }
    }

    @Test
    void randomRoutingModelDefaultsToItsTrainedProbability(@TempDir Path tmp) throws Exception {
        Path model = train(tmp.resolve("rr"), "--random-routing", "0.25");
        Path out = tmp.resolve("routes");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        assertEquals(0, run(o, e, "routes", "--model", model.toString(), "--prompt", "Tom saw a dog.", "--samples", "4",
                "--out", out.toString()), e.toString());
        JsonNode json = new ObjectMapper().readTree(out.resolve("routes.json").toFile());
        assertEquals("random:p=0.25", json.get("policy").asText());
        assertTrue(!Files.exists(out.resolve("load.csv")));
    }

    @Test
    void badRoutingOptionsOnTrainAreOneLineErrors(@TempDir Path tmp) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = run(o, e, "train", "--task", "stories", "--layers", "1", "--heads", "2", "--dim", "16", "--experts", "4",
                "--top-k", "5", "--out", tmp.resolve("x").toString());
        assertEquals(2, code);
        assertTrue(e.toString().contains("--top-k must be in 1..4"), e.toString());
    }
}
