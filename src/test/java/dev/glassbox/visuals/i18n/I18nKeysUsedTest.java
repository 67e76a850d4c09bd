package dev.glassbox.visuals.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * No text in the bundles is dead: every key is written out in the sources, or belongs to a family whose keys the code
 * builds from an id (a model's guide, a metric's name, a walkthrough step, an explanation section, …).
 */
class I18nKeysUsedTest {
    /** Key families built at run time from an id; each names where. */
    private static final List<String> BUILT_PREFIXES = List.of(
            "model.",            // ModelGuide: model.<id>.description/data/vocabulary/prompt
            "metric.",           // MetricTexts: metric.<id>.name/definition
            "explain.",          // Explanation: explain.<workspace>.<view>.<part>
            "walkthrough.step.", // the walkthrough's step kinds: walkthrough.step.<kind>.title/text
            "legend.metric.",    // ScoreGridView: the legend title of a head-comparison metric
            "legend.scale.",     // ColorLegend: a colour scale explained
            "scale.short.",      // ColorScale's short name on the head view's menu
            "stop.",             // why a run stopped: stop.<reason>
            "ablation.mode.",    // AblationBar: ablation.mode.<mode>
            "sampling.",         // SamplingControls: sampling.<control> and its tooltip <key>Tip
            "train.objective.",  // TrainWorkspace: train.objective.<objective id>
            "search.axis.",      // SearchWorkspace: search.axis.<cost axis>
            "search.series.",    // SearchWorkspace: search.series.<candidate status>
            "search.status.",    // SearchWorkspace: search.status.<candidate status>
            "search.strategy."); // SearchWorkspace: search.strategy.<strategy>

    @Test
    void everyKeyIsUsed() throws IOException {
        StringBuilder sources = new StringBuilder();
        for (String root : List.of("app", "visuals", "engine")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    sources.append(Files.readString(f));
                }
            }
        }
        String all = sources.toString();
        TreeSet<String> unused = new TreeSet<>();
        for (String key : I18n.bundle(I18n.ENGLISH).keySet()) {
            boolean built = BUILT_PREFIXES.stream().anyMatch(key::startsWith);
            if (!built && !all.contains("\"" + key + "\"")) {
                unused.add(key);
            }
        }
        assertEquals(new TreeSet<>(), unused, "keys no code uses: delete them from both bundles");
    }
}
