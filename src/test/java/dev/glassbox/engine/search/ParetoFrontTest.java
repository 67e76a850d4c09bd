package dev.glassbox.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Pareto front of a hand-made set: dominated points, ties on one axis, exact duplicates, NaN. */
class ParetoFrontTest {

    private static ParetoFront.Point p(int i, double cost, double loss) {
        return new ParetoFront.Point(i, cost, loss);
    }

    @Test
    void frontOfAHandMadeSet() {
        List<ParetoFront.Point> pts = List.of(
                p(0, 10, 3.0),   // cheapest: on the front
                p(1, 20, 2.0),   // on
                p(2, 20, 2.5),   // same cost as 1, higher loss: dominated
                p(3, 30, 2.0),   // same loss as 1, higher cost: dominated
                p(4, 40, 1.0),   // on
                p(5, 40, 1.0),   // duplicate of 4: on (neither dominates the other)
                p(6, 50, 1.5),   // dominated by 4
                p(7, 60, Double.NaN), // not measured: left out
                p(8, 5, 4.0),    // cheaper than all: on
                p(9, 70, 0.5));  // best loss: on
        assertEquals(List.of(8, 0, 1, 4, 5, 9), ParetoFront.of(pts));
    }

    @Test
    void oneOrNoPoint() {
        assertEquals(List.of(), ParetoFront.of(List.of()));
        assertEquals(List.of(3), ParetoFront.of(List.of(p(3, 1, 1))));
        assertEquals(List.of(), ParetoFront.of(List.of(p(3, Double.NaN, 1))));
    }

    @Test
    void aPointDominatedInBothAxesIsNeverOnTheFrontWhateverTheOrder() {
        List<ParetoFront.Point> pts = List.of(p(0, 2, 2), p(1, 1, 1), p(2, 1, 3), p(3, 3, 1));
        assertEquals(List.of(1), ParetoFront.of(pts));
    }
}
