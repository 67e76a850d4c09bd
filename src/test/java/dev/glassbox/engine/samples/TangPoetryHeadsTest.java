package dev.glassbox.engine.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.testing.SharedData;

/**
 * What sample-models/README.md says of the Tang poetry model's heads, checked on five-character poems of its
 * corpus: in regulated verse each half-line has the same length, and L2H0 reads the character at the same place in
 * the previous half-line more than any other head does; L1H1 and L2H2 read the previous character.
 */
@Tag("shared-data")
class TangPoetryHeadsTest {
    private static final int CHARS = 5; // five-character lines: XXXXX，XXXXX。

    @Test
    void oneHeadReadsTheSamePlaceInThePreviousHalfLine() throws IOException {
        Path corpus = SharedData.require("corpora/tang300.txt");
        LoadedModel m = ModelLoader.load(Path.of("sample-models/tang-poetry"), null);
        List<String> poems = fiveCharacterPoems(Files.readString(corpus, StandardCharsets.UTF_8));
        assertTrue(poems.size() >= 20, "five-character poems found: " + poems.size());
        int layers = m.config().layers();
        int heads = m.config().heads();
        double[][] samePlace = new double[layers][heads];
        double[][] previous = new double[layers][heads];
        int poemsRun = 0;
        for (int i = 0; i < poems.size(); i += poems.size() / 6) {
            String text = poems.get(i);
            TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, text, HookSelection.of("blocks.*.attn.pattern"),
                    Generation.Settings.greedy(0)), TraceListener.NONE, () -> false);
            assertEquals(text.length() + 1, r.promptLength(), "one token per character after BOS");
            List<int[]> pairs = samePlacePairs(text);
            for (int l = 0; l < layers; l++) {
                float[][][] p = r.trace().attentionPattern(l).orElseThrow();
                for (int h = 0; h < heads; h++) {
                    double same = 0, prev = 0;
                    for (int[] qk : pairs) {
                        same += p[h][qk[0] + 1][qk[1] + 1]; // +1: BOS comes first
                        prev += p[h][qk[0] + 1][qk[0]];
                    }
                    samePlace[l][h] += same / pairs.size();
                    previous[l][h] += prev / pairs.size();
                }
            }
            poemsRun++;
        }
        for (double[] row : samePlace) for (int h = 0; h < heads; h++) row[h] /= poemsRun;
        for (double[] row : previous) for (int h = 0; h < heads; h++) row[h] /= poemsRun;
        String table = Arrays.deepToString(samePlace) + " / previous " + Arrays.deepToString(previous);
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                if (l != 2 || h != 0) assertTrue(samePlace[2][0] > samePlace[l][h], "L2H0 leads: " + table);
            }
        }
        assertTrue(samePlace[2][0] > 0.12, "L2H0 same place " + table);
        assertTrue(previous[1][1] > 0.15 && previous[2][2] > 0.15, "previous-character heads " + table);
    }

    /** Poem bodies whose lines are all XXXXX，XXXXX。 (title and author lines dropped), at most 127 characters. */
    static List<String> fiveCharacterPoems(String corpus) {
        List<String> poems = new ArrayList<>();
        for (String block : corpus.split("%\n")) {
            List<String> lines = block.lines().filter(s -> !s.isEmpty()).toList();
            if (lines.size() < 4) continue;
            List<String> body = lines.subList(2, lines.size());
            if (body.stream().allMatch(TangPoetryHeadsTest::fiveCharacterLine)) {
                String text = String.join("\n", body) + "\n";
                poems.add(text.substring(0, Math.min(text.length(), 127)));
            }
        }
        return poems;
    }

    private static boolean fiveCharacterLine(String s) {
        return s.length() == 2 * CHARS + 2 && s.charAt(CHARS) == '，' && "。？！".indexOf(s.charAt(2 * CHARS + 1)) >= 0;
    }

    /**
     * (query, key) character positions: each character of a second half-line with the same place in the first
     * half-line, and each character of a first half-line with the same place in the previous line's second half.
     */
    static List<int[]> samePlacePairs(String text) {
        List<int[]> pairs = new ArrayList<>();
        int start = 0;
        int previousSecondHalf = -1;
        for (String line : text.split("\n", -1)) {
            if (fiveCharacterLine(line)) {
                int second = start + CHARS + 1;
                for (int c = 0; c < CHARS; c++) {
                    if (previousSecondHalf >= 0) pairs.add(new int[] {start + c, previousSecondHalf + c});
                    pairs.add(new int[] {second + c, start + c});
                }
                previousSecondHalf = second;
            } else {
                previousSecondHalf = -1;
            }
            start += line.length() + 1;
        }
        return pairs;
    }
}
