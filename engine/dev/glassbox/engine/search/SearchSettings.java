package dev.glassbox.engine.search;

import java.io.IOException;
import java.nio.file.Path;

import dev.glassbox.engine.train.BpeLearner;
import dev.glassbox.engine.train.CharTokenizer;
import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;
import dev.glassbox.engine.train.TextData;
import dev.glassbox.engine.train.TrainingData;

/**
 * Everything that defines a search (saved in search.json, so --resume continues the same one).
 *
 * @param task       a built-in task name, or null when {@code textFile} is given
 * @param textFile   a UTF-8 text file (absolute path), or null
 * @param tokenizer  for a text file: char or bpe:N
 * @param candidates the budget in candidates (architectures trained)
 * @param round      candidates proposed, trained and halved together
 * @param steps      steps of a candidate that survives every rung
 * @param minSteps   steps of the first rung of successive halving (= steps: no halving)
 * @param workers    trainers running at once (one thread each)
 * @param minutes    the budget in wall time, 0 = none
 * @param cost       the cost axis the front is drawn over (all three are measured)
 */
public record SearchSettings(String task, String textFile, String tokenizer, SearchSpace space, Strategy strategy,
                             long seed, int candidates, int round, int steps, int minSteps, int seq, int batch, float lr,
                             int workers, double minutes, Costs.Axis cost) {

    public SearchSettings {
        java.util.Objects.requireNonNull(space, "space");
        java.util.Objects.requireNonNull(strategy, "strategy");
        java.util.Objects.requireNonNull(cost, "cost");
        if ((task == null) == (textFile == null)) {
            throw new IllegalArgumentException("a search trains on exactly one of --task or --text-file");
        }
        if (candidates < 1) throw new IllegalArgumentException("--candidates must be >= 1, got " + candidates);
        if (round < 1) throw new IllegalArgumentException("--round must be >= 1, got " + round);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (minSteps < 1 || minSteps > steps) {
            throw new IllegalArgumentException("--min-steps must be in 1..--steps (" + steps + "), got " + minSteps);
        }
        if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        if (!(minutes >= 0)) throw new IllegalArgumentException("--minutes must be >= 0, got " + minutes);
    }

    /** The rung ends of successive halving (Jamieson and Talwalkar 2016): minSteps, doubling, capped at steps. */
    public java.util.List<Integer> rungs() {
        java.util.List<Integer> r = new java.util.ArrayList<>();
        for (long s = minSteps; s < steps; s *= 2) {
            r.add((int) s);
        }
        r.add(steps);
        return r;
    }

    /** This search with a new budget (a resumed search may be given more candidates or time). */
    public SearchSettings withBudget(int candidates, double minutes) {
        return new SearchSettings(task, textFile, tokenizer, space, strategy, seed, candidates, round, steps, minSteps, seq,
                batch, lr, workers, minutes, cost);
    }

    /** The training data: the built-in task, or the text file read with its tokenizer. */
    public TrainingData data() throws IOException {
        if (task != null) {
            return new TaskData(SyntheticTask.parse(task));
        }
        Integer bpe = BpeLearner.parseSpec(tokenizer == null ? "char" : tokenizer);
        java.util.function.Function<String, CharTokenizer> of = bpe != null ? text -> BpeLearner.learn(text, bpe)
                : CharTokenizer::of;
        return TextData.read(Path.of(textFile), seq, of);
    }

    /** "task copy" or the text file's name, for titles. */
    public String source() {
        return task != null ? "task " + task : Path.of(textFile).getFileName().toString();
    }
}
