package dev.glassbox.engine.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.glassbox.engine.train.TrainingData;

/**
 * How the next architectures are chosen: uniformly at random, or by regularized evolution.
 *
 * @param population P of regularized evolution (the most recent P candidates)
 * @param sample     S of regularized evolution (candidates drawn for each tournament)
 */
public record Strategy(Kind kind, int population, int sample) {

    public enum Kind { RANDOM, EVOLUTION }

    public static final Strategy RANDOM = new Strategy(Kind.RANDOM, 0, 0);

    public Strategy {
        java.util.Objects.requireNonNull(kind, "kind");
        if (kind == Kind.EVOLUTION && (population < 2 || sample < 1 || sample > population)) {
            throw new IllegalArgumentException("evolution needs --population >= 2 and 1 <= --sample <= --population, got "
                    + population + " and " + sample);
        }
    }

    public static Strategy evolution(int population, int sample) {
        return new Strategy(Kind.EVOLUTION, population, sample);
    }

    /**
     * The genomes of the next {@code count} candidates, given every finished candidate so far (in proposal order).
     * <p>
     * Regularized evolution is Real et al. 2019 ("Regularized Evolution for Image Classifier Architecture Search"),
     * Algorithm 1: the first P candidates are random; then each cycle samples S candidates of the population (uniformly,
     * with replacement), takes the best of the sample as parent, mutates exactly one of its choices, trains the child
     * and adds it, removing the oldest. After each cycle the population is therefore exactly the P most recent
     * candidates, which is how it is read here. A round proposes {@code count} children from the same population (the
     * batched form the paper's parallel workers run; with a round of 1 it is Algorithm 1 step by step).
     */
    public List<List<Integer>> propose(int count, Random rng, List<Candidate> history, SearchSpace space,
                                       TrainingData data, int seq) {
        List<List<Integer>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (kind == Kind.RANDOM || history.size() < population) {
                out.add(space.random(rng, data, seq));
                continue;
            }
            List<Candidate> pop = history.subList(history.size() - population, history.size());
            Candidate parent = null;
            for (int k = 0; k < sample; k++) {
                Candidate c = pop.get(rng.nextInt(pop.size()));
                if (parent == null || fitness(c) < fitness(parent)) {
                    parent = c;
                }
            }
            out.add(space.mutate(parent.genome(), rng, data, seq));
        }
        return out;
    }

    /** Validation loss, failed candidates (NaN) last. */
    private static double fitness(Candidate c) {
        return Double.isNaN(c.valLoss()) ? Double.POSITIVE_INFINITY : c.valLoss();
    }
}
