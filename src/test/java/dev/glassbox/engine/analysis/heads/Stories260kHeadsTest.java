package dev.glassbox.engine.analysis.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.ModelConfig;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.SharedData;

/** Every head table of stories260K (5 layers x 8 heads, 4 kv heads) on 128 tokens of TinyStories. */
@Tag("shared-data")
class Stories260kHeadsTest {

    @Test
    void allTablesForAllHeadsAt128Tokens() throws Exception {
        Path dir = SharedData.require("models/stories260K");
        Path shared = SharedData.require("corpora").getParent();
        LoadedModel m = ModelLoader.load(dir.resolve("stories260K.bin"), dir.resolve("tok512.bin"), Parallel.shared());
        ModelConfig c = m.config();
        int[] tokens = HeadsBenchmark.tokens(m, java.nio.file.Files.readString(shared.resolve("corpora/tinystories_sample.txt")));
        assertEquals(128, tokens.length);
        HeadAnalysis.Settings s = HeadAnalysis.Settings.defaults(m.tokenizer().bos(), m.tokenizer().eos(), 63);
        long t = System.nanoTime();
        HeadReport r = HeadAnalysis.analyse((LlamaModel) m.model(), tokens, s, Parallel.shared());
        System.out.printf("stories260K head analysis, 128 tokens: %.0f ms (cold JIT) %s%n",
                (System.nanoTime() - t) / 1e6, r.timingsMillis());

        String[] metrics = {"wq", "wk", "wv", "wo", "qk", "ov", "qk_cosine", "ov_cosine", "js", "output_cosine"};
        for (int l = 0; l < c.layers(); l++) {
            for (String metric : metrics) {
                HeadTable tab = r.table(metric, l, l);
                assertNotNull(tab, metric + " layer " + l);
                assertEquals(c.heads(), tab.rows());
                for (int i = 0; i < c.heads(); i++) {
                    for (int j = 0; j < c.heads(); j++) {
                        double v = tab.get(i, j);
                        assertTrue(Double.isFinite(v), metric + " finite");
                        assertEquals(v, tab.get(j, i), 1e-9, metric + " symmetric");
                        boolean cosine = metric.endsWith("cosine");
                        assertTrue(v >= (cosine ? -1 - 1e-9 : -1e-12) && v <= 1 + 1e-9, metric + " in range: " + v);
                    }
                    double diagonal = metric.equals("js") ? 0 : 1;
                    assertEquals(diagonal, tab.get(i, i), 1e-6, metric + " of head " + i + " with itself, layer " + l);
                }
                if (metric.equals("wk") || metric.equals("wv")) {
                    for (int i = 0; i < c.heads(); i++) {
                        for (int j = 0; j < c.heads(); j++) {
                            if (r.sharedKv()[i][j]) {
                                assertEquals(1.0, tab.get(i, j), 1e-9, "heads sharing a kv head share " + metric);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(r.sharedKv()[0][1] && !r.sharedKv()[1][2], "stories260K pairs heads (0,1), (2,3), ...");
        assertEquals(c.layers() * c.heads(), r.rows().size());
        assertEquals(c.layers() * c.heads(), r.ablations().size());
        for (HeadReport.Row row : r.rows()) {
            assertTrue(Double.isFinite(row.importance()));
            assertTrue(row.entropy() >= 0 && row.entropy() <= Math.log(tokens.length));
            assertTrue(row.sinkMass() > 0 && row.sinkMass() <= 1);
            assertTrue(row.prefixMatching() >= 0 && row.prefixMatching() <= 1);
        }
        List<HeadReport.Row> byPrev = r.rows().stream()
                .sorted(Comparator.comparingDouble((HeadReport.Row x) -> -x.roles().previousToken())).toList();
        List<HeadReport.Row> byImportance = r.rows().stream()
                .sorted(Comparator.comparingDouble((HeadReport.Row x) -> -x.importance())).toList();
        List<HeadReport.Row> byPrefix = r.rows().stream()
                .sorted(Comparator.comparingDouble((HeadReport.Row x) -> -x.prefixMatching())).toList();
        for (int i = 0; i < 3; i++) {
            HeadReport.Row p = byPrev.get(i);
            HeadReport.Row q = byImportance.get(i);
            HeadReport.Row x = byPrefix.get(i);
            System.out.printf("top previous-token L%dH%d %.3f | top importance L%dH%d %+.4f | top prefix-matching L%dH%d %.3f%n",
                    p.layer(), p.head(), p.roles().previousToken(), q.layer(), q.head(), q.importance(),
                    x.layer(), x.head(), x.prefixMatching());
        }
        // the clean loss of a model on its own training distribution is far below uniform guessing (ln 512)
        assertTrue(r.clean().loss() < Math.log(c.vocabSize()) / 2, "clean loss " + r.clean().loss());
    }
}
