package dev.glassbox.engine.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.glassbox.engine.export.CsvWriter;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.io.OutputFolder;
import dev.glassbox.engine.train.Checkpoint;

/**
 * A search's results folder: search.json (settings and every candidate, curves included), candidates.csv (one row a
 * candidate) and one checkpoint folder per candidate (c0000, c0001, ...). Both files are rewritten atomically after
 * every change. A new search refuses a folder that holds a search or files Glassbox did not write; {@link #resume}
 * accepts only a folder holding a search.json and Glassbox's own files and candidate checkpoints.
 */
public final class SearchFolder implements Search.Store {
    public static final String STATE = "search.json";
    public static final String TABLE = "candidates.csv";
    /** Version of search.json's layout. */
    static final int VERSION = 1;
    private static final Pattern CANDIDATE_DIR = Pattern.compile("c\\d{4,}(\\.(tmp|old)-.*)?");

    /** What search.json holds. */
    public record State(int version, SearchSettings settings, List<Candidate> candidates) {
    }

    private final OutputFolder folder;
    private final SearchSettings settings;
    private final List<Candidate> saved;

    private SearchFolder(OutputFolder folder, SearchSettings settings, List<Candidate> saved) {
        this.folder = folder;
        this.settings = settings;
        this.saved = saved;
    }

    /** A folder for a new search: new, empty, or Glassbox's files without a search (else a one-line error). */
    public static SearchFolder create(Path dir, SearchSettings settings, OutputFolder.Input... inputs) throws IOException {
        if (Files.isRegularFile(dir.resolve(STATE))) {
            throw new IllegalArgumentException("--out " + dir + " holds a search already; continue it with --resume " + dir
                    + " or choose a new folder");
        }
        return new SearchFolder(OutputFolder.check(dir, "--out", false, name -> false, SearchFolder::isCandidateFolder,
                inputs), settings, List.of());
    }

    /** The search saved in {@code dir}, to continue. */
    public static SearchFolder resume(Path dir) throws IOException {
        Path state = dir.resolve(STATE);
        if (!Files.isRegularFile(state)) {
            throw new IllegalArgumentException("--resume " + dir + " holds no " + STATE + " (not a search folder)");
        }
        State s;
        try {
            s = Json.MAPPER.readValue(state.toFile(), State.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("--resume " + dir + ": " + STATE + " is not a search Glassbox wrote ("
                    + e.getOriginalMessage() + ")");
        }
        if (s.version() != VERSION || s.settings() == null || s.candidates() == null) {
            throw new IllegalArgumentException("--resume " + dir + ": " + STATE + " has version " + s.version()
                    + ", this Glassbox reads version " + VERSION);
        }
        OutputFolder f = OutputFolder.check(dir, "--resume", false, name -> false, SearchFolder::isCandidateFolder);
        return new SearchFolder(f, s.settings(), List.copyOf(s.candidates()));
    }

    /** A candidate's checkpoint folder (or a stale sibling a killed save left): named c0000..., checkpoint files only. */
    private static boolean isCandidateFolder(Path p) {
        if (!CANDIDATE_DIR.matcher(p.getFileName().toString()).matches()) {
            return false;
        }
        try (Stream<Path> files = Files.list(p)) {
            return files.allMatch(f -> Files.isRegularFile(f) && (Checkpoint.FILES.contains(f.getFileName().toString())
                    || f.getFileName().toString().equals(OutputFolder.MARKER)));
        } catch (IOException e) {
            return false;
        }
    }

    public SearchSettings settings() { return settings; }

    /** This folder saving the search with a new budget (a resumed search given more candidates or time). */
    public SearchFolder withBudget(int candidates, double minutes) {
        return new SearchFolder(folder, settings.withBudget(candidates, minutes), saved);
    }

    /** The candidates saved before (empty for a new search). */
    public List<Candidate> saved() { return saved; }

    public Path dir() { return folder.dir(); }

    /** The checkpoint folder of candidate {@code c}, e.g. c0007. */
    public static String candidateFolder(Candidate c) {
        return String.format(Locale.ROOT, "c%04d", c.id());
    }

    public Path candidateDir(Candidate c) {
        return folder.dir().resolve(candidateFolder(c));
    }

    @Override
    public synchronized void save(List<Candidate> candidates) throws IOException {
        folder.write(STATE, out -> Json.PRETTY.writeValue(out, new State(VERSION, settings, candidates)));
        try (AtomicFile f = folder.create(TABLE)) {
            writeTable(f.writer(), candidates);
            f.commit();
        }
    }

    /** The candidates table: one row a candidate, its configuration, seed, status, losses and costs. */
    static void writeTable(Appendable out, List<Candidate> candidates) throws IOException {
        CsvWriter csv = new CsvWriter(out);
        csv.row("id", "round", "status", "layers", "heads", "kv_heads", "dim", "hidden", "attention", "experts", "positions",
                "seed", "steps", "val_loss", "parameters", "flops_per_token", "latency_ms", "seconds", "folder", "message");
        for (Candidate c : candidates) {
            Architecture a = c.architecture();
            List<Object> row = new ArrayList<>(List.of(c.id(), c.round(), c.status().name().toLowerCase(Locale.ROOT),
                    a.layers(), a.heads(), a.kvHeads(), a.dim(), a.hidden(), a.attention(), a.experts().spec(),
                    dev.glassbox.engine.train.BlockDesign.spelling(a.positions()), c.seed(), c.steps()));
            row.add(c.valLoss());
            row.add(c.parameters());
            row.add(c.flopsPerToken());
            row.add(c.latencyMs());
            row.add(c.seconds());
            row.add(candidateFolder(c));
            row.add(c.message());
            csv.row(row);
        }
    }
}
