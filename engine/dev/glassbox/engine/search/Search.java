package dev.glassbox.engine.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import dev.glassbox.engine.train.TrainingData;

/**
 * Runs a search in rounds: the strategy proposes a round of candidates, they are trained in parallel (one trainer per
 * worker thread) with successive halving (Jamieson and Talwalkar 2016: after each rung the better half by validation
 * loss, ties by id, trains on to twice the steps), their decode latency is measured one at a time once no trainer
 * runs, and every change is handed to the {@link Store} at once. Proposals are a pure function of the seed and the
 * recorded losses, so a resumed search replays them and reuses every recorded rung instead of training it again.
 */
public final class Search {

    /** Where the search's state goes after every change (search.json and candidates.csv). */
    @FunctionalInterface
    public interface Store {
        void save(List<Candidate> candidates) throws IOException;
    }

    /** Sees the search after every change, on the thread that ran {@link #run}; must return quickly. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (c, p) -> { };

        void changed(List<Candidate> candidates, Progress progress);
    }

    /**
     * @param finished    candidates finished (done, halved or failed)
     * @param total       the candidate budget
     * @param secondsLeft estimate at this run's pace (NaN before the first candidate finishes in this run)
     */
    public record Progress(int finished, int total, double elapsedSeconds, double secondsLeft) {
    }

    /** How a run ended without being cancelled: the candidate budget was used, or the time budget. */
    public enum End { FINISHED, TIME_BUDGET }

    public record Outcome(End end, List<Candidate> candidates, double seconds) {
    }

    private final SearchSettings s;
    private final TrainingData data;
    private final Evaluator evaluator;
    private final Store store;
    private final Listener listener;
    private final List<Candidate> all = new ArrayList<>();
    private long t0;
    private int finishedAtStart;

    public Search(SearchSettings settings, TrainingData data, Evaluator evaluator, Store store, Listener listener) {
        this.s = settings;
        this.data = data;
        this.evaluator = evaluator;
        this.store = store;
        this.listener = listener;
    }

