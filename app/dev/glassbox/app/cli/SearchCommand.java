package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.search.Architecture;
import dev.glassbox.engine.search.Candidate;
import dev.glassbox.engine.search.Costs;
import dev.glassbox.engine.search.ParetoFront;
import dev.glassbox.engine.search.Search;
import dev.glassbox.engine.search.SearchFolder;
import dev.glassbox.engine.search.SearchSettings;
import dev.glassbox.engine.search.SearchSpace;
import dev.glassbox.engine.search.Strategy;
import dev.glassbox.engine.train.BlockDesign;
import dev.glassbox.engine.train.TrainingData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search a space of architectures (random search or regularized evolution), train each candidate briefly, "
                + "and save quality against parameters, FLOPs per token and decode latency with the Pareto front.")
public final class SearchCommand extends ConsoleCommand {

    static final class Target {
        @Option(names = "--out", paramLabel = "DIR", description = "a new results folder (refused if it holds a search: use --resume)")
        Path out;

        @Option(names = "--resume", paramLabel = "DIR", description = "continue the search saved in DIR with its own settings "
                + "(--candidates and --minutes may raise the budget)")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--task", description = "copy, reverse, sort, induction, passkey, brackets, stories")
    String task;

    @Option(names = "--text-file", converter = Converters.InputFile.class, description = "a UTF-8 text file")
    Path textFile;

    @Option(names = "--tokenizer", converter = Converters.TokenizerSpec.class, defaultValue = "char", paramLabel = "char|bpe:N",
            description = "for --text-file: characters (default) or BPE up to N pieces")
    String tokenizer;

    @Option(names = "--strategy", defaultValue = "evolution", paramLabel = "random|evolution",
            description = "random search or regularized evolution (Real et al. 2019) (default ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--population", converter = Converters.Positive.class, defaultValue = "8", description = "evolution: population P (default ${DEFAULT-VALUE})")
    int population;

    @Option(names = "--sample", converter = Converters.Positive.class, defaultValue = "3", description = "evolution: tournament sample S (default ${DEFAULT-VALUE})")
    int sample;

    @Option(names = "--candidates", converter = Converters.Positive.class, description = "budget: architectures to train (default 16)")
    Integer candidates;

    @Option(names = "--minutes", converter = Converters.NonNegativeDouble.class, description = "budget: wall time, 0 = none (default 0); a stopped search continues with --resume")
    Double minutes;

    @Option(names = "--round", converter = Converters.Positive.class, defaultValue = "4", description = "candidates trained and halved together (default ${DEFAULT-VALUE})")
    int round;

    @Option(names = "--steps", converter = Converters.Positive.class, defaultValue = "200", description = "training steps of a candidate that survives halving (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--min-steps", converter = Converters.Positive.class, description = "steps of the first halving rung (default --steps / 4; = --steps: no halving)")
    Integer minSteps;

