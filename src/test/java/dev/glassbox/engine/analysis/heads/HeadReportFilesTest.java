package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.engine.export.NpyArray;
import dev.glassbox.engine.export.NpyReader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;

/** The exported folder: every table as CSV and float32 NPY with the same numbers, listed in the manifest. */
class HeadReportFilesTest {

    @Test
    void everyTableIsWrittenAsCsvAndNpyAndListedInTheManifest(@TempDir Path dir) throws Exception {
        LlamaModel model = TinyModels.twinAndOrthogonalHeads(5); // 4 query heads on 2 kv heads
        LoadedModel m = new LoadedModel("tiny", null, "test", model, null);
        int[] tokens = {1, 5, 3, 7, 2, 6, 4, 0};
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(1, 2, 3).withCrossLayer(true);
        HeadReport r = HeadAnalysis.analyse(model, tokens, s, Parallel.SERIAL);
        List<String> files = HeadReportFiles.write(dir, m, r, s, "test tokens", null);

        assertEquals("manifest.json", files.getLast());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertEquals(r.tables().size(), manifest.get("tables").size());
        for (int i = 0; i < r.tables().size(); i++) {
            HeadTable t = r.tables().get(i);
            JsonNode entry = manifest.get("tables").get(i);
            assertEquals(t.metric(), entry.get("metric").asText());
            NpyArray npy = NpyReader.read(dir.resolve(entry.get("npy").asText()));
            assertArrayEquals(new int[] {t.rows(), t.columns()}, npy.shape());
            List<String> csv = Files.readAllLines(dir.resolve(entry.get("csv").asText()));
            assertEquals(t.rows() + 1, csv.size(), "header plus one line per head");
            for (int row = 0; row < t.rows(); row++) {
                String[] cells = csv.get(row + 1).split(",");
                for (int col = 0; col < t.columns(); col++) {
                    assertEquals(t.get(row, col), npy.get(row, col), 1e-6, t.metric() + " npy");
                    assertEquals(t.get(row, col), Double.parseDouble(cells[col + 1]), 1e-6, t.metric() + " csv");
                }
            }
        }
        // grouped-query attention: heads 0,1 read kv head 0 and heads 2,3 kv head 1
        assertEquals(List.of("head,H0,H1,H2,H3", "H0,1,1,0,0", "H1,1,1,0,0", "H2,0,0,1,1", "H3,0,0,1,1"),
                Files.readAllLines(dir.resolve("kv_shared.csv")));
        assertTrue(Files.exists(dir.resolve("roles.csv")));
        assertTrue(Files.exists(dir.resolve("ablation.csv")));
        assertEquals(files.size(), manifest.get("files").size() + 1, "the manifest lists every other file");
    }
}
