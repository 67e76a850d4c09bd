package dev.glassbox.engine.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.format.ModelLoader;
import dev.glassbox.engine.model.Generation;
import dev.glassbox.engine.model.LoadedModel;
import dev.glassbox.engine.model.TraceRun;
import dev.glassbox.engine.tokenizer.Tokenizer;
import dev.glassbox.engine.trace.HookSelection;
import dev.glassbox.engine.trace.TraceListener;
import dev.glassbox.engine.train.StoryGrammar;

/**
 * The word-level sample model (sample-models/tiny-stories-words, BPE learned on the toy story grammar): common words
 * of its suggested prompt are single tokens, greedy generation from that prompt writes only words of the grammar, and
 * L1H1 is the name head sample-models/README.md describes.
 */
class WordLevelStoriesTest {
    static final Path MODEL = Path.of("sample-models/tiny-stories-words");
    /** The suggested prompt of the model picker (model.tiny-stories-words.prompt). */
    static final String PROMPT = "Once upon a time, there was a";

    @Test
    void promptWordsAreWholeTokensAndGreedyTextUsesOnlyGrammarWords() throws IOException {
        LoadedModel m = ModelLoader.load(MODEL, null);
        Tokenizer tok = m.tokenizer();
        assertTrue(tok.vocabSize() >= 300 && tok.vocabSize() <= 1000, "vocabulary " + tok.vocabSize());
        int[] ids = tok.encode(PROMPT);
        List<String> pieces = pieces(tok, ids);
        for (String word : List.of(" upon", " a", " time,", " there", " was")) {
            assertTrue(pieces.contains(word), "'" + word + "' is one token: " + pieces);
        }
        // BOS, then at most one extra piece beyond one per word ("Once" opens a story only after a newline in training)
        assertTrue(ids.length <= PROMPT.split(" ").length + 2, "tokens " + pieces);

        TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, PROMPT, HookSelection.of("blocks.*.attn.pattern"),
                Generation.Settings.greedy(40)), TraceListener.NONE, () -> false);
        int[] all = r.tokens();
        int[] generated = Arrays.copyOfRange(all, r.promptLength(), all.length);
        assertTrue(generated.length >= 20, "generated " + generated.length + " tokens, stop " + r.stop());
        for (int id : generated) {
            assertTrue(id >= 0 && id < tok.vocabSize() && id != tok.unk() && id != tok.bos(), "token " + id);
        }
        String text = tok.decode(generated);
        Set<String> grammarWords = grammarWords();
        for (String word : text.split("[^A-Za-z]+")) {
            assertTrue(word.isEmpty() || grammarWords.contains(word), "'" + word + "' of '" + text + "' is a word of the stories");
        }
        assertTrue(text.split("[^A-Za-z]+").length >= 15, "about one word per token: '" + text + "'");
    }

    /**
     * Where the next word is the hero's name and the name was already said (e.g. at {@code "Yes!" said}), L1H1 puts
     * most of its weight on the earlier tokens of the name (0.78 on 40 stories when written), far more than any
     * head other than L0H1 (which also copies the name, 0.59).
     */
    @Test
    void layerOneHeadOneLooksBackAtTheHerosNameWhereItComesNext() throws IOException {
        LoadedModel m = ModelLoader.load(MODEL, null);
        Tokenizer tok = m.tokenizer();
        int layers = m.config().layers(), heads = m.config().heads();
        double[][] onName = new double[layers][heads];
        int queries = 0;
        Random rnd = new Random(7);
        for (int s = 0; s < 20; s++) {
            String story = StoryGrammar.story(rnd).strip();
            String hero = HEROES.stream().filter(story::contains).findFirst().orElseThrow();
            TraceRun.Result r = TraceRun.run(new TraceRun.Request(m, story, HookSelection.of("blocks.*.attn.pattern"),
                    Generation.Settings.greedy(0)), TraceListener.NONE, () -> false);
            int[] ids = r.tokens();
            List<String> words = pieces(tok, Arrays.copyOf(ids, r.promptLength())).stream()
                    .map(p -> p.replaceAll("[^A-Za-z]", "")).toList();
            for (int q = 1; q + 1 < words.size(); q++) {
                if (!words.get(q + 1).equals(hero) || !words.subList(1, q + 1).contains(hero)) continue;
                queries++;
                for (int l = 0; l < layers; l++) {
                    float[][][] p = r.trace().attentionPattern(l).orElseThrow();
                    for (int h = 0; h < heads; h++) {
                        for (int k = 1; k <= q; k++) {
                            if (words.get(k).equals(hero)) onName[l][h] += p[h][q][k];
                        }
                    }
                }
            }
        }
        assertTrue(queries >= 20, "positions before a repeated name: " + queries);
        for (double[] row : onName) for (int h = 0; h < heads; h++) row[h] /= queries;
        String table = Arrays.deepToString(onName);
        assertTrue(onName[1][1] > 0.5, "L1H1 weight on the name " + table);
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                if (!(l == 1 && h == 1) && !(l == 0 && h == 1)) assertTrue(onName[l][h] < 0.25, "L" + l + "H" + h + " " + table);
            }
        }
    }

    private static final List<String> HEROES = List.of("Tom", "Lily", "Ben", "Mia", "Sam", "Anna", "Max", "Lucy");

    /** Every word in 2,000 stories of the grammar the model was trained on. */
    static Set<String> grammarWords() {
        Set<String> words = new HashSet<>();
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            words.addAll(Arrays.asList(StoryGrammar.story(r).split("[^A-Za-z]+")));
        }
        return words;
    }

    /** The text each token adds, in order (BOS adds none). */
    static List<String> pieces(Tokenizer tok, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            out.add(new String(tok.bytes(i == 0 ? -1 : ids[i - 1], ids[i]), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }
}
