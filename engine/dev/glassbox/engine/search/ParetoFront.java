package dev.glassbox.engine.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The candidates no other candidate dominates when both loss and cost are minimised: b dominates a when
 * b.loss <= a.loss and b.cost <= a.cost with at least one strictly smaller. Duplicates (equal loss and equal cost)
 * do not dominate each other, so all of them are on the front; a point with equal cost and higher loss (or equal loss
 * and higher cost) is not. Points with a NaN coordinate are left out.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /** A point to place: its index in the caller's list, cost and loss. */
    public record Point(int index, double cost, double loss) {
    }

    /** The indices of the front, by rising cost (then rising index). */
    public static List<Integer> of(List<Point> points) {
        List<Point> sorted = new ArrayList<>();
        for (Point p : points) {
            if (!Double.isNaN(p.cost()) && !Double.isNaN(p.loss())) sorted.add(p);
        }
        sorted.sort(Comparator.comparingDouble(Point::cost).thenComparingDouble(Point::loss).thenComparingInt(Point::index));
        List<Integer> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY; // lowest loss among strictly cheaper points
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            double cost = sorted.get(i).cost();
            double groupMin = sorted.get(i).loss(); // sorted by loss inside a group of equal cost
            while (j < sorted.size() && sorted.get(j).cost() == cost) {
                if (sorted.get(j).loss() == groupMin && groupMin < best) {
                    front.add(sorted.get(j).index());
                }
                j++;
            }
            best = Math.min(best, groupMin);
            i = j;
        }
        return front;
    }

    /** The front of {@code candidates} (finished ones) over {@code axis}: indices into the list. */
    public static List<Integer> of(List<Candidate> candidates, Costs.Axis axis) {
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (c.status() == Candidate.Status.DONE || c.status() == Candidate.Status.HALVED) {
                pts.add(new Point(i, c.cost(axis), c.valLoss()));
            }
        }
        return of(pts);
    }
}
