package dev.glassbox.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glassbox.app.service.HeadsAnalysis;
import dev.glassbox.engine.analysis.heads.HeadAnalysis;
import dev.glassbox.engine.analysis.heads.HeadReport;
import dev.glassbox.engine.analysis.heads.HeadTable;
import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.LlamaModel;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.tensor.Parallel;
import dev.glassbox.testing.TinyLlama2c;
import dev.glassbox.visuals.i18n.I18n;

/** Every metric the engine computes for the Heads view, every head role and every other named metric has a display name and a definition in both languages. */
class MetricTextsTest {
    private static final ResourceBundle EN = I18n.bundle(I18n.ENGLISH);
    private static final ResourceBundle ZH = I18n.bundle(I18n.CHINESE);

    @Test
    void everyHeadsMetricTheEngineComputesIsOfferedAndNamed(@TempDir Path dir) throws Exception {
        LoadedModel m = ModelLoader.load(TinyLlama2c.write(dir.resolve("tiny"), 5), null);
        int[] tokens = HeadsAnalysis.inputTokens(m, "the cat sat on the mat the cat sat on the mat");
        HeadReport r = HeadAnalysis.analyse((LlamaModel) m.model(), tokens, HeadsAnalysis.settings(m), Parallel.SERIAL);
        Set<String> computed = new TreeSet<>();
        r.tables().forEach(t -> computed.add(t.metric()));
        HeadsAnalysis.weightTables(m, 0, 1).stream().map(HeadTable::metric).forEach(computed::add);
        assertEquals(computed, new TreeSet<>(HeadsAnalysis.METRICS), "the picker offers every metric the engine computes");
        List<String> ids = new ArrayList<>(computed);
        ids.addAll(HeadsAnalysis.ROLES.keySet());
        for (String id : ids) {
            assertNamed(MetricTexts.key(id));
        }
    }

    @Test
    void everyNamedMetricHasADefinitionInBothLanguages() {
        List<String> keys = EN.keySet().stream().filter(k -> k.startsWith("metric.") && k.endsWith(".name"))
                .map(k -> k.substring(0, k.length() - ".name".length())).toList();
        assertTrue(keys.size() >= 30, "metrics named: " + keys.size());
        keys.forEach(MetricTextsTest::assertNamed);
    }

    @Test
    void keysOfRoleNamesHaveNoSpaces() {
        assertEquals("metric.prefix_matching", MetricTexts.key("prefix matching"));
        assertEquals("metric.previous-token", MetricTexts.key("previous-token"));
    }

    private static void assertNamed(String key) {
        for (ResourceBundle b : List.of(EN, ZH)) {
            String where = key + " in " + (b == EN ? "English" : "Chinese");
            assertTrue(b.containsKey(key + ".name") && b.containsKey(key + ".definition"), where);
            assertFalse(b.getString(key + ".name").isBlank(), where);
            assertFalse(b.getString(key + ".definition").isBlank(), where);
        }
        // a definition says which way is more: "0 = identical patterns", "higher = faster", ...
        assertTrue(EN.getString(key + ".definition").contains(" = "), key + ": " + EN.getString(key + ".definition"));
        String zh = ZH.getString(key + ".definition");
        assertNotEquals(EN.getString(key + ".definition"), zh, key);
        assertTrue(zh.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN), key + " in Chinese: " + zh);
    }
}
