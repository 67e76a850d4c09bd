package dev.glassbox.engine.search;

import java.util.List;

/**
 * One architecture of a search and everything measured on it so far (saved in search.json and candidates.csv).
 *
 * @param id            0-based, in the order the strategy proposed it
 * @param round         the round (group trained together, halved together) it belongs to
 * @param genome        one choice index per gene of the {@link SearchSpace}
 * @param seed          the trainer's seed (search seed + id)
 * @param steps         optimizer steps trained so far
 * @param valLoss       validation loss after {@code steps} (NaN before the first rung ends): the quality
 * @param rungs         validation loss at the end of each rung reached
 * @param curve         training loss of every step, in order
 * @param parameters    trainable parameters (0 before training)
 * @param flopsPerToken forward FLOPs of one token at the training context ({@link Costs#flopsPerToken})
 * @param latencyMs     median decode time of one token of the saved checkpoint on this machine (NaN until measured)
 * @param seconds       wall time spent training it
 * @param message       why it failed (status FAILED), else empty
 */
public record Candidate(int id, int round, List<Integer> genome, Architecture architecture, long seed, Status status,
                        int steps, double valLoss, List<Rung> rungs, List<Double> curve, long parameters,
                        double flopsPerToken, double latencyMs, double seconds, String message) {

    /** Where a candidate stands: training (also: interrupted, resumable), halved, done, failed. */
    public enum Status {
        /** Not yet at the end of its round (also when a search was stopped while it trained). */
        TRAINING,
        /** Stopped early by successive halving: its loss is the last rung's. */
        HALVED,
        /** Trained the full --steps. */
        DONE,
        /** The trainer refused or the loss was not finite; see message. */
        FAILED;

        public boolean finished() { return this != TRAINING; }
    }

    /** The validation loss at the end of one rung of successive halving. */
    public record Rung(int steps, double valLoss) {
    }

    public Candidate {
        genome = List.copyOf(genome);
        rungs = List.copyOf(rungs);
        curve = List.copyOf(curve);
        message = message == null ? "" : message;
    }

    /** A candidate about to be trained. */
    public static Candidate fresh(int id, int round, List<Integer> genome, Architecture a, long seed) {
        return new Candidate(id, round, genome, a, seed, Status.TRAINING, 0, Double.NaN, List.of(), List.of(), 0,
                Double.NaN, Double.NaN, 0, "");
    }

    public Candidate withStatus(Status s, String why) {
        return new Candidate(id, round, genome, architecture, seed, s, steps, valLoss, rungs, curve, parameters,
                flopsPerToken, latencyMs, seconds, why);
    }

    public Candidate withLatency(double ms) {
        return new Candidate(id, round, genome, architecture, seed, status, steps, valLoss, rungs, curve, parameters,
                flopsPerToken, ms, seconds, message);
    }

    /** This candidate after training to {@code r}'s steps (a full rung) or fewer (stopped). */
    public Candidate trained(Evaluator.Trained r) {
        List<Double> c = new java.util.ArrayList<>(r.restarted() ? List.of() : curve);
        c.addAll(r.losses());
        List<Rung> g = new java.util.ArrayList<>(r.restarted() ? List.of() : rungs);
        if (r.rungEnded()) {
            g.add(new Rung(r.steps(), r.valLoss()));
        }
        return new Candidate(id, round, genome, architecture, seed, status, r.steps(),
                r.rungEnded() ? r.valLoss() : r.restarted() ? Double.NaN : valLoss, g, c, r.parameters(),
                r.flopsPerToken(), latencyMs, (r.restarted() ? 0 : seconds) + r.seconds(), message);
    }

    /** The value of {@code cost} for this candidate (NaN when not measured). */
    public double cost(Costs.Axis cost) {
        return switch (cost) {
            case PARAMETERS -> parameters > 0 ? parameters : Double.NaN;
            case FLOPS -> flopsPerToken;
            case LATENCY -> latencyMs;
        };
    }
}
