package dev.glassbox.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glassbox.engine.train.SyntheticTask;
import dev.glassbox.engine.train.TaskData;

/** Regularized evolution proposes the same candidates for the same seed, and each child changes one choice. */
class RegularizedEvolutionTest {

    static SearchSettings settings(Strategy strategy, long seed, int candidates, int round, int workers) {
        return new SearchSettings("copy", null, null, SearchSpace.DEFAULT, strategy, seed, candidates, round, 8, 2, 16, 2,
                3e-3f, workers, 0, Costs.Axis.PARAMETERS);
    }

    static List<Candidate> run(SearchSettings s, FakeEvaluator ev) throws Exception {
        return new Search(s, new TaskData(SyntheticTask.parse("copy")), ev, c -> { }, Search.Listener.NONE)
                .run(List.of(), () -> false).candidates();
    }

    @Test
    void theSameSeedGivesTheSameCandidatesAndAnotherSeedOthers() throws Exception {
        Strategy evo = Strategy.evolution(6, 3);
        List<Candidate> a = run(settings(evo, 11, 24, 3, 2), new FakeEvaluator());
        List<Candidate> b = run(settings(evo, 11, 24, 3, 2), new FakeEvaluator());
        List<Candidate> c = run(settings(evo, 12, 24, 3, 2), new FakeEvaluator());
        assertEquals(a.stream().map(Candidate::genome).toList(), b.stream().map(Candidate::genome).toList());
        assertEquals(a, b, "same losses, statuses and costs");
        assertNotEquals(a.stream().map(Candidate::genome).toList(), c.stream().map(Candidate::genome).toList());
        for (Candidate x : a) {
            assertTrue(x.status().finished(), x.toString());
        }
    }

    @Test
    void everyChildDiffersFromAPopulationMemberInExactlyOneChoice() throws Exception {
        int p = 6;
        List<Candidate> all = run(settings(Strategy.evolution(p, 3), 5, 30, 3, 1), new FakeEvaluator());
        for (Candidate child : all.subList(p, all.size())) {
            List<Candidate> population = all.subList(child.round() * 3 - p, child.round() * 3);
            assertTrue(population.stream().anyMatch(m -> distance(m.genome(), child.genome()) == 1),
                    "candidate " + child.id() + " is one mutation from the population");
        }
    }

    @Test
    void evolutionBeatsItsRandomStartOnTheFakeLoss() throws Exception {
        List<Candidate> all = run(settings(Strategy.evolution(6, 3), 7, 36, 3, 2), new FakeEvaluator());
        double firstBest = best(all.subList(0, 6));
        double lastBest = best(all.subList(24, 36));
        assertTrue(lastBest <= firstBest, "the tournament keeps improving: " + firstBest + " -> " + lastBest);
    }

    private static double best(List<Candidate> cs) {
        return cs.stream().filter(c -> c.status() == Candidate.Status.DONE).mapToDouble(Candidate::valLoss).min().orElseThrow();
    }

    private static int distance(List<Integer> a, List<Integer> b) {
        int d = 0;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) d++;
        }
        return d;
    }

    @Test
    void successiveHalvingKeepsTheBetterHalfOfEachRound() throws Exception {
        List<Candidate> all = run(settings(Strategy.RANDOM, 3, 4, 4, 2), new FakeEvaluator());
        List<Candidate> done = new ArrayList<>(all.stream().filter(c -> c.status() == Candidate.Status.DONE).toList());
        assertEquals(1, done.size(), "rungs 2, 4, 8: four train to 2, two to 4, one to 8");
        Candidate d = done.getFirst();
        assertEquals(8, d.steps());
        assertEquals(List.of(2, 4, 8), d.rungs().stream().map(Candidate.Rung::steps).toList());
        assertEquals(8, d.curve().size());
        double bestAt2 = all.stream().mapToDouble(c -> c.rungs().getFirst().valLoss()).min().orElseThrow();
        assertEquals(bestAt2, d.rungs().getFirst().valLoss(), "the fake loss keeps its order: the best at 2 steps wins");
        assertEquals(2, all.stream().filter(c -> c.steps() == 2).count());
        assertEquals(1, all.stream().filter(c -> c.steps() == 4).count());
    }
}