    @Option(names = "--seq", converter = Converters.Positive.class, defaultValue = "32", description = "context length (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--batch", converter = Converters.Positive.class, defaultValue = "8", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", converter = Converters.LearningRate.class, defaultValue = "3e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--workers", converter = Converters.NonNegative.class, defaultValue = "0", description = "trainers at once, one core each (default: all cores)")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "search seed; candidate i trains with seed + i (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cost", defaultValue = "params", paramLabel = "params|flops|latency", description = "cost axis of the printed Pareto front (all three are saved; default ${DEFAULT-VALUE})")
    String cost;

    @Option(names = "--layers", split = ",", defaultValue = "1,2,3", description = "choices of blocks (default ${DEFAULT-VALUE})")
    List<Integer> layers;

    @Option(names = "--heads", split = ",", defaultValue = "1,2,4", description = "choices of attention heads (default ${DEFAULT-VALUE})")
    List<Integer> heads;

    @Option(names = "--kv-heads", split = ",", defaultValue = "1,2,4", description = "choices of key/value heads; those not dividing the heads are skipped (default ${DEFAULT-VALUE})")
    List<Integer> kvHeads;

    @Option(names = "--dim", split = ",", defaultValue = "16,32,48", description = "choices of model width (default ${DEFAULT-VALUE})")
    List<Integer> dims;

    @Option(names = "--hidden", split = ",", defaultValue = "0", description = "choices of MLP width, 0 = about 8/3 dim (default ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(names = "--attention", split = ";", defaultValue = "full;sliding:W=8;rosa:B=8", paramLabel = "SPEC;SPEC",
            description = "choices of attention span in train's --context syntax, separated by ';' (default ${DEFAULT-VALUE})")
    List<String> attention;

    @Option(names = "--experts", split = ",", defaultValue = "0,4x1,4x2", paramLabel = "0|ExK",
            description = "choices of MLP: 0 = dense, ExK = E experts, top-k K (default ${DEFAULT-VALUE})")
    List<String> experts;

    @Option(names = "--positions", split = ",", defaultValue = "rope", paramLabel = "rope|xl-relative",
            description = "choices of positions (default ${DEFAULT-VALUE})")
    List<String> positions;

    @Override
    int run(PrintWriter w) throws Exception {
        SearchFolder folder;
        if (target.resume != null) {
            folder = SearchFolder.resume(target.resume);
        } else {
            SearchSettings s = settings();
            folder = SearchFolder.create(target.out, s, OutputFolder.input("--text-file", textFile));
        }
        if (target.resume != null && (candidates != null || minutes != null)) {
            SearchSettings saved = folder.settings();
            folder = folder.withBudget(candidates != null ? candidates : saved.candidates(),
                    minutes != null ? minutes : saved.minutes());
        }
        SearchSettings s = folder.settings();
        TrainingData data = s.data();
        Costs.Axis axis = target.resume != null ? s.cost() : Costs.Axis.parse(cost);
        w.printf(Locale.ROOT, "%s search on %s: %d candidates%s, %d workers, %d steps (rungs %s), space of %,d architectures%n",
                s.strategy().kind().name().toLowerCase(Locale.ROOT), s.source(), s.candidates(),
                s.minutes() > 0 ? String.format(Locale.ROOT, " or %.1f min", s.minutes()) : "", s.workers(), s.steps(),
                s.rungs(), s.space().size());
        if (!folder.saved().isEmpty()) {
            w.printf(Locale.ROOT, "resuming %s: %d candidates saved%n", folder.dir(), folder.saved().size());
        }
        w.flush();
        SearchFolder store = folder;
        SearchSettings settings = s;
        boolean[] reported = new boolean[s.candidates()];
        Search.Outcome o = new Search(s, data, new dev.glassbox.engine.search.TrainerEvaluator(data, s, store::candidateDir),
                store, (all, p) -> {
                    for (Candidate c : all) {
                        if (c.id() < reported.length && !reported[c.id()] && c.status().finished() && !Double.isNaN(c.latencyMs())
                                || c.id() < reported.length && !reported[c.id()] && c.status() == Candidate.Status.FAILED) {
                            reported[c.id()] = true;
                            w.printf(Locale.ROOT, "[%d/%d] %s %-40s %s  %s%n", p.finished(), p.total(),
                                    SearchFolder.candidateFolder(c), c.architecture().describe(), line(c),
                                    Double.isNaN(p.secondsLeft()) ? "" : "left ~" + dev.glassbox.app.service.TrainingController.eta(p.secondsLeft()));
                            w.flush();
                        }
                    }
                }).run(folder.saved(), () -> Thread.currentThread().isInterrupted());
        w.printf(Locale.ROOT, "%s in %.1f s; results in %s%n", o.end() == Search.End.FINISHED ? "search finished"
                : "time budget used (continue with --resume " + store.dir() + ")", o.seconds(), store.dir());
        printFront(w, o.candidates(), axis);
        return 0;
    }

    /** The settings the options give (a new search). */
    SearchSettings settings() {
        if ((task == null) == (textFile == null)) {
            throw new IllegalArgumentException("give exactly one of --task or --text-file");
        }
        SearchSpace space = new SearchSpace(layers, heads, kvHeads, dims, hidden, attention,
                experts.stream().map(Architecture.Experts::parse).toList(),
                positions.stream().map(p -> BlockDesign.parse(BlockDesign.Positions.class, "--positions", p)).toList());
        Strategy st = switch (strategy.strip().toLowerCase(Locale.ROOT)) {
            case "random" -> Strategy.RANDOM;
            case "evolution" -> Strategy.evolution(population, Math.min(sample, population));
            default -> throw new IllegalArgumentException("--strategy '" + strategy + "' is not random or evolution");
        };
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        return new SearchSettings(task, textFile == null ? null : textFile.toAbsolutePath().toString(), tokenizer, space, st,
                seed, candidates != null ? candidates : 16, round, steps, minSteps != null ? minSteps : Math.max(1, steps / 4),
                seq, batch, lr, n, minutes != null ? minutes : 0, Costs.Axis.parse(cost));
    }

    private static String line(Candidate c) {
        if (c.status() == Candidate.Status.FAILED) {
            return "failed: " + c.message();
        }
        return String.format(Locale.ROOT, "val %.4f @%d  params %,d  flops/token %,.0f  latency %.3f ms%s", c.valLoss(), c.steps(),
                c.parameters(), c.flopsPerToken(), c.latencyMs(), c.status() == Candidate.Status.HALVED ? "  (halved)" : "");
    }

    static void printFront(PrintWriter w, List<Candidate> all, Costs.Axis axis) {
        List<Integer> front = ParetoFront.of(all, axis);
        w.printf(Locale.ROOT, "Pareto front (validation loss against %s): %d of %d candidates%n", axis.spelling(), front.size(),
                all.size());
        for (int i : front) {
            Candidate c = all.get(i);
            w.printf(Locale.ROOT, "  %s %-40s %s%n", SearchFolder.candidateFolder(c), c.architecture().describe(), line(c));
        }
        w.flush();
    }
}