    /**
     * Runs until the candidate budget is used, the time budget is over, or {@code cancelled} turns true
     * (CancellationException, after the state is saved). {@code saved}: the candidates of an earlier run to continue.
     */
    public Outcome run(List<Candidate> saved, BooleanSupplier cancelled) throws IOException {
        t0 = System.nanoTime();
        long deadline = s.minutes() > 0 ? t0 + (long) (s.minutes() * 60e9) : Long.MAX_VALUE;
        BooleanSupplier stop = () -> cancelled.getAsBoolean() || System.nanoTime() > deadline;
        all.clear();
        all.addAll(saved);
        all.sort(Comparator.comparingInt(Candidate::id));
        finishedAtStart = (int) all.stream().filter(c -> c.status().finished()).count();
        Random rng = new Random(s.seed());
        List<Candidate> history = new ArrayList<>();
        int workers = Math.min(s.workers(), s.round());
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "glassbox-search");
            t.setDaemon(true);
            return t;
        })) {
            for (int id = 0, round = 0; id < s.candidates(); round++) {
                if (stop.getAsBoolean()) {
                    return stopped(cancelled);
                }
                int n = Math.min(s.round(), s.candidates() - id);
                List<List<Integer>> genomes = s.strategy().propose(n, rng, history, s.space(), data, s.seq());
                List<Integer> ids = new ArrayList<>();
                for (List<Integer> g : genomes) {
                    ids.add(id);
                    admit(id, round, g);
                    id++;
                }
                if (!runRound(ids, pool, stop)) {
                    return stopped(cancelled);
                }
                for (int i : ids) {
                    history.add(get(i));
                }
            }
        }
        return new Outcome(End.FINISHED, List.copyOf(all), seconds());
    }

    private Outcome stopped(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("search cancelled");
        }
        return new Outcome(End.TIME_BUDGET, List.copyOf(all), seconds());
    }

    /** Adds candidate {@code id}, or checks the saved one is the same architecture (a resumed search). */
    private void admit(int id, int round, List<Integer> genome) {
        if (id < all.size()) {
            Candidate c = all.get(id);
            if (c.id() != id || !c.genome().equals(genome)) {
                throw new IllegalArgumentException("the saved results do not match this search: candidate " + id
                        + " was " + c.architecture().describe() + ", the search proposes "
                        + s.space().architecture(genome).describe());
            }
            return;
        }
        all.add(Candidate.fresh(id, round, genome, s.space().architecture(genome), s.seed() + id));
    }

    /** Trains one round through its rungs; false when stopped (the state is saved). */
    private boolean runRound(List<Integer> ids, ExecutorService pool, BooleanSupplier stop) throws IOException {
        // a failed candidate takes part in the rungs before the one it failed in (a resumed round halves as the first did)
        List<Integer> alive = new ArrayList<>(ids);
        List<Integer> rungs = s.rungs();
        for (int k = 0; k < rungs.size(); k++) {
            int target = rungs.get(k);
            int rung = k;
            List<Future<?>> jobs = new ArrayList<>();
            for (int i : alive) {
                if (get(i).rungs().size() <= rung && get(i).status() != Candidate.Status.FAILED) {
                    jobs.add(pool.submit(() -> trainOne(i, target, stop)));
                }
            }
            await(jobs);
            alive.removeIf(i -> get(i).status() == Candidate.Status.FAILED && get(i).rungs().size() <= rung);
            if (alive.stream().anyMatch(i -> get(i).rungs().size() <= rung)) {
                return false; // stopped inside the rung
            }
            boolean last = k == rungs.size() - 1;
            alive.sort(Comparator.comparingDouble((Integer i) -> get(i).rungs().get(rung).valLoss()).thenComparingInt(i -> i));
            int keep = last ? alive.size() : (alive.size() + 1) / 2;
            for (int j = 0; j < alive.size(); j++) {
                Candidate c = get(alive.get(j));
                Candidate.Status st = j < keep && last ? Candidate.Status.DONE : j < keep ? c.status() : Candidate.Status.HALVED;
                if (st != c.status()) {
                    replace(c.withStatus(st, ""));
                }
            }
            save();
            alive = new ArrayList<>(alive.subList(0, keep));
            if (!measureLatency(ids, stop)) {
                return false;
            }
        }
        return true;
    }

    /** Decode latency of the round's finished candidates not measured yet, one at a time (no trainer running). */
    private boolean measureLatency(List<Integer> ids, BooleanSupplier stop) throws IOException {
        for (int i : ids) {
            Candidate c = get(i);
            if ((c.status() == Candidate.Status.DONE || c.status() == Candidate.Status.HALVED) && Double.isNaN(c.latencyMs())) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                update(c.withLatency(evaluator.latencyMs(c)));
            }
        }
        return true;
    }

    private void trainOne(int i, int target, BooleanSupplier stop) {
        Candidate c = get(i);
        try {
            Evaluator.Trained t = evaluator.train(c, target, s.steps(), stop);
            update(c.trained(t));
        } catch (CancellationException e) {
            // stopped before any step: the record stands
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (java.io.UncheckedIOException e) {
            throw e; // the store could not write: the search ends with the error
        } catch (RuntimeException e) {
            update(c.withStatus(Candidate.Status.FAILED, String.valueOf(e.getMessage())));
        } catch (OutOfMemoryError e) {
            update(c.withStatus(Candidate.Status.FAILED, "out of memory"));
        }
    }

    private void await(List<Future<?>> jobs) throws IOException {
        for (Future<?> f : jobs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("search interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof java.io.UncheckedIOException u) {
                    throw u.getCause();
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private synchronized Candidate get(int i) {
        return all.get(i);
    }

    /** Replaces a candidate's record, saves the state and tells the listener (workers call it too). */
    private synchronized void update(Candidate c) {
        replace(c);
        save();
    }

    /** Replaces a candidate's record without saving (a group of changes saved together). */
    private synchronized void replace(Candidate c) {
        all.set(c.id(), c);
    }

    private synchronized void save() {
        List<Candidate> snapshot = List.copyOf(all);
        try {
            store.save(snapshot);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int finished = (int) snapshot.stream().filter(x -> x.status().finished()).count();
        double secs = seconds();
        int doneHere = finished - finishedAtStart;
        double left = doneHere > 0 ? secs / doneHere * Math.max(0, s.candidates() - finished) : Double.NaN;
        listener.changed(snapshot, new Progress(finished, s.candidates(), secs, left));
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }
}
